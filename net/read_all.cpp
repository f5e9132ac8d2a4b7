#include "net/read_all.hpp"

namespace net {

task<std::string> read_all(stream& in, std::size_t max_bytes) {
  std::string text;
  char buf[4096];
  while (text.size() <= max_bytes) {
    auto r = co_await in.read_some(std::span<char>(buf, sizeof buf));
    if (r.n) text.append(buf, r.n);
    if (r.ec) break;
  }
  co_return text;
}

}  // namespace net

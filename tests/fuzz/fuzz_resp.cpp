// Fuzzes the Redis protocol from a peer: the input as a byte stream in two pieces, cut where its
// first byte says. No crash; the same values and outcome as when the input comes whole; the
// parser holds no more than its limits allow; every value read is written out and read back the
// same, and written again as the same bytes, and rendered by describe(); a command made of the
// input's lines reads back as the array of bulk strings it is.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "proto/resp/resp.hpp"

namespace resp = proto::resp;

namespace {

constexpr resp::limits small{.max_bulk = 1024, .max_elements = 64, .max_depth = 8, .max_line = 256};

struct outcome {
  std::vector<resp::value> values;
  resp::fault failure = resp::fault::none;
};

void drain(resp::parser& p, outcome& out) {
  while (auto v = p.next()) out.values.push_back(std::move(*v));
  // Only an unfinished line or body waits: never both.
  if (p.failure() == resp::fault::none &&
      p.pending() > std::max(small.max_line + 1, small.max_bulk + 1))
    std::abort();
  if (p.failure() != resp::fault::none && p.pending() != 0) std::abort();
}

outcome read(std::string_view first, std::string_view second) {
  resp::parser p(small);
  outcome out;
  p.feed(first);
  drain(p, out);
  p.feed(second);
  drain(p, out);
  out.failure = p.failure();
  return out;
}

void round_trip(const resp::value& v) {
  const std::string bytes = resp::write(v);
  // Read back with the defaults: attributes joined into one can hold more than `small` allows.
  resp::parser p;
  p.feed(bytes);
  auto back = p.next();
  if (!back || !(*back == v) || p.next() || p.failure() != resp::fault::none || p.pending() != 0)
    std::abort();
  if (resp::write(*back) != bytes) std::abort();
  (void)resp::describe(v);
}

void check_command(std::string_view in) {
  std::vector<std::string_view> args;
  for (std::size_t at = 0; at < in.size() && args.size() < 16;) {
    const std::size_t end = std::min(in.find('\n', at), in.size());
    args.push_back(in.substr(at, end - at));
    at = end + 1;
  }
  resp::parser p;
  p.feed(resp::write_command(args));
  auto v = p.next();
  if (!v || v->type != resp::kind::array || v->children.size() != args.size()) std::abort();
  for (std::size_t i = 0; i < args.size(); ++i)
    if (v->children[i].type != resp::kind::bulk_string || v->children[i].text != args[i])
      std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  auto split = read(in.substr(0, cut), in.substr(cut));
  auto whole = read(in, {});
  if (split.failure != whole.failure || !(split.values == whole.values)) std::abort();
  for (const auto& v : whole.values) round_trip(v);
  check_command(in);
  return 0;
}

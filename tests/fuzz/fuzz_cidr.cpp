// Fuzzes the IP and CIDR parsers: no crash; an accepted block contains its own first and last.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/ip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto c = net::cidr::parse(text)) {
    if (!c->contains(c->first()) || !c->contains(c->last())) std::abort();
    auto again = net::cidr::parse(c->to_string());
    if (!again || !(*again == *c)) std::abort();
  }
  if (auto hp = net::split_host_port(text)) (void)net::parse_port(hp->port);
  return 0;
}

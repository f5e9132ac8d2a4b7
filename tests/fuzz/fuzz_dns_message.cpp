// Fuzzes the DNS message reader: anything may be refused (with a reason), nothing may crash or
// grow without bound; what is read writes back to a message that reads the same, and writing it
// again within a small size limit still gives a readable message.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "proto/dns/message.hpp"

namespace pd = proto::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = pd::parse(std::span<const std::uint8_t>(data, size));
  if (!r.msg) {
    if (r.error.empty()) std::abort();
    if (r.has_header != (size >= 12)) std::abort();
    return 0;
  }
  std::string wire;
  try {
    wire = pd::write(*r.msg);
  } catch (const std::length_error&) {
    return 0;  // an uncompressed record grew past 65535 bytes: refused, as it should be
  }
  auto again = pd::parse(wire);
  if (!again.msg || !(*again.msg == *r.msg)) std::abort();
  for (auto& rec : r.msg->answers) (void)pd::record_to_string(rec);
  try {
    auto small = pd::write(*r.msg, 512);
    if (small.size() > 512 || !pd::parse(small).msg) std::abort();
  } catch (const std::length_error&) {
  }
  (void)r.msg->extended_errors();
  return 0;
}

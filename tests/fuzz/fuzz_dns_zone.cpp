// Fuzzes zone-file text: bad text is refused naming a line within the text; every record read
// prints as one line that reads back to the same record, and writes to the wire and back.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "proto/dns/zone.hpp"

namespace pd = proto::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pd::zone_options o;
  o.max_records = 1000;
  auto z = pd::parse_zone(text, o);
  if (!z.error.empty()) {
    if (!z.records.empty() || z.line == 0) std::abort();
    return 0;
  }
  for (auto& r : z.records) {
    auto line = pd::record_to_string(r);
    auto back = pd::parse_zone(line);
    if (!back.error.empty() || back.records.size() != 1 || !(back.records[0] == r)) std::abort();
    pd::message m;
    m.answers.push_back(r);
    try {
      auto wire = pd::write(m);
      auto read = pd::parse(wire);
      if (!read.msg || !(read.msg->answers[0] == r)) std::abort();
    } catch (const std::length_error&) {
    }
  }
  return 0;
}

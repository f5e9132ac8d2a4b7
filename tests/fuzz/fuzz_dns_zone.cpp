// Fuzzes the zone-file reader with a records file. No crash; every record read is printed as a
// zone-file line that reads back as the same record, and a message holding the records writes
// and reads back the same (or as a truncated prefix when they pass 64 KiB).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proto/dns/zone.hpp"

namespace dns = proto::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dns::zone_options opts;
  opts.max_records = 256;
  auto z = dns::parse_zone(std::string_view(reinterpret_cast<const char*>(data), size), opts);
  if (z.error.empty() != (z.line == 0)) std::abort();
  dns::message m;
  for (const auto& r : z.records) {
    const std::string line = dns::record_to_string(r);
    auto again = dns::parse_zone(line);
    if (!again.error.empty() || again.records.size() != 1 || !(again.records[0] == r)) std::abort();
    // The reader takes an OPT record for EDNS, not for an answer.
    if (r.type != dns::type::opt) m.answers.push_back(r);
  }
  auto back = dns::parse(dns::write(m));
  if (!back.msg) std::abort();
  if (back.msg->tc) {
    if (back.msg->answers.size() >= m.answers.size()) std::abort();
  } else if (!(*back.msg == m)) {
    std::abort();
  }
  return 0;
}

// Fuzzes vitnet scan's target and port parsers: no crash; an accepted range is not empty, and a
// parsed port list is sorted, unique and within 1-65535.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#define VITNET_SCAN_PARSERS_ONLY
#include "commands/scan/scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string message;
  std::vector<commands::scan_target_spec> out;
  if (commands::parse_scan_targets(text, out, message)) {
    for (auto& t : out) {
      if (t.host.empty() && commands::range_size(t.first, t.last, UINT64_MAX) == 0) std::abort();
      if (t.host.empty() && t.first.is_v4() != t.last.is_v4()) std::abort();
    }
  } else if (message.empty()) {
    std::abort();
  }
  if (auto p = commands::parse_scan_ports(text, message)) {
    for (std::size_t i = 0; i < p->size(); ++i)
      if ((*p)[i] == 0 || (i && (*p)[i - 1] >= (*p)[i])) std::abort();
  }
  int i = 0, n = 0;
  if (commands::parse_shard(text, i, n, message) && (i < 1 || i > n)) std::abort();
  return 0;
}

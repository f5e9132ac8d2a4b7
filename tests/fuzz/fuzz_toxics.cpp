// Fuzzes what the proxy API makes of a toxic's JSON: for every type, the attributes of any JSON
// are either taken (and become faults within their bounds) or refused with a message; never a
// crash, a negative size or a delay beyond the bounds.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "commands/proxy/toxics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto given = nlohmann::json::parse(text, nullptr, false);
  if (given.is_discarded()) return 0;
  for (auto type : commands::proxy::toxic_types()) {
    commands::proxy::toxic t;
    t.name = "t";
    t.type = std::string(type);
    t.attributes = *commands::proxy::toxic_defaults(type);
    if (commands::proxy::set_attributes(t, given)) continue;  // refused, with a message
    for (const auto& f : commands::proxy::toxic_faults(t, net::duration(0))) {
      if (f.latency.count() < 0 || f.jitter.count() < 0 || f.slice_delay.count() < 0) std::abort();
      if (f.latency > std::chrono::hours(49) || f.jitter > std::chrono::hours(49)) std::abort();
      if (f.after && f.after->count() < 0) std::abort();
      if (f.rate < 0 || f.rate > 1 || f.probability < 0 || f.probability > 1) std::abort();
    }
  }
  return 0;
}

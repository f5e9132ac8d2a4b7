// Fuzzes the duration and size parsers: no crash, and formatted durations read back.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = core::parse_duration(text)) {
    if (d->count() < 0) std::abort();
    auto back = core::parse_duration(core::format_duration(*d));
    if (!back) std::abort();
  }
  if (auto s = core::parse_size(text)) (void)core::format_size(*s);
  return 0;
}

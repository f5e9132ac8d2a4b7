// Fuzzes the HTTP date parser (If-Modified-Since, If-Range, Retry-After...): no crash, and any
// date it accepts, written in IMF-fixdate and read again, is the same instant.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proto/http1/date.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // A fixed "now" (2026-01-01) for the two-digit years of RFC 850 dates.
  std::chrono::system_clock::time_point now{std::chrono::seconds(1767225600)};
  auto t = proto::parse_http_date(text, now);
  if (!t) return 0;
  auto again = proto::parse_http_date(proto::format_http_date(*t), now);
  if (!again || *again != *t) std::abort();
  return 0;
}

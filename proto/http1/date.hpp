#pragma once
// HTTP dates (RFC 9110 5.6.7) for Date, Last-Modified, If-Modified-Since, Expires, Retry-After.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace proto {

/// IMF-fixdate, in UTC, to the second.
/// Example: format_http_date(sys_days{1994y / November / 6} + 8h + 49min + 37s)
///          == "Sun, 06 Nov 1994 08:49:37 GMT"
std::string format_http_date(std::chrono::system_clock::time_point t);

/// Parses IMF-fixdate and the two obsolete forms recipients must accept: RFC 850
/// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"). Names are
/// case-sensitive, as the grammar says. An RFC 850 two-digit year that would be more than 50
/// years after `now` belongs to the century before. nullopt when malformed or not a real date.
std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view s,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace proto

#pragma once
// Times as `vitnet tls` takes them on its command line (--at, --not-after).
#include <chrono>
#include <optional>
#include <string_view>

namespace commands {

using wall_time = std::chrono::system_clock::time_point;

/// Parses a time as --at and --not-after take it: "2030-01-31", "2030-01-31T12:00:00Z" (also
/// with a space, without seconds, or with an offset such as +02:00), "@1767225600" (Unix
/// seconds), or relative to `now`: "+90d", "-1h" (units s, m, h, d). Nullopt when malformed or
/// outside the years 1700 to 2240 (what the clock can hold).
std::optional<wall_time> parse_time(std::string_view text, wall_time now);

}  // namespace commands

#pragma once
// Durations, sizes and rates as people type and read them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace core {

using duration = std::chrono::nanoseconds;

/// Parses "250ms", "1.5s", "2m", "1h30m", "100us", "10" (seconds). Negative, empty or longer
/// than ten years: nullopt.
/// Example: parse_duration("1m30s") == std::chrono::seconds(90).
std::optional<duration> parse_duration(std::string_view text);

/// "1.5s", "250ms", "2m30s", "0s": the shortest form that parse_duration reads back.
std::string format_duration(duration d);

/// Parses "65536", "64K", "64KiB" (1024), "64KB" (1000), "1.5M", "2G", "1T". Nullopt when
/// malformed. Example: parse_size("64K") == 65536.
std::optional<std::uint64_t> parse_size(std::string_view text);

/// "512 B", "64.0 KiB", "1.50 GiB".
std::string format_size(std::uint64_t bytes);

/// "940 Mbits/sec", "21.5 Gbits/sec" (decimal, as iperf3 prints).
std::string format_bitrate(double bits_per_second);

/// A calendar time in RFC 3339, UTC, with `fraction_digits` (0, 3 or 6) after the seconds.
/// Example: format_timestamp(t, 3) == "2026-12-04T09:45:07.757Z".
std::string format_timestamp(std::chrono::system_clock::time_point t, int fraction_digits);

/// Seconds as a double, for JSON.
double seconds(duration d);

}  // namespace core

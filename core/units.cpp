#include "core/units.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace core {

namespace {

// Reads a non-negative decimal number (digits with an optional fraction) from the front of `s`.
std::optional<double> take_number(std::string_view& s) {
  std::size_t i = 0;
  bool digits = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, digits = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, digits = true;
  }
  if (!digits) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + i, v);
  if (r.ec != std::errc{}) return std::nullopt;
  s.remove_prefix(i);
  return v;
}

}  // namespace

namespace {
constexpr double max_duration_ns = 3650 * 86400e9;
}  // namespace

std::optional<duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total_ns = 0;
  bool first = true;
  while (!text.empty()) {
    auto v = take_number(text);
    if (!v) return std::nullopt;
    std::size_t u = 0;
    while (u < text.size() && ((text[u] >= 'a' && text[u] <= 'z'))) ++u;
    std::string_view unit = text.substr(0, u);
    text.remove_prefix(u);
    double scale;
    if (unit.empty()) {
      // A bare number means seconds, and only on its own ("10", not "1m10").
      if (!first || !text.empty()) return std::nullopt;
      scale = 1e9;
    } else if (unit == "ns")
      scale = 1;
    else if (unit == "us")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else if (unit == "d")
      scale = 86400e9;
    else
      return std::nullopt;
    total_ns += *v * scale;
    first = false;
  }
  // Up to ten years: longer means nothing to a timeout or a fault, and keeps sums of durations
  // (latencies of several faults, now + a timeout) far from overflowing 64-bit nanoseconds.
  if (!std::isfinite(total_ns) || total_ns > max_duration_ns) return std::nullopt;
  return duration(static_cast<std::int64_t>(std::llround(total_ns)));
}

namespace {
// A decimal with up to `decimals` digits after the point and no trailing zeros: "1.5", "3".
std::string trimmed(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}
}  // namespace

std::string format_duration(duration d) {
  using namespace std::chrono;
  auto ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  if (ns < 0) ns = -ns;
  if (ns < 1000) return fmt::format("{}{}ns", sign, ns);
  if (ns < 1000000) return fmt::format("{}{}us", sign, trimmed(ns / 1e3, 3));
  if (ns < 1000000000) return fmt::format("{}{}ms", sign, trimmed(ns / 1e6, 6));
  if (ns < 60'000'000'000LL) return fmt::format("{}{}s", sign, trimmed(ns / 1e9, 9));
  auto total_s = ns / 1'000'000'000LL;
  auto rest_ns = ns % 1'000'000'000LL;
  auto h = total_s / 3600, m = (total_s % 3600) / 60, s = total_s % 60;
  std::string out = sign;
  if (h) out += fmt::format("{}h", h);
  if (m) out += fmt::format("{}m", m);
  if (s || rest_ns) out += fmt::format("{}s", trimmed(static_cast<double>(s) + rest_ns / 1e9, 9));
  return out;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  auto v = take_number(text);
  if (!v) return std::nullopt;
  double scale = 1;
  if (!text.empty()) {
    char p = text[0];
    int power = 0;
    switch (p) {
      case 'k':
      case 'K':
        power = 1;
        break;
      case 'm':
      case 'M':
        power = 2;
        break;
      case 'g':
      case 'G':
        power = 3;
        break;
      case 't':
      case 'T':
        power = 4;
        break;
      case 'b':
      case 'B':
        power = 0;
        break;
      default:
        return std::nullopt;
    }
    std::string_view rest = power ? text.substr(1) : text;
    double base = 1024;
    if (rest == "" || rest == "iB" || rest == "ib")
      base = 1024;
    else if (rest == "B" || rest == "b")
      base = power ? 1000 : 1;
    else
      return std::nullopt;
    scale = std::pow(base, power);
  }
  double bytes = *v * scale;
  if (!std::isfinite(bytes) || bytes > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(bytes));
}

std::string format_size(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  int i = 0;
  while (v >= 1024 && i < 5) v /= 1024, ++i;
  return fmt::format("{:.2f} {}", v, units[i]);
}

std::string format_bitrate(double bps) {
  static constexpr const char* units[] = {"bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec",
                                          "Tbits/sec"};
  int i = 0;
  while (bps >= 1000 && i < 4) bps /= 1000, ++i;
  return fmt::format("{:.3g} {}", bps, units[i]);
}

double seconds(duration d) {
  return static_cast<double>(d.count()) / 1e9;
}

std::string format_timestamp(std::chrono::system_clock::time_point t, int fraction_digits) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  if (fraction_digits == 6) return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06}Z", secs, micros);
  if (fraction_digits == 3) return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", secs, micros / 1000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", secs);
}

}  // namespace core

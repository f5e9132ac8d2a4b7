// The time syntax of `tls verify --at` and `tls gen --not-after`.
#include "commands/tls/time.hpp"

#include <charconv>
#include <ctime>

namespace commands {

namespace {

bool read_int(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) return false;
  auto r = std::from_chars(s.data(), s.data() + digits, out);
  if (r.ec != std::errc() || r.ptr != s.data() + digits) return false;
  s.remove_prefix(digits);
  return true;
}

bool eat(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// The system clock counts nanoseconds in 64 bits: about 292 years either side of 1970. Times
// are kept inside 1700..2240, where every sum below still fits.
constexpr long long earliest = -8'520'000'000LL, latest = 8'520'000'000LL;

std::optional<wall_time> from_unix(long long secs) {
  if (secs < earliest || secs > latest) return {};
  return wall_time(std::chrono::seconds(secs));
}

std::optional<wall_time> relative(std::string_view text, wall_time now) {
  bool minus = text.front() == '-';
  text.remove_prefix(1);
  long long n = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (r.ec != std::errc() || r.ptr == text.data() || n < 0 || n > latest) return {};
  std::string_view unit(r.ptr, static_cast<std::size_t>(text.data() + text.size() - r.ptr));
  long long scale = unit == "s"   ? 1
                    : unit == "m" ? 60
                    : unit == "h" ? 3600
                    : unit == "d" ? 86400
                                  : 0;
  if (scale == 0 || n > latest / scale) return {};
  auto base = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return from_unix(minus ? base - n * scale : base + n * scale);
}

}  // namespace

std::optional<wall_time> parse_time(std::string_view text, wall_time now) {
  if (text.empty()) return {};
  if (text == "now") return now;
  if (text.front() == '+' || text.front() == '-') return relative(text, now);
  if (text.front() == '@') {
    long long secs = 0;
    auto r = std::from_chars(text.data() + 1, text.data() + text.size(), secs);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || text.size() == 1) return {};
    return from_unix(secs);
  }
  std::string_view s = text;
  struct tm tm {};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_int(s, 4, year) || !eat(s, '-') || !read_int(s, 2, month) || !eat(s, '-') ||
      !read_int(s, 2, day))
    return {};
  if (!s.empty() && (s.front() == 'T' || s.front() == 't' || s.front() == ' ')) {
    s.remove_prefix(1);
    if (!read_int(s, 2, hour) || !eat(s, ':') || !read_int(s, 2, minute)) return {};
    if (eat(s, ':') && !read_int(s, 2, second)) return {};
  }
  long offset = 0;
  if (eat(s, 'Z') || eat(s, 'z')) {
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!read_int(s, 2, oh)) return {};
    eat(s, ':');
    if (!s.empty() && !read_int(s, 2, om)) return {};
    offset = sign * (oh * 3600L + om * 60L);
  }
  if (!s.empty()) return {};
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t t = ::timegm(&tm);
  // timegm normalises 2030-02-31 into March: refuse dates that do not exist.
  if (tm.tm_mday != day || tm.tm_mon != month - 1) return {};
  return from_unix(static_cast<long long>(t) - offset);
}

}  // namespace commands

// HTTP dates: one formatter, three parsers tried in turn.
#include "proto/http1/date.hpp"

#include <fmt/format.h>

#include <array>

namespace proto {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> day_names = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_day_names = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Consumes the text of a date from the front; each step fails without consuming.
struct cursor {
  std::string_view s;

  bool literal(std::string_view x) {
    if (s.substr(0, x.size()) != x) return false;
    s.remove_prefix(x.size());
    return true;
  }
  bool number(std::size_t digits, int& out) {
    if (s.size() < digits) return false;
    int v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    s.remove_prefix(digits);
    out = v;
    return true;
  }
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, int& index) {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  // time-of-day = hour ":" minute ":" second
  bool time(int& h, int& m, int& sec) {
    return number(2, h) && literal(":") && number(2, m) && literal(":") && number(2, sec);
  }
};

struct fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

std::optional<system_clock::time_point> to_time(const fields& f) {
  year_month_day ymd{year{f.year}, month{static_cast<unsigned>(f.month + 1)},
                     day{static_cast<unsigned>(f.day)}};
  // Second 60 is a leap second, which the grammar allows; it lands on the next minute.
  if (!ymd.ok() || f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  // system_clock counts nanoseconds: years past 2261 (or before 1678) do not fit, and a date
  // there is refused rather than overflowing (found by fuzz_http_date: "... 7994").
  if (f.year < 1678 || f.year > 2261) return std::nullopt;
  return sys_days{ymd} + hours{f.hour} + minutes{f.minute} + seconds{f.second};
}

// Sun, 06 Nov 1994 08:49:37 GMT
bool imf_fixdate(cursor c, fields& f) {
  int wd = 0;
  return c.name(day_names, wd) && c.literal(", ") && c.number(2, f.day) && c.literal(" ") &&
         c.name(month_names, f.month) && c.literal(" ") && c.number(4, f.year) && c.literal(" ") &&
         c.time(f.hour, f.minute, f.second) && c.literal(" GMT") && c.s.empty();
}

// Sunday, 06-Nov-94 08:49:37 GMT
bool rfc850(cursor c, fields& f) {
  int wd = 0;
  return c.name(long_day_names, wd) && c.literal(", ") && c.number(2, f.day) && c.literal("-") &&
         c.name(month_names, f.month) && c.literal("-") && c.number(2, f.year) && c.literal(" ") &&
         c.time(f.hour, f.minute, f.second) && c.literal(" GMT") && c.s.empty();
}

// Sun Nov  6 08:49:37 1994
bool asctime(cursor c, fields& f) {
  int wd = 0;
  if (!c.name(day_names, wd) || !c.literal(" ") || !c.name(month_names, f.month) || !c.literal(" "))
    return false;
  if (!(c.literal(" ") ? c.number(1, f.day) : c.number(2, f.day))) return false;
  return c.literal(" ") && c.time(f.hour, f.minute, f.second) && c.literal(" ") &&
         c.number(4, f.year) && c.s.empty();
}

}  // namespace

std::string format_http_date(system_clock::time_point t) {
  auto day_start = floor<days>(t);
  year_month_day ymd{day_start};
  weekday wd{day_start};
  hh_mm_ss<seconds> tod{floor<seconds>(t - day_start)};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", day_names[wd.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     month_names[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()), tod.hours().count(), tod.minutes().count(),
                     tod.seconds().count());
}

std::optional<system_clock::time_point> parse_http_date(std::string_view s,
                                                        system_clock::time_point now) {
  fields f;
  if (imf_fixdate(cursor{s}, f) || asctime(cursor{s}, f)) return to_time(f);
  f = {};
  if (!rfc850(cursor{s}, f)) return std::nullopt;
  // RFC 9110 5.6.7: a two-digit year is the most recent one with those digits that is not more
  // than 50 years ahead.
  int this_year = static_cast<int>(year_month_day{floor<days>(now)}.year());
  f.year += this_year / 100 * 100;
  if (f.year > this_year + 50) f.year -= 100;
  if (f.year + 100 <= this_year + 50) f.year += 100;
  return to_time(f);
}

}  // namespace proto

// Fuzzes the HTTP date parser (If-Modified-Since, If-Unmodified-Since, If-Range): no crash, and
// a date it accepts is a real one, of the year its text gives (unless past what the clock holds),
// whose IMF-fixdate reads back as the same instant, as do its RFC 850 form (when its two-digit
// year means that century) and its asctime form, written here independently of the formatter.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proto/http1/date.hpp"

using namespace std::chrono;

namespace {

constexpr const char* day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};
constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void check(std::string_view text, system_clock::time_point now) {
  auto t = proto::parse_http_date(text, now);
  if (!t) return;
  if (*t != floor<seconds>(*t)) std::abort();
  auto day = floor<days>(*t);
  year_month_day ymd{day};
  int y = static_cast<int>(ymd.year());
  if (!ymd.ok()) std::abort();
  // Dates the clock cannot hold become its first or last whole second; any other has the year
  // the text gives (that of the second before, for a leap second ending a year).
  bool clamped = *t == ceil<seconds>(system_clock::time_point::min()) ||
                 *t == floor<seconds>(system_clock::time_point::max());
  bool leap = text.find(":60") != std::string_view::npos;
  int text_year = static_cast<int>(year_month_day{floor<days>(*t - seconds(leap))}.year());
  bool two_digits = text.find('-') != std::string_view::npos;  // RFC 850
  auto year_text =
      two_digits ? fmt::format("-{:02} ", text_year % 100) : fmt::format("{:04}", text_year);
  if (!clamped && text.find(year_text) == std::string_view::npos) std::abort();

  auto imf = proto::format_http_date(*t);
  if (proto::parse_http_date(imf, now) != t) std::abort();

  hh_mm_ss<seconds> tod{floor<seconds>(*t) - day};
  weekday wd{day};
  unsigned d = static_cast<unsigned>(ymd.day());
  const char* mon = month_names[static_cast<unsigned>(ymd.month()) - 1];
  int h = static_cast<int>(tod.hours().count()), m = static_cast<int>(tod.minutes().count()),
      s = static_cast<int>(tod.seconds().count());
  auto asc = fmt::format("{:.3} {} {:>2} {:02}:{:02}:{:02} {:04}", day_names[wd.c_encoding()], mon,
                         d, h, m, s, y);
  if (proto::parse_http_date(asc, now) != t) std::abort();

  // RFC 850 years have two digits: the one meant is at most 50 years after now.
  int this_year = static_cast<int>(year_month_day{floor<days>(now)}.year());
  if (y > this_year - 50 && y <= this_year + 50) {
    auto rfc850 = fmt::format("{}, {:02}-{}-{:02} {:02}:{:02}:{:02} GMT",
                              day_names[wd.c_encoding()], d, mon, y % 100, h, m, s);
    if (proto::parse_http_date(rfc850, now) != t) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Two fixed "nows" (2026-01-01 and 2070-06-30) for the two-digit years of RFC 850 dates.
  check(text, system_clock::time_point{seconds(1767225600)});
  check(text, system_clock::time_point{seconds(3171830400)});
  return 0;
}

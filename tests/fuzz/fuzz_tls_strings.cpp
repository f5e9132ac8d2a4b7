// Fuzzes the text and wire forms of TLS settings: certificate pins (--pin), ALPN lists (--alpn
// "h2,http/1.1", their wire form, and a server's choice among what a client's hello offers),
// and the times `tls verify --at` and `tls gen --not-after` take; the input is read each way.
// No crash; a pin is 64 uppercase hex digits and
// reads back as itself; an ALPN list splits into non-empty names that join and split again to
// the same list; a server chooses only a protocol both sides list; a time means the instant its
// text says, or nothing when the clock cannot hold it.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/tls/time.hpp"
#include "core/error.hpp"
#include "net/tls/parse.hpp"

using namespace std::chrono;

namespace {

void pin(std::string_view text) {
  auto p = net::parse_pin(text);
  if (!p) return;
  if (p->size() != 64) std::abort();
  for (char c : *p)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) std::abort();
  if (net::parse_pin(*p) != p) std::abort();
  std::string colons = "sha256:";
  for (std::size_t i = 0; i < p->size(); i += 2) colons += (i ? ":" : "") + p->substr(i, 2);
  if (net::parse_pin(colons) != p) std::abort();
}

// The names of a wire-format list, or nothing when it is malformed.
std::optional<std::vector<std::string_view>> wire_names(std::span<const unsigned char> wire) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < wire.size();) {
    std::size_t n = wire[i];
    if (n == 0 || i + 1 + n > wire.size()) return std::nullopt;
    out.emplace_back(reinterpret_cast<const char*>(wire.data()) + i + 1, n);
    i += 1 + n;
  }
  return out;
}

void alpn(std::string_view text) {
  auto names = net::split_alpn_list(text);
  std::string joined;
  for (const auto& n : names) {
    if (n.empty() || n.find(',') != std::string::npos) std::abort();
    joined += (joined.empty() ? "" : ",") + n;
  }
  if (net::split_alpn_list(joined) != names) std::abort();
  std::vector<unsigned char> wire;
  try {
    wire = net::alpn_wire(names);
  } catch (const vitnet::error& e) {
    if (e.code() != core::exit_code::usage) std::abort();
    bool too_long = false;
    for (const auto& n : names) too_long = too_long || n.size() > 255;
    if (!too_long) std::abort();
    return;
  }
  auto back = wire_names(wire);
  if (!back || back->size() != names.size()) std::abort();
  for (std::size_t i = 0; i < names.size(); ++i)
    if ((*back)[i] != names[i]) std::abort();

  // The input's bytes as what a client's hello offers, against a server's preferences.
  static const auto ours = net::alpn_wire({"h2", "http/1.1", "vitnet/1"});
  std::span<const unsigned char> offered(reinterpret_cast<const unsigned char*>(text.data()),
                                         text.size());
  auto chosen = net::select_alpn(ours, offered);
  if (!chosen) return;
  auto* first = reinterpret_cast<const char*>(ours.data());
  if (chosen->data() < first || chosen->data() + chosen->size() > first + ours.size()) std::abort();
  auto offers = wire_names(offered);
  if (offers) {
    bool listed = false;
    for (auto o : *offers) listed = listed || o == *chosen;
    if (!listed) std::abort();
  }
}

void time(std::string_view text) {
  // 2026-01-01 00:00:00.25 UTC: a "now" with a fraction of a second.
  const auto now = system_clock::time_point{} + milliseconds(1767225600250);
  auto t = commands::parse_time(text, now);
  if (!t) return;
  if (text == "now") {
    if (*t != now) std::abort();
    return;
  }
  auto whole_seconds = [](system_clock::time_point x) {
    return floor<seconds>(x).time_since_epoch().count();
  };
  if (text.front() == '@' || text.front() == '+' || text.front() == '-') {
    // "@N" is N seconds after 1970; "+Nd" N days after now, "-Nh" N hours before...
    long long n = 0;
    auto r = std::from_chars(text.data() + 1, text.data() + text.size(), n);
    if (r.ec != std::errc()) std::abort();
    if (text.front() == '@') {
      if (whole_seconds(*t) != n) std::abort();
      return;
    }
    std::string_view unit(r.ptr, static_cast<std::size_t>(text.data() + text.size() - r.ptr));
    long long scale = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 86400;
    long long want = (text.front() == '-' ? -n : n) * scale;
    if (whole_seconds(*t) - whole_seconds(now) != want) std::abort();
    return;
  }
  // A calendar date: the day it names, give or take the offset's day at most.
  auto day = floor<days>(*t);
  auto y = static_cast<int>(year_month_day{day}.year());
  int text_year =
      (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  if (y < text_year - 1 || y > text_year + 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pin(text);
  alpn(text);
  time(text);
  return 0;
}

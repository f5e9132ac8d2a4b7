// Target syntax for vitnet scan: addresses, CIDR blocks, ranges and host names; the seeded
// permutation and shard syntax that split a scan across machines.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <numeric>

#define VITNET_SCAN_PARSERS_ONLY  // parsers only: the fuzz targets build these without asio
#include "commands/scan/scan.hpp"

namespace commands {

namespace {

using u128 = unsigned __int128;

u128 value_of(const net::ip_address& a) {
  u128 v = 0;
  int n = a.is_v4() ? 4 : 16;
  for (int i = 0; i < n; ++i) v = (v << 8) | a.bytes()[i];
  return v;
}

// Host names as DNS allows them (letters, digits, '-', '.', and '_' seen in the wild).
bool is_host_name(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '-' || s.front() == '.') return false;
  bool has_alpha = false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) || c == '-' || c == '_')
      has_alpha = true;
    else if (!std::isdigit(u) && c != '.')
      return false;
  }
  // All digits and dots is a malformed address, not a name.
  return has_alpha;
}

std::optional<int> small_number(std::string_view s, int max) {
  int v = 0;
  if (s.empty() || s.size() > 10) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::uint64_t> range_size(const net::ip_address& first, const net::ip_address& last,
                                        std::uint64_t limit) {
  u128 a = value_of(first), b = value_of(last);
  if (b < a) return 0;
  u128 n = b - a + 1;
  if (n == 0 || n > limit) return std::nullopt;  // n == 0: the whole IPv6 space wrapped
  return static_cast<std::uint64_t>(n);
}

std::optional<scan_target_spec> parse_scan_target(std::string_view text, std::string& message) {
  scan_target_spec t;
  t.text = std::string(text);
  auto bad = [&](std::string_view why) -> std::optional<scan_target_spec> {
    message = why.empty() ? fmt::format("invalid target '{}'", text)
                          : fmt::format("invalid target '{}': {}", text, why);
    return std::nullopt;
  };
  if (text.empty()) return bad("empty");
  std::string_view s = text;
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);

  if (auto ip = net::ip_address::parse(s)) {
    t.first = t.last = *ip;
    return t;
  }
  if (s.find('/') != std::string_view::npos) {
    auto c = net::cidr::parse(s);
    if (!c) return bad("not a CIDR block (10.0.0.0/24, fd00::/120)");
    t.first = c->first();
    t.last = c->last();
    return t;
  }
  auto dash = s.find('-');
  auto left =
      dash == std::string_view::npos ? std::nullopt : net::ip_address::parse(s.substr(0, dash));
  if (left) {
    auto right_text = s.substr(dash + 1);
    net::ip_address right;
    if (auto full = net::ip_address::parse(right_text)) {
      if (full->is_v4() != left->is_v4()) return bad("the ends are of different families");
      right = *full;
    } else if (auto last = small_number(right_text, left->is_v4() ? 255 : 0xffff);
               last && (left->is_v4() ||
                        right_text.find_first_not_of("0123456789") == std::string_view::npos)) {
      // 10.0.0.1-20: the last byte (IPv4) or, for IPv6, the last 16-bit group in decimal.
      auto b = left->bytes();
      if (left->is_v4()) {
        b[3] = static_cast<std::uint8_t>(*last);
        right = net::ip_address::v4((std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                                    (std::uint32_t{b[2]} << 8) | b[3]);
      } else {
        b[14] = static_cast<std::uint8_t>(*last >> 8);
        b[15] = static_cast<std::uint8_t>(*last & 0xff);
        right = net::ip_address::v6(b);
      }
    } else {
      return bad("not an address range (10.0.0.1-20, 10.0.0.1-10.0.0.9)");
    }
    if (value_of(right) < value_of(*left)) {
      message = fmt::format("empty range '{}': it ends before it starts", text);
      return std::nullopt;
    }
    t.first = *left;
    t.last = right;
    return t;
  }
  if (!is_host_name(s)) return bad("");
  t.host = std::string(s);
  return t;
}

bool parse_scan_targets(std::string_view text, std::vector<scan_target_spec>& out,
                        std::string& message) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ',') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
           text[j] != ',' && text[j] != '#')
      ++j;
    auto t = parse_scan_target(text.substr(i, j - i), message);
    if (!t) return false;
    out.push_back(std::move(*t));
    i = j;
  }
  return true;
}

scan_permutation::scan_permutation(std::uint64_t n, std::uint64_t seed) : n_(n), a_(1), b_(0) {
  if (n_ < 2) return;
  // splitmix64 of the seed gives a multiplier and an offset; step the multiplier until it is
  // coprime with n (at most a few steps).
  auto mix = [](std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  };
  a_ = mix(seed) % n_;
  if (a_ == 0) a_ = 1;
  while (std::gcd(a_, n_) != 1) a_ = (a_ + 1) % n_ == 0 ? 1 : a_ + 1;
  b_ = mix(seed ^ 0x5ca1ab1eull) % n_;
}

std::uint64_t scan_permutation::operator()(std::uint64_t i) const {
  if (n_ < 2) return i;
  return static_cast<std::uint64_t>((u128{a_} * i + b_) % n_);
}

bool parse_shard(std::string_view text, int& index, int& count, std::string& message) {
  auto slash = text.find('/');
  std::optional<int> i, n;
  if (slash != std::string_view::npos) {
    i = small_number(text.substr(0, slash), 1 << 20);
    n = small_number(text.substr(slash + 1), 1 << 20);
  }
  if (!i || !n || *n < 1 || *i < 1 || *i > *n) {
    message = fmt::format("invalid shard '{}': want I/N with 1 <= I <= N (2/4)", text);
    return false;
  }
  index = *i;
  count = *n;
  return true;
}

}  // namespace commands

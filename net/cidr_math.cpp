#include "net/cidr_math.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace net {

namespace {

uint128 all_ones(bool v6) {
  return v6 ? ~uint128{0} : uint128{0xffffffffu};
}

// The ones below the prefix; a shift by 128 would be undefined, hence the first case.
uint128 host_bits(int prefix, bool v6) {
  int bits = v6 ? 128 : 32;
  if (prefix <= 0) return all_ones(v6);
  if (prefix >= bits) return 0;
  return (uint128{1} << (bits - prefix)) - 1;
}

int trailing_zeros(uint128 v, int bits) {
  int n = 0;
  while (n < bits && ((v >> n) & 1) == 0) ++n;
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

uint128 to_integer(const ip_address& a) {
  uint128 v = 0;
  for (int i = 0; i < (a.is_v6() ? 16 : 4); ++i) v = (v << 8) | a.bytes()[i];
  return v;
}

ip_address from_integer(uint128 value, bool v6) {
  if (!v6) return ip_address::v4(static_cast<std::uint32_t>(value));
  std::array<std::uint8_t, 16> b{};
  for (int i = 15; i >= 0; --i, value >>= 8) b[i] = static_cast<std::uint8_t>(value);
  return ip_address::v6(b);
}

std::string to_decimal(uint128 value) {
  if (value == 0) return "0";
  std::string s;
  for (; value != 0; value /= 10) s += static_cast<char>('0' + static_cast<int>(value % 10));
  std::reverse(s.begin(), s.end());
  return s;
}

std::optional<ip_range> parse_range(std::string_view text, std::string& why) {
  auto dash = text.find('-');
  if (dash == std::string_view::npos || text.find('-', dash + 1) != std::string_view::npos) {
    why = "not a range FIRST-LAST";
    return std::nullopt;
  }
  auto a_text = trim(text.substr(0, dash));
  auto b_text = trim(text.substr(dash + 1));
  auto a = ip_address::parse(a_text);
  auto b = ip_address::parse(b_text);
  for (auto [ip, part] : {std::pair{&a, a_text}, std::pair{&b, b_text}}) {
    if (!*ip) {
      why = fmt::format("'{}' is not an IPv4 or IPv6 address", part);
      return std::nullopt;
    }
  }
  if (a->is_v6() != b->is_v6()) {
    why = "a range cannot mix IPv4 and IPv6";
    return std::nullopt;
  }
  if (*b < *a) {
    why = fmt::format("empty range: {} comes after {}", a->to_string(), b->to_string());
    return std::nullopt;
  }
  return ip_range{*a, *b};
}

std::string range_size(const ip_range& r) {
  uint128 span = to_integer(r.last) - to_integer(r.first);
  // The whole IPv6 space holds 2^128 addresses, one more than a uint128 can count.
  if (span == ~uint128{0}) return "340282366920938463463374607431768211456";
  return to_decimal(span + 1);
}

std::string block_size(const cidr& c) {
  return range_size({c.first(), c.last()});
}

ip_address netmask(int prefix, bool v6) {
  return from_integer(all_ones(v6) & ~host_bits(prefix, v6), v6);
}

ip_address hostmask(int prefix, bool v6) {
  return from_integer(host_bits(prefix, v6), v6);
}

ip_range usable_hosts(const cidr& c) {
  bool v6 = c.first().is_v6();
  int host = c.first().bits() - c.prefix();
  uint128 first = to_integer(c.first()), last = to_integer(c.last());
  if (host <= 1) return {c.first(), c.last()};
  if (v6) return {from_integer(first + 1, true), c.last()};
  return {from_integer(first + 1, false), from_integer(last - 1, false)};
}

std::optional<ip_address> broadcast(const cidr& c) {
  if (c.first().is_v6() || c.prefix() >= 31) return std::nullopt;
  return c.last();
}

std::vector<cidr> range_to_cidrs(const ip_range& r) {
  bool v6 = r.first.is_v6();
  int bits = r.first.bits();
  uint128 first = to_integer(r.first), last = to_integer(r.last);
  std::vector<cidr> out;
  for (;;) {
    // The largest block starting at `first` is bounded by its alignment and by `last`.
    int size_bits = trailing_zeros(first, bits);
    while (size_bits > 0 && (first | host_bits(bits - size_bits, v6)) > last) --size_bits;
    uint128 end = first | host_bits(bits - size_bits, v6);
    out.emplace_back(from_integer(first, v6), bits - size_bits);
    if (end >= last) break;
    first = end + 1;
  }
  return out;
}

std::vector<cidr> aggregate(std::vector<ip_range> ranges) {
  // IPv4 sorts before IPv6 (ip_address's ordering), then by first address.
  std::sort(ranges.begin(), ranges.end(), [](const ip_range& a, const ip_range& b) {
    return a.first < b.first || (a.first == b.first && a.last < b.last);
  });
  std::vector<ip_range> merged;
  for (const auto& r : ranges) {
    if (!merged.empty()) {
      auto& m = merged.back();
      bool same_family = m.last.is_v6() == r.first.is_v6();
      uint128 m_last = to_integer(m.last);
      // Adjacent ranges merge as overlapping ones do; nothing follows the family's last address.
      if (same_family &&
          (m_last == all_ones(m.last.is_v6()) || to_integer(r.first) <= m_last + 1)) {
        if (m.last < r.last) m.last = r.last;
        continue;
      }
    }
    merged.push_back(r);
  }
  std::vector<cidr> out;
  for (const auto& m : merged) {
    auto blocks = range_to_cidrs(m);
    out.insert(out.end(), blocks.begin(), blocks.end());
  }
  return out;
}

std::optional<std::uint64_t> subnet_count(const cidr& c, int prefix, std::uint64_t limit) {
  int extra = prefix - c.prefix();
  if (extra >= 64) return std::nullopt;
  auto n = std::uint64_t{1} << extra;
  if (n > limit) return std::nullopt;
  return n;
}

cidr nth_subnet(const cidr& c, int prefix, uint128 i) {
  int shift = c.first().bits() - prefix;
  uint128 base = to_integer(c.first()) + (shift >= 128 ? 0 : i << shift);
  return cidr(from_integer(base, c.first().is_v6()), prefix);
}

std::optional<std::uint64_t> range_count(const ip_range& r, std::uint64_t limit) {
  uint128 span = to_integer(r.last) - to_integer(r.first);
  if (span >= limit) return std::nullopt;
  return static_cast<std::uint64_t>(span) + 1;
}

ip_address advance(const ip_address& a, uint128 i) {
  return from_integer((to_integer(a) + i) & all_ones(a.is_v6()), a.is_v6());
}

std::string reverse_pointer(const ip_address& a) {
  return reverse_zone(cidr(a, a.bits()));
}

std::string reverse_zone(const cidr& c) {
  const auto& b = c.first().bytes();
  std::string s;
  if (c.first().is_v4()) {
    for (int i = c.prefix() / 8 - 1; i >= 0; --i) s += fmt::format("{}.", b[i]);
    return s + "in-addr.arpa";
  }
  for (int n = c.prefix() / 4 - 1; n >= 0; --n) {
    int nibble = n % 2 == 0 ? b[n / 2] >> 4 : b[n / 2] & 0xf;
    s += fmt::format("{:x}.", nibble);
  }
  return s + "ip6.arpa";
}

namespace {

struct registry_entry {
  cidr block;
  ip_category category;
};

cidr block_of(const char* text) {
  return *cidr::parse(text);
}

// The special-purpose blocks vitnet tells apart (IANA's IPv4 and IPv6 special-purpose address
// registries, simplified to the kinds users ask about). The roots make the rest of each space
// global (IPv4) or reserved outside 2000::/3 (IPv6: unassigned by IANA).
const std::vector<registry_entry>& registry() {
  using enum ip_category;
  static const std::vector<registry_entry> entries = {
      {block_of("0.0.0.0/0"), global_unicast},
      {block_of("0.0.0.0/8"), reserved},
      {block_of("0.0.0.0/32"), unspecified},
      {block_of("10.0.0.0/8"), private_use},
      {block_of("100.64.0.0/10"), shared},
      {block_of("127.0.0.0/8"), loopback},
      {block_of("169.254.0.0/16"), link_local},
      {block_of("172.16.0.0/12"), private_use},
      {block_of("192.0.0.0/24"), reserved},
      {block_of("192.0.2.0/24"), documentation},
      {block_of("192.168.0.0/16"), private_use},
      {block_of("198.18.0.0/15"), reserved},
      {block_of("198.51.100.0/24"), documentation},
      {block_of("203.0.113.0/24"), documentation},
      {block_of("224.0.0.0/4"), multicast},
      {block_of("240.0.0.0/4"), reserved},
      {block_of("::/0"), reserved},
      {block_of("::/128"), unspecified},
      {block_of("::1/128"), loopback},
      {block_of("64:ff9b::/96"), global_unicast},
      {block_of("2000::/3"), global_unicast},
      {block_of("2001::/23"), reserved},
      {block_of("2001:db8::/32"), documentation},
      {block_of("fc00::/7"), private_use},
      {block_of("fe80::/10"), link_local},
      {block_of("fec0::/10"), reserved},
      {block_of("ff00::/8"), multicast},
  };
  return entries;
}

bool inside(const cidr& inner, const cidr& outer) {
  return inner.first().is_v6() == outer.first().is_v6() && inner.prefix() >= outer.prefix() &&
         outer.contains(inner.first());
}

}  // namespace

ip_classification classify(const cidr& c) {
  static const cidr mapped = block_of("::ffff:0:0/96");
  if (inside(c, mapped)) {
    cidr v4(c.first().unmap(), c.prefix() - 96);
    return {classify(v4).category, v4};
  }
  const registry_entry* best = nullptr;
  for (const auto& e : registry())
    if (inside(c, e.block) && (!best || e.block.prefix() > best->block.prefix())) best = &e;
  // A block holding a more specific entry of another kind is mixed; single addresses (the
  // unspecified address, ::1) inside a larger block do not make it so.
  for (const auto& e : registry()) {
    if (e.block.prefix() == e.block.first().bits() || e.category == best->category) continue;
    if (e.block.prefix() > c.prefix() && inside(e.block, c)) return {ip_category::mixed, {}};
  }
  return {best->category, {}};
}

std::string_view category_name(ip_category c) {
  switch (c) {
    case ip_category::global_unicast:
      return "global";
    case ip_category::private_use:
      return "private";
    case ip_category::shared:
      return "shared";
    case ip_category::loopback:
      return "loopback";
    case ip_category::link_local:
      return "link_local";
    case ip_category::multicast:
      return "multicast";
    case ip_category::documentation:
      return "documentation";
    case ip_category::unspecified:
      return "unspecified";
    case ip_category::reserved:
      return "reserved";
    case ip_category::mixed:
      return "mixed";
  }
  return "global";
}

}  // namespace net

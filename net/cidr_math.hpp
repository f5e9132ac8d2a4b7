#pragma once
// Arithmetic on addresses and CIDR blocks as 128-bit integers: exact sizes, masks, usable hosts,
// the fewest blocks covering a range, aggregation, subnets, reverse DNS names, and which
// special-purpose registry block (RFC 6890) an address or block falls in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/ip.hpp"

namespace net {

using uint128 = unsigned __int128;

/// The address as an integer; IPv4 in the low 32 bits. to_integer(10.0.0.1) == 0x0a000001.
uint128 to_integer(const ip_address& a);
/// The address of the family (`v6` or not) whose integer is `value` (IPv4: the low 32 bits).
ip_address from_integer(uint128 value, bool v6);
/// Decimal text: to_decimal(uint128{1} << 64) == "18446744073709551616".
std::string to_decimal(uint128 value);

/// An inclusive range of addresses of one family, first <= last.
struct ip_range {
  ip_address first, last;
  friend bool operator==(const ip_range&, const ip_range&) = default;
};

/// Parses "A-B" (two whole addresses of one family, A <= B, spaces around '-' allowed). Nullopt
/// when malformed; `why` then says what is wrong ("10.0.0.9 is after 10.0.0.1").
std::optional<ip_range> parse_range(std::string_view text, std::string& why);

/// How many addresses [first, last] holds, as decimal text (exact even for all of IPv6, 2^128).
std::string range_size(const ip_range& r);
/// The same for a block: block_size(2001:db8::/64) == "18446744073709551616".
std::string block_size(const cidr& c);

/// The netmask of a prefix: netmask(24, false) == 255.255.255.0.
ip_address netmask(int prefix, bool v6);
/// Its complement, Cisco's wildcard: hostmask(24, false) == 0.0.0.255.
ip_address hostmask(int prefix, bool v6);

/// The usable hosts of a block: IPv4 without its network and broadcast addresses, except /31
/// (both, RFC 3021) and /32; IPv6 without the subnet-router anycast address (the first), except
/// /127 and /128 (as Python's ipaddress hosts()).
ip_range usable_hosts(const cidr& c);

/// The IPv4 broadcast address, or nullopt for IPv6 and for /31 and /32, which have none.
std::optional<ip_address> broadcast(const cidr& c);

/// The fewest blocks covering exactly [first, last], in order:
/// 10.0.0.1-10.0.0.6 gives 10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6/32.
std::vector<cidr> range_to_cidrs(const ip_range& r);

/// The fewest blocks covering exactly the union of `ranges` (either family, overlaps allowed):
/// IPv4 first, then IPv6, each in address order.
std::vector<cidr> aggregate(std::vector<ip_range> ranges);

/// How many subnets of `prefix` a block splits into, or nullopt past `limit`.
/// Requires c.prefix() <= prefix <= c.first().bits().
std::optional<std::uint64_t> subnet_count(const cidr& c, int prefix, std::uint64_t limit);
/// The `i`th subnet of `prefix` in `c`, counting from 0.
cidr nth_subnet(const cidr& c, int prefix, uint128 i);
/// How many addresses [first, last] holds, or nullopt past `limit`.
std::optional<std::uint64_t> range_count(const ip_range& r, std::uint64_t limit);
/// The address `i` places after `a` (same family; wraps at the top of the space).
ip_address advance(const ip_address& a, uint128 i);

/// The PTR name of an address, without the final dot: "4.3.2.1.in-addr.arpa", or 32 nibbles
/// under ip6.arpa.
std::string reverse_pointer(const ip_address& a);
/// The smallest reverse zone holding the whole block: whole octets (IPv4) or nibbles (IPv6) of
/// the prefix, "168.192.in-addr.arpa" for 192.168.0.0/20.
std::string reverse_zone(const cidr& c);

/// Which special-purpose block an address or block falls in. `global_unicast` is none of them.
/// `mixed`: a block straddles blocks of different kinds (0.0.0.0/0, 10.0.0.0/7).
enum class ip_category {
  global_unicast,
  private_use,  ///< RFC 1918, fc00::/7 unique local
  shared,       ///< 100.64.0.0/10, carrier-grade NAT (RFC 6598)
  loopback,
  link_local,
  multicast,
  documentation,  ///< 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32
  unspecified,
  reserved,  ///< reserved, deprecated or unassigned, including benchmarking and 240.0.0.0/4
  mixed,
};

/// The category and, for blocks inside ::ffff:0:0/96, the IPv4 block they map: such a block is
/// classified as that IPv4 block (as Python 3.13's ipaddress does).
struct ip_classification {
  ip_category category = ip_category::global_unicast;
  std::optional<cidr> ipv4_mapped;
};

ip_classification classify(const cidr& c);

/// "private", "link_local", ...: stable snake_case names, as used in JSON.
std::string_view category_name(ip_category c);

}  // namespace net

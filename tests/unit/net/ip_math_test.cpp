#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "net/cidr_math.hpp"

using net::cidr;
using net::ip_address;
using net::ip_range;

namespace {

ip_address addr(const char* text) {
  return *ip_address::parse(text);
}

cidr block(const char* text) {
  return *cidr::parse(text);
}

std::vector<std::string> strings(const std::vector<cidr>& blocks) {
  std::vector<std::string> out;
  for (const auto& b : blocks) out.push_back(b.to_string());
  return out;
}

ip_range range(const char* first, const char* last) {
  return {addr(first), addr(last)};
}

}  // namespace

TEST_CASE("addresses round-trip through 128-bit integers in both families") {
  CHECK(net::to_integer(addr("10.0.0.1")) == 0x0a000001u);
  CHECK(net::from_integer(0x0a000001u, false) == addr("10.0.0.1"));
  auto v6 = addr("2001:db8::ff");
  CHECK(net::from_integer(net::to_integer(v6), true) == v6);
  CHECK(net::to_decimal(0) == "0");
  CHECK(net::to_decimal(net::uint128{1} << 64) == "18446744073709551616");
}

TEST_CASE("block sizes are exact up to all of ipv6") {
  CHECK(net::block_size(block("10.0.0.0/8")) == "16777216");
  CHECK(net::block_size(block("0.0.0.0/0")) == "4294967296");
  CHECK(net::block_size(block("2001:db8::/64")) == "18446744073709551616");
  CHECK(net::block_size(block("::/0")) == "340282366920938463463374607431768211456");
  CHECK(net::block_size(block("::1/128")) == "1");
}

TEST_CASE("netmask and hostmask complement each other") {
  CHECK(net::netmask(24, false).to_string() == "255.255.255.0");
  CHECK(net::hostmask(24, false).to_string() == "0.0.0.255");
  CHECK(net::netmask(0, false).to_string() == "0.0.0.0");
  CHECK(net::netmask(32, false).to_string() == "255.255.255.255");
  CHECK(net::netmask(64, true).to_string() == "ffff:ffff:ffff:ffff::");
  CHECK(net::hostmask(0, true).to_string() == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST_CASE("usable hosts follow rfc 3021 for ipv4 /31 and /32") {
  auto h = net::usable_hosts(block("192.168.1.0/24"));
  CHECK(h.first.to_string() == "192.168.1.1");
  CHECK(h.last.to_string() == "192.168.1.254");
  CHECK(net::range_size(h) == "254");
  CHECK(net::usable_hosts(block("10.0.0.0/31")) == range("10.0.0.0", "10.0.0.1"));
  CHECK(net::usable_hosts(block("10.0.0.7/32")) == range("10.0.0.7", "10.0.0.7"));
  CHECK(net::broadcast(block("192.168.1.0/24"))->to_string() == "192.168.1.255");
  CHECK(!net::broadcast(block("10.0.0.0/31")));
  CHECK(!net::broadcast(block("2001:db8::/64")));
}

TEST_CASE("ipv6 usable hosts leave out the subnet-router anycast address") {
  CHECK(net::usable_hosts(block("2001:db8::/126")) == range("2001:db8::1", "2001:db8::3"));
  CHECK(net::usable_hosts(block("2001:db8::/127")) == range("2001:db8::", "2001:db8::1"));
  CHECK(net::range_size(net::usable_hosts(block("::/0"))) ==
        "340282366920938463463374607431768211455");
}

TEST_CASE("a range becomes the fewest blocks covering it exactly") {
  CHECK(strings(net::range_to_cidrs(range("10.0.0.1", "10.0.0.6"))) ==
        std::vector<std::string>{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"});
  CHECK(strings(net::range_to_cidrs(range("0.0.0.0", "255.255.255.255"))) ==
        std::vector<std::string>{"0.0.0.0/0"});
  CHECK(strings(net::range_to_cidrs(range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))) ==
        std::vector<std::string>{"::/0"});
  CHECK(strings(net::range_to_cidrs(range("255.255.255.254", "255.255.255.255"))) ==
        std::vector<std::string>{"255.255.255.254/31"});
  CHECK(strings(net::range_to_cidrs(range("2001:db8::", "2001:db8::2"))) ==
        std::vector<std::string>{"2001:db8::/127", "2001:db8::2/128"});
}

TEST_CASE("aggregation merges overlapping and adjacent blocks of both families") {
  std::vector<ip_range> in = {
      {block("10.0.1.0/24").first(), block("10.0.1.0/24").last()},
      {block("2001:db8::/33").first(), block("2001:db8::/33").last()},
      {block("10.0.0.0/24").first(), block("10.0.0.0/24").last()},
      range("10.0.0.5", "10.0.0.9"),
      {block("2001:db8:8000::/33").first(), block("2001:db8:8000::/33").last()},
      range("192.168.0.3", "192.168.0.3"),
      range("255.255.255.255", "255.255.255.255"),
      range("255.255.255.254", "255.255.255.255"),
  };
  CHECK(strings(net::aggregate(in)) == std::vector<std::string>{"10.0.0.0/23", "192.168.0.3/32",
                                                                "255.255.255.254/31",
                                                                "2001:db8::/32"});
  CHECK(net::aggregate({}).empty());
}

TEST_CASE("subnets are counted with a bound and found by index") {
  auto b = block("10.0.0.0/24");
  CHECK(net::subnet_count(b, 26, 100) == 4u);
  CHECK(!net::subnet_count(b, 32, 100));
  CHECK(!net::subnet_count(block("::/0"), 128, UINT64_MAX));
  CHECK(net::nth_subnet(b, 26, 3).to_string() == "10.0.0.192/26");
  CHECK(net::nth_subnet(block("::/0"), 0, 0).to_string() == "::/0");
  CHECK(net::range_count(range("10.0.0.0", "10.0.0.9"), 10) == 10u);
  CHECK(!net::range_count(range("10.0.0.0", "10.0.0.10"), 10));
  CHECK(net::advance(addr("10.0.0.255"), 1).to_string() == "10.0.1.0");
}

TEST_CASE("ranges parse with their reasons for refusal") {
  std::string why;
  CHECK(net::parse_range("10.0.0.1 - 10.0.0.9", why) == range("10.0.0.1", "10.0.0.9"));
  CHECK(!net::parse_range("10.0.0.9-10.0.0.1", why));
  CHECK(why == "empty range: 10.0.0.9 comes after 10.0.0.1");
  CHECK(!net::parse_range("10.0.0.1-::1", why));
  CHECK(why == "a range cannot mix IPv4 and IPv6");
  CHECK(!net::parse_range("10.0.0.1-10.0.0.300", why));
  CHECK(why == "'10.0.0.300' is not an IPv4 or IPv6 address");
  CHECK(!net::parse_range("1-2-3", why));
}

TEST_CASE("reverse names use whole octets and nibbles") {
  CHECK(net::reverse_pointer(addr("192.0.2.1")) == "1.2.0.192.in-addr.arpa");
  CHECK(net::reverse_pointer(addr("2001:db8::1")) ==
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  CHECK(net::reverse_zone(block("192.168.0.0/20")) == "168.192.in-addr.arpa");
  CHECK(net::reverse_zone(block("10.0.0.0/8")) == "10.in-addr.arpa");
  CHECK(net::reverse_zone(block("0.0.0.0/0")) == "in-addr.arpa");
  CHECK(net::reverse_zone(block("2001:db8::/32")) == "8.b.d.0.1.0.0.2.ip6.arpa");
  CHECK(net::reverse_zone(block("2001:db8::/30")) == "b.d.0.1.0.0.2.ip6.arpa");
}

TEST_CASE("addresses and blocks are classified by the special-purpose registries") {
  using enum net::ip_category;
  auto category = [](const char* text) { return net::classify(block(text)).category; };
  CHECK(category("10.1.2.3") == private_use);
  CHECK(category("172.31.0.0/16") == private_use);
  CHECK(category("fd12:3456::1") == private_use);
  CHECK(category("100.64.1.1") == shared);
  CHECK(category("127.0.0.1") == loopback);
  CHECK(category("::1") == loopback);
  CHECK(category("169.254.1.1") == link_local);
  CHECK(category("fe80::1") == link_local);
  CHECK(category("224.0.0.251") == multicast);
  CHECK(category("ff02::1") == multicast);
  CHECK(category("198.51.100.7") == documentation);
  CHECK(category("2001:db8::/48") == documentation);
  CHECK(category("0.0.0.0") == unspecified);
  CHECK(category("::") == unspecified);
  CHECK(category("0.0.0.0/8") == reserved);
  CHECK(category("240.0.0.1") == reserved);
  CHECK(category("255.255.255.255") == reserved);
  CHECK(category("fec0::1") == reserved);
  CHECK(category("8.8.8.8") == global_unicast);
  CHECK(category("2606:4700::1111") == global_unicast);
  CHECK(category("10.0.0.0/7") == mixed);
  CHECK(category("0.0.0.0/0") == mixed);
  CHECK(net::category_name(private_use) == "private");
}

TEST_CASE("an ipv4-mapped address is classified as the ipv4 address it maps") {
  auto c = net::classify(block("::ffff:192.168.0.1"));
  CHECK(c.category == net::ip_category::private_use);
  REQUIRE(c.ipv4_mapped);
  CHECK(c.ipv4_mapped->to_string() == "192.168.0.1/32");
  auto b = net::classify(block("::ffff:10.0.0.0/104"));
  REQUIRE(b.ipv4_mapped);
  CHECK(b.ipv4_mapped->to_string() == "10.0.0.0/8");
  CHECK(!net::classify(block("10.0.0.1")).ipv4_mapped);
}

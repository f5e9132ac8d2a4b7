#include "net/ip.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using net::cidr;
using net::ip_address;

TEST_CASE("ip addresses parse and format in both families") {
  auto v4 = ip_address::parse("127.0.0.1");
  REQUIRE(v4);
  CHECK(v4->is_v4());
  CHECK(v4->to_string() == "127.0.0.1");
  CHECK(v4->is_loopback());
  auto v6 = ip_address::parse("::1");
  REQUIRE(v6);
  CHECK(v6->is_v6());
  CHECK(v6->is_loopback());
  CHECK(ip_address::parse("2001:db8::1")->to_string() == "2001:db8::1");
}

TEST_CASE("malformed ip addresses are refused") {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "::g", "[::1]", "localhost"})
    CHECK_MESSAGE(!ip_address::parse(bad), bad);
}

TEST_CASE("an ipv4-mapped ipv6 address unmaps to ipv4") {
  auto m = ip_address::parse("::ffff:10.1.2.3");
  REQUIRE(m);
  CHECK(m->unmap() == *ip_address::parse("10.1.2.3"));
  CHECK(ip_address::parse("::1")->unmap().is_v6());
}

TEST_CASE("cidr blocks contain exactly their addresses") {
  auto c = cidr::parse("10.0.0.0/8");
  REQUIRE(c);
  CHECK(c->contains(*ip_address::parse("10.255.1.2")));
  CHECK(!c->contains(*ip_address::parse("11.0.0.0")));
  CHECK(c->contains(*ip_address::parse("::ffff:10.0.0.1")));
  CHECK(!c->contains(*ip_address::parse("::1")));
  CHECK(c->size() == 16777216u);
  CHECK(c->last().to_string() == "10.255.255.255");
  auto one = cidr::parse("127.0.0.1");
  REQUIRE(one);
  CHECK(one->prefix() == 32);
  CHECK(one->size() == 1u);
  auto all = cidr::parse("0.0.0.0/0");
  REQUIRE(all);
  CHECK(all->contains(*ip_address::parse("8.8.8.8")));
  auto v6 = cidr::parse("fd00::/8");
  REQUIRE(v6);
  CHECK(v6->contains(*ip_address::parse("fd12::1")));
  CHECK(v6->size() == UINT64_MAX);
}

TEST_CASE("host bits below the prefix are cleared") {
  CHECK(cidr::parse("10.1.2.3/8")->to_string() == "10.0.0.0/8");
  CHECK(cidr::parse("192.168.1.77/30")->last().to_string() == "192.168.1.79");
}

TEST_CASE("malformed cidr blocks are refused") {
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "/8", "::/129", "10.0.0.0/8x"})
    CHECK_MESSAGE(!cidr::parse(bad), bad);
}

TEST_CASE("ranges are walked with next") {
  auto c = *cidr::parse("192.168.0.0/30");
  std::vector<std::string> seen;
  for (auto a = c.first();; a = a.next()) {
    seen.push_back(a.to_string());
    if (a == c.last()) break;
  }
  CHECK(seen ==
        std::vector<std::string>{"192.168.0.0", "192.168.0.1", "192.168.0.2", "192.168.0.3"});
  CHECK(ip_address::parse("255.255.255.255")->next().to_string() == "0.0.0.0");
}

TEST_CASE("host and port split and join, bracketing ipv6") {
  auto hp = net::split_host_port("[::1]:80");
  REQUIRE(hp);
  CHECK(hp->host == "::1");
  CHECK(hp->port == "80");
  CHECK(net::split_host_port("example.com:443")->host == "example.com");
  CHECK(!net::split_host_port("::1:80"));
  CHECK(!net::split_host_port("example.com"));
  CHECK(net::join_host_port("::1", 80) == "[::1]:80");
  CHECK(net::join_host_port("h", 1) == "h:1");
  CHECK(net::parse_port("65535") == 65535);
  CHECK(!net::parse_port("65536"));
  CHECK(!net::parse_port("-1"));
  CHECK(!net::parse_port("8o"));
}

TEST_CASE("ipv6 addresses print in rfc 5952 form") {
  auto text = [](const char* in) { return ip_address::parse(in)->to_string(); };
  CHECK(text("::4:0") == "::4:0");
  CHECK(text("::1") == "::1");
  CHECK(text("::") == "::");
  CHECK(text("2001:DB8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
  CHECK(text("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
  CHECK(text("fe80::") == "fe80::");
  CHECK(text("::ffff:10.0.0.1") == "::ffff:10.0.0.1");
  CHECK(text("1:0:0:2:0:0:0:3") == "1:0:0:2::3");
}

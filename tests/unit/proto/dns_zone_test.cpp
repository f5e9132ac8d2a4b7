// Zone-file text: directives, relative names, TTL and class in either order, parentheses over
// lines, comments, blank owners, and each error with its line.
#include <doctest/doctest.h>

#include "proto/dns/zone.hpp"

namespace pd = proto::dns;

TEST_CASE("dns zone files read directives, relative names, TTLs and classes") {
  auto z = pd::parse_zone(
      "$ORIGIN example.test.\n"
      "$TTL 1h\n"
      "@ IN SOA ns1 admin (\n"
      "    2026 ; serial\n"
      "    3600 600 86400 60 )\n"
      "www 60 IN A 192.0.2.1\n"
      "    IN 120 AAAA ::1 ; same owner, class before TTL\n"
      "mail A 192.0.2.25\n"
      "txt TXT \"semi; colon\" \"(paren)\"\n"
      "abs.other.test. CNAME www\n"
      "$ORIGIN sub\n"
      "deep A 192.0.2.9\n");
  REQUIRE_MESSAGE(z.error.empty(), z.line, ": ", z.error);
  REQUIRE(z.records.size() == 7);
  CHECK(pd::record_to_string(z.records[0]) ==
        "example.test. 3600 IN SOA ns1.example.test. admin.example.test. 2026 3600 600 86400 60");
  CHECK(pd::record_to_string(z.records[1]) == "www.example.test. 60 IN A 192.0.2.1");
  CHECK(pd::record_to_string(z.records[2]) == "www.example.test. 120 IN AAAA ::1");
  CHECK(z.records[3].ttl == 3600);
  CHECK(pd::record_to_string(z.records[4]) ==
        "txt.example.test. 3600 IN TXT \"semi; colon\" \"(paren)\"");
  CHECK(pd::record_to_string(z.records[5]) == "abs.other.test. 3600 IN CNAME www.example.test.");
  CHECK(z.records[6].owner.to_string() == "deep.sub.example.test.");
}

TEST_CASE("dns zone files without $TTL use the last TTL given, or the default") {
  pd::zone_options o;
  o.default_ttl = 77;
  auto z = pd::parse_zone("a.test. A 192.0.2.1\nb.test. 5 A 192.0.2.2\nc.test. A 192.0.2.3\n", o);
  REQUIRE(z.error.empty());
  CHECK(z.records[0].ttl == 77);
  CHECK(z.records[2].ttl == 5);
}

TEST_CASE("dns zone files name the line of each error") {
  auto check = [](const char* text, std::size_t line, const char* what) {
    auto z = pd::parse_zone(text);
    CHECK(z.line == line);
    CHECK_MESSAGE(z.error.find(what) != std::string::npos, z.error);
    CHECK(z.records.empty());
  };
  check("a.test. A 192.0.2.1\nb.test. A 300.0.0.1\n", 2, "bad IPv4 address '300.0.0.1'");
  check("a.test. BOGUS x\n", 1, "unknown type 'BOGUS'");
  check("$INCLUDE other.zone\n", 1, "$INCLUDE is not supported");
  check("$GENERATE 1-10 h$ A 1.2.3.$\n", 1, "$GENERATE is not supported");
  check("a.test. A (\n192.0.2.1\n", 1, "'(' is never closed");
  check("\n\n) \n", 3, "')' without '('");
  check("  A 192.0.2.1\n", 1, "without an owner");
  check("a.test. TXT \"open\n", 1, "not closed");
  check("a..test. A 192.0.2.1\n", 1, "bad owner name");
  check("$TTL forever\n", 1, "bad $TTL");
  check("a.test. 60\n", 1, "without a type");
  check("a.test. ANY 1\n", 1, "not a type of record a zone holds");
}

TEST_CASE("dns zone files take the RFC 3597 form and wildcards") {
  auto z =
      pd::parse_zone("*.w.test. 60 IN TYPE4321 \\# 2 abcd\n*.w.test. 60 CLASS1 A \\# 4 7f000001\n");
  REQUIRE_MESSAGE(z.error.empty(), z.error);
  CHECK(pd::record_to_string(z.records[0]) == "*.w.test. 60 IN TYPE4321 \\# 2 ABCD");
  CHECK(pd::record_to_string(z.records[1]) == "*.w.test. 60 IN A 127.0.0.1");
}

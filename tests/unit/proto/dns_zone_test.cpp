// Zone-file text: directives, parentheses, comments, owners, TTL and class in any order, quoted
// strings, and each error with the line it names.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "proto/dns/zone.hpp"
#include "tests/unit/proto/dns_test_util.hpp"

namespace dns = proto::dns;
using dns_test::N;

namespace {

std::vector<std::string> lines(std::string_view text, const dns::zone_options& opts = {}) {
  auto z = dns::parse_zone(text, opts);
  REQUIRE_MESSAGE(z.error.empty(), "line " << z.line << ": " << z.error);
  std::vector<std::string> out;
  for (const auto& r : z.records) out.push_back(dns::record_to_string(r));
  return out;
}

struct failure {
  std::size_t line;
  std::string error;
};

failure error_of(std::string_view text) {
  auto z = dns::parse_zone(text);
  CHECK_FALSE(z.error.empty());
  return {z.line, z.error};
}

}  // namespace

TEST_CASE("dns zone reads a small zone with every feature") {
  const auto got = lines(R"($ORIGIN example.com.
$TTL 1h
@   IN  SOA ns1 hostmaster (
            2024010101 ; serial
            2h 1h 2w   ; refresh retry expire
            300 )      ; minimum
        NS  ns1
    600 NS  ns2.example.net.
ns1 IN 60 A 192.0.2.53
www 120 IN CNAME web ; a comment
web A 192.0.2.1
    AAAA 2001:db8::1
txt TXT "two words" bare "semi;colon" "quote\"d" \065\066
; a comment line

$ORIGIN sub
host CH A \# 4 0a000001
)");
  const std::vector<std::string> want{
      "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 "
      "1209600 300",
      "example.com. 3600 IN NS ns1.example.com.",
      "example.com. 600 IN NS ns2.example.net.",
      "ns1.example.com. 60 IN A 192.0.2.53",
      "www.example.com. 120 IN CNAME web.example.com.",
      "web.example.com. 3600 IN A 192.0.2.1",
      "web.example.com. 3600 IN AAAA 2001:db8::1",
      "txt.example.com. 3600 IN TXT \"two words\" \"bare\" \"semi;colon\" \"quote\\\"d\" \"AB\"",
      "host.sub.example.com. 3600 CH A 10.0.0.1",
  };
  CHECK(got == want);
}

TEST_CASE("dns zone uses the options' origin and default TTL, and the previous class") {
  dns::zone_options opts;
  opts.origin = N("example.org.");
  opts.default_ttl = 42;
  CHECK(lines("a A 192.0.2.1\nb CH TXT x\nc TXT y\n", opts) ==
        std::vector<std::string>{"a.example.org. 42 IN A 192.0.2.1",
                                 "b.example.org. 42 CH TXT \"x\"",
                                 "c.example.org. 42 CH TXT \"y\""});
}

TEST_CASE("dns zone reads its own printed records back") {
  const std::string text =
      "x. 5 IN HTTPS 1 . alpn=h2,h3 ipv4hint=192.0.2.1\n"
      "x. 5 IN TYPE1234 \\# 2 abcd\n"
      "x. 5 CLASS9 A 1.2.3.4\n"
      "a\\;b\\032c. 7 IN NSEC \\@. A RRSIG\n"
      "x. 0 ANY A \\# 0\n";
  auto first = dns::parse_zone(text);
  REQUIRE_MESSAGE(first.error.empty(), first.error);
  std::string again;
  for (const auto& r : first.records) again += dns::record_to_string(r) + "\n";
  auto second = dns::parse_zone(again);
  REQUIRE_MESSAGE(second.error.empty(), second.error);
  CHECK(second.records == first.records);
}

TEST_CASE("dns zone errors name their line") {
  auto check = [](std::string_view text, std::size_t line, std::string_view error) {
    auto f = error_of(text);
    CHECK_MESSAGE(f.line == line, text);
    CHECK_MESSAGE(f.error == error, text);
  };
  check("a. A 1.2.3.4\n$INCLUDE other.zone\n", 2,
        "$INCLUDE is not supported: a records file lists every record itself");
  check("$GENERATE 1-10 host$ A 10.0.0.$\n", 1,
        "$GENERATE is not supported: a records file lists every record itself");
  check("$FOO bar\n", 1, "unknown directive '$FOO'");
  check("$ORIGIN\n", 1, "$ORIGIN takes one name");
  check("$ORIGIN a..b\n", 1, "bad name 'a..b' in $ORIGIN");
  check("$TTL forever\n", 1, "bad TTL 'forever' in $TTL");
  check("\n\n  A 1.2.3.4\n", 3, "a record with no owner and no record before it to take it from");
  check("a. 1.2.3.4\n", 1, "bad TTL '1.2.3.4'");
  check("a. IN\n", 1, "a record with no type");
  check("a. IN BOGUS x\n", 1, "unknown type 'BOGUS'");
  check("a..b A 1.2.3.4\n", 1, "bad owner name 'a..b'");
  check("a. A 1.2.3\n", 1, "a. A: bad IPv4 address '1.2.3'");
  check("a. A 1.2.3.4\nb. A \\# 0\n", 2, "b. A: empty data");
  check("a. TXT \"open\nb. A 1.2.3.4\n", 1, "unterminated quoted string");
  check("a. SOA ( a. b.\n 1 2 3\n 4 5\n", 1, "'(' on line 1 is not closed");
  check("a. A 1.2.3.4 )\n", 1, "')' without '('");
  check("a. TXT ( ( x ) )\n", 1, "nested parentheses");
  check("a. TXT x\\", 1, "backslash at the end of a line");
  check("a. MX 10 ( a.\n b. )\n", 1, "a. MX: unexpected 'b.' after the data of MX");
}

TEST_CASE("dns zone stops at its record limit") {
  dns::zone_options opts;
  opts.max_records = 2;
  auto z = dns::parse_zone("a. A 1.2.3.4\nb. A 1.2.3.4\nc. A 1.2.3.4\n", opts);
  CHECK(z.error == "more than 2 records");
  CHECK(z.line == 3);
}

TEST_CASE("dns zone of nothing but comments and blank lines has no records") {
  auto z = dns::parse_zone("; nothing\n\n   \n\t; still nothing");
  CHECK(z.error.empty());
  CHECK(z.records.empty());
}

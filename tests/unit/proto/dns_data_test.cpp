// DNS record data: every type vitnet knows from text to wire and back, through a message and
// back, and in the generic form of RFC 3597; malformed text and data with the errors they give.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "proto/dns/message.hpp"
#include "tests/unit/proto/dns_test_util.hpp"

namespace dns = proto::dns;
using dns_test::N;
using dns_test::R;
using namespace std::string_literals;

namespace {

struct sample {
  std::uint16_t type;
  std::string text;  // the canonical presentation vitnet writes
};

// One or more of every type with a presentation form, in vitnet's canonical text.
const std::vector<sample> samples{
    {dns::type::a, "192.0.2.1"},
    {dns::type::aaaa, "2001:db8::1"},
    {dns::type::aaaa, "::ffff:192.0.2.1"},
    {dns::type::ns, "ns1.example.com."},
    {dns::type::cname, "www.example.net."},
    {dns::type::dname, "example.org."},
    {dns::type::ptr, "host\\.one.example.com."},
    {dns::type::soa, "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300"},
    {dns::type::mx, "10 mail.example.com."},
    {dns::type::mx, "0 ."},
    {dns::type::txt, "\"hello world\""},
    {dns::type::txt, "\"two\" \"strings with \\\"quotes\\\", \\\\ and \\007\" \"\""},
    {dns::type::srv, "10 60 5060 sip.example.com."},
    {dns::type::caa, "0 issue \"ca.example.net; account=1234\""},
    {dns::type::caa, "128 iodef \"mailto:security@example.com\""},
    {dns::type::svcb,
     "1 svc.example.net. mandatory=alpn,port alpn=h2,h3 port=8443 ipv4hint=192.0.2.1,192.0.2.2 "
     "ech=aGVsbG8= ipv6hint=2001:db8::1,2001:db8::2 key65000=abc key65001"},
    {dns::type::https, "1 . alpn=h3,h2 no-default-alpn"},
    {dns::type::https, "0 pool.example.com."},
    {dns::type::https, "2 . alpn=with\\\\,comma,back\\\\\\\\slash"},
    {dns::type::ds, "12345 8 2 49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de"},
    {59, "12345 8 2 49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de"},
    {dns::type::dnskey, "257 3 8 AwEAAbOFAxl+Lkt0UMglZizKEC1AxUu8zlj65KYatR5wBWMrh18TYzK/"},
    {60, "256 3 13 AwEAAQ=="},
    {dns::type::rrsig,
     "A 8 3 300 20250101000000 20241201000000 12345 example.com. aGVsbG8gd29ybGQ="},
    {dns::type::rrsig, "TYPE1234 13 2 0 21060207062815 19700101000000 1 . AA=="},
    {dns::type::nsec, "host.example.com. A MX RRSIG NSEC TYPE1234"},
    {dns::type::nsec, "host.example.com."},
    {dns::type::sshfp, "1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac"},
    {dns::type::tlsa, "3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"},
    {dns::type::naptr, "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ."},
    {dns::type::naptr, "100 50 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.com."},
    {dns::type::hinfo, "\"PC-Intel\" \"Linux 6\""},
    {1234, "\\# 3 abcdef"},
    {1234, "\\# 0"},
    {dns::type::nsec3, "\\# 4 01000000"},
};

std::string wire(std::uint16_t type, std::string_view text) {
  std::string error;
  auto data = dns::data_from_string(type, text, dns::name(), error);
  REQUIRE_MESSAGE(data, text << ": " << error);
  return *data;
}

std::string parse_error(std::uint16_t type, std::string_view text) {
  std::string error;
  auto data = dns::data_from_string(type, text, dns::name(), error);
  CHECK_MESSAGE(!data, text);
  return error;
}

}  // namespace

TEST_CASE("dns record data of every type reads from text and writes the same text back") {
  for (const auto& s : samples) {
    CAPTURE(s.text);
    const std::string data = wire(s.type, s.text);
    CHECK(dns::data_to_string(s.type, data) == s.text);
  }
}

TEST_CASE("dns record data of every type goes through a message and back unchanged") {
  dns::message m;
  m.qr = true;
  m.questions.push_back({.qname = N("example.com."), .qtype = dns::type::any});
  for (const auto& s : samples) m.answers.push_back(R("example.com.", s.type, s.text));
  auto back = dns::parse(dns::write(m));
  REQUIRE_MESSAGE(back.msg, back.error);
  CHECK(*back.msg == m);
  for (std::size_t i = 0; i < samples.size(); ++i)
    CHECK(dns::data_to_string(samples[i].type, back.msg->answers[i].data) == samples[i].text);
}

TEST_CASE("dns record data in the generic form is accepted for every type") {
  for (const auto& s : samples) {
    CAPTURE(s.text);
    const std::string data = wire(s.type, s.text);
    const std::string generic =
        data.empty() ? "\\# 0" : "\\# " + std::to_string(data.size()) + " " + [&] {
          std::string hex;
          for (unsigned char c : data)
            hex += "0123456789ABCDEF"[c >> 4], hex += "0123456789ABCDEF"[c & 15];
          return hex;
        }();
    CHECK(wire(s.type, generic) == data);
  }
  CHECK(wire(dns::type::a, "\\# 4 c0 00 02 01") == "\xc0\x00\x02\x01"s);
}

TEST_CASE("dns record data in the generic form must still be valid data of a known type") {
  CHECK(parse_error(dns::type::a, "\\# 3 c00002") == "record data of A is 3 bytes, expected 4");
  CHECK(parse_error(dns::type::a, "\\# 4 c00002") == "the generic form says 4 bytes but has 3");
  CHECK(parse_error(dns::type::a, "\\# 2 c0000") == "bad hex in the generic form");
  CHECK(parse_error(dns::type::a, "\\#").find("needs a length") != std::string::npos);
  CHECK(parse_error(dns::type::mx, "\\# 4 0001c00c") ==
        "record data of MX: compression pointer at offset 2 where none is allowed");
}

TEST_CASE("dns record data of an unknown type must use the generic form") {
  CHECK(parse_error(1234, "abc") ==
        "data of TYPE1234 must be in the generic form \\# <length> <hex>");
  CHECK(dns::data_to_string(1234, "\x01\x02"s) == "\\# 2 0102");
}

TEST_CASE("dns record data that does not fit its type is shown in the generic form") {
  CHECK(dns::data_to_string(dns::type::a, "\x01\x02\x03"s) == "\\# 3 010203");
  CHECK(dns::data_to_string(dns::type::a, "") == "\\# 0");
  CHECK(dns::data_to_string(dns::type::txt, "\x05hi"s) == "\\# 3 056869");
  CHECK(dns::data_to_string(dns::type::nsec, "\0\0\0"s) == "\\# 3 000000");  // empty window
  CHECK(dns::data_to_string(dns::type::svcb, "\0\1\0\0\3\0\0"s) == "\\# 7 00010000030000");
  CHECK(dns::data_to_string(dns::type::caa, "\0\2a-b"s) == "\\# 5 0002612d62");
}

TEST_CASE("dns record data text reads names relative to the origin and quoted or bare strings") {
  std::string error;
  auto mx = dns::data_from_string(dns::type::mx, "5 mail", N("example.com."), error);
  REQUIRE(mx);
  CHECK(dns::data_to_string(dns::type::mx, *mx) == "5 mail.example.com.");
  CHECK(dns::data_to_string(dns::type::txt, wire(dns::type::txt, "bare \\065\\\"")) ==
        "\"bare\" \"A\\\"\"");
  CHECK(wire(dns::type::soa, "a. b. 1 1h 30m 1w 1d") ==
        wire(dns::type::soa, "a. b. 1 3600 1800 604800 86400"));
  CHECK(wire(dns::type::ds, "1 8 2 49FD46E6 C4B45C55") ==
        wire(dns::type::ds, "1 8 2 49fd46e6c4b45c55"));
  CHECK(wire(dns::type::rrsig, "A 8 3 300 1735689600 20241201000000 1 . AA==") ==
        wire(dns::type::rrsig, "A 8 3 300 20250101000000 20241201000000 1 . AA=="));
  CHECK(wire(dns::type::https, "1 . alpn=\"h2,h3\" port=\"443\"") ==
        wire(dns::type::https, "1 . alpn=h2,h3 port=443"));
  CHECK(wire(dns::type::https, "1 . port=443 alpn=h2") ==
        wire(dns::type::https, "1 . alpn=h2 port=443"));
  CHECK(wire(dns::type::https, "1 . key3=443") == wire(dns::type::https, "1 . port=443"));
  CHECK(wire(dns::type::nsec, "a. NSEC A A") == wire(dns::type::nsec, "a. A NSEC"));
}

TEST_CASE("dns record data text errors say what is wrong") {
  CHECK(parse_error(dns::type::a, "1.2.3") == "bad IPv4 address '1.2.3'");
  CHECK(parse_error(dns::type::aaaa, "1.2.3.4") == "bad IPv6 address '1.2.3.4'");
  CHECK(parse_error(dns::type::mx, "10") == "MX data ends too soon");
  CHECK(parse_error(dns::type::mx, "70000 a.") == "bad number '70000'");
  CHECK(parse_error(dns::type::mx, "1 a. b.") == "unexpected 'b.' after the data of MX");
  CHECK(parse_error(dns::type::ns, "a..b") == "bad name 'a..b'");
  CHECK(parse_error(dns::type::txt, std::string(256, 'x')).starts_with("bad character-string"));
  CHECK(parse_error(dns::type::txt, "\"a\\2\"").starts_with("bad character-string"));
  CHECK(parse_error(dns::type::txt, "\"open") == "unterminated quoted string");
  CHECK(parse_error(dns::type::txt, "a\nb") == "a line break inside record data");
  CHECK(parse_error(dns::type::ds, "1 8 2 abc") == "bad hex 'abc'");
  CHECK(parse_error(dns::type::dnskey, "257 3 8 !!!") == "bad base64 '!!!'");
  CHECK(parse_error(dns::type::rrsig, "A 8 3 300 20251301000000 20241201000000 1 . AA==") ==
        "bad time '20251301000000'");
  CHECK(parse_error(dns::type::nsec, "a. A BOGUS") == "bad type 'BOGUS'");
  CHECK(parse_error(dns::type::caa, "0 is-sue \"x\"") == "bad CAA tag 'is-sue'");
  CHECK(parse_error(dns::type::https, "1 . alpn") == "bad value for SvcParamKey alpn: ''");
  CHECK(parse_error(dns::type::https, "1 . port=99999") ==
        "bad value for SvcParamKey port: '99999'");
  CHECK(parse_error(dns::type::https, "1 . bogus=1") == "unknown SvcParamKey 'bogus'");
  CHECK(parse_error(dns::type::https, "1 . port=1 port=2") == "SvcParamKey port given twice");
  CHECK(parse_error(dns::type::https, "1 . mandatory=port alpn=h2") ==
        "bad value for SvcParamKey mandatory");
  CHECK(parse_error(dns::type::https, "1 . mandatory=mandatory,alpn alpn=h2") ==
        "bad value for SvcParamKey mandatory");
  CHECK(parse_error(dns::type::https, "1 . ech=notbase64") ==
        "bad value for SvcParamKey ech: 'notbase64'");
  CHECK(parse_error(dns::type::https, "1 . ipv4hint=192.0.2.1,x") ==
        "bad value for SvcParamKey ipv4hint: '192.0.2.1,x'");
  CHECK(parse_error(dns::type::https, "1 . key65535=x") == "unknown SvcParamKey 'key65535'");
}

TEST_CASE("dns record prints as one zone-file line") {
  CHECK(dns::record_to_string(R("www.example.com.", dns::type::a, "192.0.2.1")) ==
        "www.example.com. 300 IN A 192.0.2.1");
  dns::record odd{.owner = N("x."), .type = 999, .rclass = 77, .ttl = 5, .data = "\1"};
  CHECK(dns::record_to_string(odd) == "x. 5 CLASS77 TYPE999 \\# 1 01");
}

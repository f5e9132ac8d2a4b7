// The DNS codec on bytes: names (text, escapes, limits, case), messages both ways with
// compression, EDNS and its options, truncation, and every malformed input refused with a
// reason, never a crash.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "proto/dns/message.hpp"

namespace pd = proto::dns;

namespace {

pd::name n(const char* text) {
  return *pd::name::parse(text);
}

pd::record rec(const char* owner, std::uint16_t type, const char* data, std::uint32_t ttl = 300) {
  std::string err;
  auto d = pd::data_from_string(type, data, pd::name(), err);
  REQUIRE_MESSAGE(d, err);
  return pd::record{n(owner), type, pd::rclass::in, ttl, *d};
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

}  // namespace

TEST_CASE("dns names read text with escapes, origins and the root") {
  CHECK(n("www.Example.test.").to_string() == "www.Example.test.");
  CHECK(n(".").is_root());
  auto origin = n("example.test.");
  CHECK(pd::name::parse("www", &origin)->to_string() == "www.example.test.");
  CHECK(pd::name::parse("@", &origin)->to_string() == "example.test.");
  CHECK(n("a\\.b.test.").label_count() == 2);
  CHECK(n("a\\.b.test.").to_string() == "a\\.b.test.");
  CHECK(n("\\065bc.test.").to_string() == "Abc.test.");
  CHECK(n("x\\032y.test.").to_string() == "x\\032y.test.");
  CHECK_FALSE(pd::name::parse("a..b."));
  CHECK_FALSE(pd::name::parse(".a."));
  CHECK_FALSE(pd::name::parse(""));
  CHECK_FALSE(pd::name::parse("a\\256.test."));
  CHECK_FALSE(pd::name::parse("a\\25"));
  CHECK_FALSE(pd::name::parse(std::string(64, 'a') + "."));
  CHECK(pd::name::parse(std::string(63, 'a') + "."));
  // 255 bytes in wire form at most: four 62-byte labels (252) and a 1-byte one (254) fit.
  std::string long_name;
  for (int i = 0; i < 4; ++i) long_name += std::string(62, 'a') + ".";
  CHECK(pd::name::parse(long_name + "b."));
  CHECK_FALSE(pd::name::parse(long_name + "bc."));
}

TEST_CASE("dns names compare and key ignoring ASCII case, and know their parents") {
  CHECK(n("WWW.Example.TEST.") == n("www.example.test."));
  CHECK(n("WWW.Example.TEST.").key() == n("www.example.test.").key());
  CHECK(n("a.b.test.").parent() == n("b.test."));
  CHECK(n(".").parent().is_root());
  CHECK(n("a.b.test.").is_subdomain_of(n("B.test.")));
  CHECK(n("a.b.test.").is_subdomain_of(n(".")));
  CHECK_FALSE(n("ab.test.").is_subdomain_of(n("b.test.")));
  CHECK(n("b.test.").prepend("*")->to_string() == "*.b.test.");
  CHECK(n("a.b.test.").label(1) == "b");
}

TEST_CASE("dns messages round-trip through the wire with every record type") {
  pd::message m;
  m.id = 0xBEEF;
  m.qr = m.aa = m.rd = m.ra = true;
  m.questions.push_back({n("example.test."), pd::type::any, pd::rclass::in});
  m.answers = {
      rec("example.test.", pd::type::a, "192.0.2.1"),
      rec("example.test.", pd::type::aaaa, "2001:db8::1"),
      rec("example.test.", pd::type::ns, "ns1.example.test."),
      rec("www.example.test.", pd::type::cname, "example.test."),
      rec("example.test.", pd::type::soa, "ns1.example.test. admin.example.test. 1 2 3 4 5"),
      rec("1.2.0.192.in-addr.arpa.", pd::type::ptr, "example.test."),
      rec("example.test.", pd::type::mx, "10 mail.example.test."),
      rec("example.test.", pd::type::txt, "\"a b\" \"c\\\"d\" plain"),
      rec("_x._tcp.example.test.", pd::type::srv, "1 2 3 target.example.test."),
      rec("example.test.", pd::type::caa, "0 issue \"ca.example\""),
      rec("example.test.", pd::type::https, "1 . alpn=h2,h3 port=443 ipv4hint=192.0.2.1"),
      rec("example.test.", pd::type::svcb, "0 svc.example.test."),
      rec("example.test.", pd::type::ds, "12345 13 2 ABCDEF0123"),
      rec("example.test.", pd::type::dnskey, "257 3 13 aGVsbG8="),
      rec("example.test.", pd::type::rrsig,
          "A 13 2 300 20261231000000 20261201000000 12345 example.test. aGVsbG8="),
      rec("example.test.", pd::type::nsec, "next.example.test. A NS SOA RRSIG NSEC TYPE1234"),
      rec("example.test.", pd::type::sshfp, "4 2 ABCD"),
      rec("_443._tcp.example.test.", pd::type::tlsa, "3 1 1 ABCDEF"),
      rec("example.test.", pd::type::hinfo, "\"cpu\" \"os\""),
      rec("example.test.", pd::type::naptr, "100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" ."),
      rec("example.test.", 4321, "\\# 3 010203"),
  };
  m.opt = pd::edns{1232, 0, true, 0, {{pd::option::nsid, "ns-1"}}};
  auto wire = pd::write(m);
  auto back = pd::parse(wire);
  REQUIRE_MESSAGE(back.msg, back.error);
  CHECK(*back.msg == m);
  CHECK(back.msg->nsid() == "ns-1");
  // Every record's text reads back to the same data.
  for (auto& r : m.answers) {
    std::string err;
    auto text = pd::data_to_string(r.type, r.data);
    auto again = pd::data_from_string(r.type, text, pd::name(), err);
    CHECK_MESSAGE(again == r.data, pd::record_to_string(r), " -> ", err);
  }
}

TEST_CASE("dns record data is shown in presentation format") {
  CHECK(pd::record_to_string(rec("a.test.", pd::type::a, "192.0.2.1", 60)) ==
        "a.test. 60 IN A 192.0.2.1");
  CHECK(pd::data_to_string(pd::type::mx, rec("a.", pd::type::mx, "5 mx.a.").data) == "5 mx.a.");
  CHECK(pd::data_to_string(pd::type::txt, rec("a.", pd::type::txt, "\"x\\\\y\" z").data) ==
        "\"x\\\\y\" \"z\"");
  CHECK(pd::data_to_string(pd::type::txt, std::string("\x02\x01\xff", 3)) == "\"\\001\\255\"");
  CHECK(pd::data_to_string(
            pd::type::https,
            rec("a.", pd::type::https, "1 . port=8443 alpn=h2 no-default-alpn").data) ==
        "1 . alpn=h2 no-default-alpn port=8443");
  // Data that does not fit its type is shown in the generic form.
  CHECK(pd::data_to_string(pd::type::mx, std::string(1, '\0')) == "\\# 1 00");
  CHECK(pd::data_to_string(99, "") == "\\# 0");
  CHECK(pd::data_to_string(4321, "ab") == "\\# 2 6162");
}

TEST_CASE("dns record data from text refuses what is wrong, naming it") {
  std::string err;
  CHECK_FALSE(pd::data_from_string(pd::type::a, "1.2.3", pd::name(), err));
  CHECK(err == "bad IPv4 address '1.2.3'");
  CHECK_FALSE(pd::data_from_string(pd::type::mx, "mail", pd::name(), err));
  CHECK(err == "MX takes 2 fields, got 1");
  CHECK_FALSE(pd::data_from_string(pd::type::srv, "1 2 70000 x.", pd::name(), err));
  CHECK_FALSE(pd::data_from_string(pd::type::txt, "\"unclosed", pd::name(), err));
  CHECK_FALSE(pd::data_from_string(pd::type::a, "\\# 3 010203", pd::name(), err));
  CHECK_FALSE(pd::data_from_string(4321, "\\# 2 01", pd::name(), err));
  CHECK_FALSE(pd::data_from_string(4321, "anything", pd::name(), err));
  CHECK(pd::data_from_string(pd::type::a, "\\# 4 c0000201", pd::name(), err) ==
        std::string("\xc0\x00\x02\x01", 4));
}

TEST_CASE("dns messages compress names and read compressed ones") {
  pd::message m;
  m.qr = true;
  m.questions.push_back({n("www.example.test."), pd::type::a, pd::rclass::in});
  for (int i = 0; i < 5; ++i)
    m.answers.push_back(rec("www.example.test.", pd::type::cname, "other.example.test."));
  auto wire = pd::write(m);
  // Uncompressed, each answer would repeat 18 bytes of owner and most of its target.
  CHECK(wire.size() < 12 + 22 + 5 * (18 + 10 + 20));
  auto back = pd::parse(wire);
  REQUIRE_MESSAGE(back.msg, back.error);
  CHECK(*back.msg == m);
}

TEST_CASE("dns messages refuse compression loops and forward pointers") {
  // Header (1 question), then a name that points to itself at offset 12.
  auto self = bytes({0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1});
  auto r = pd::parse(self);
  CHECK_FALSE(r.msg);
  CHECK(r.error.find("does not point back") != std::string::npos);
  CHECK(r.has_header);
  CHECK(r.id == 1);
  // A label, then a pointer back to that label: a loop through an earlier byte.
  auto loop = bytes({0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xC0, 12, 0, 1, 0, 1});
  CHECK_FALSE(pd::parse(loop).msg);
  auto forward = bytes({0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 16, 0, 1, 0, 1, 0});
  CHECK_FALSE(pd::parse(forward).msg);
}

TEST_CASE("dns messages cut short anywhere are refused without a crash") {
  pd::message m = pd::make_query(7, n("www.example.test."), pd::type::aaaa, 1232, true);
  m.qr = true;
  m.answers.push_back(rec("www.example.test.", pd::type::aaaa, "::1"));
  m.answers.push_back(rec("www.example.test.", pd::type::txt, "\"x\""));
  auto wire = pd::write(m);
  for (std::size_t len = 0; len < wire.size(); ++len) {
    auto r = pd::parse(std::string_view(wire).substr(0, len));
    CHECK_FALSE(r.msg);
    CHECK_FALSE(r.error.empty());
    CHECK(r.has_header == (len >= 12));
  }
  CHECK(pd::parse(wire).msg);
  CHECK_FALSE(pd::parse(wire + "x").msg);
}

TEST_CASE("dns messages refuse counts their bytes cannot hold and data of the wrong size") {
  auto many = bytes({0, 1, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0});
  CHECK(pd::parse(many).error == "message declares 65535 records, more than 4096");
  pd::parse_limits roomy{100000};
  CHECK(pd::parse(many, roomy).error.find("more than its 13 bytes hold") != std::string::npos);
  pd::parse_limits small{2};
  pd::message m;
  for (int i = 0; i < 3; ++i) m.answers.push_back(rec("a.", pd::type::a, "192.0.2.1"));
  CHECK_FALSE(pd::parse(pd::write(m), small).msg);
  // An A record with 5 bytes of data.
  auto bad_a = bytes(
      {0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5});
  auto r = pd::parse(bad_a);
  CHECK_FALSE(r.msg);
  CHECK(r.error == "record data of A is 5 bytes, expected 4");
}

TEST_CASE("dns EDNS carries the payload size, the DO bit, extended rcodes and errors") {
  pd::message m;
  m.qr = true;
  m.rcode = pd::rcode::badvers;
  m.opt = pd::edns{4096, 0, true, 0, {}};
  std::string ede = std::string("\x00\x16", 2) + "no server answered";
  m.opt->options.push_back({pd::option::extended_error, ede});
  auto back = pd::parse(pd::write(m));
  REQUIRE(back.msg);
  CHECK(back.msg->rcode == pd::rcode::badvers);
  CHECK(back.msg->opt->udp_size == 4096);
  CHECK(back.msg->opt->dnssec_ok);
  auto errs = back.msg->extended_errors();
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].info_code == 22);
  CHECK(errs[0].text == "no server answered");
  CHECK(pd::extended_error_name(22) == "No Reachable Authority");
  // Two OPT records, or an OPT owned by another name, are refused.
  auto wire = pd::write(m);
  std::string twice = wire;
  twice[11] = 2;
  twice += wire.substr(wire.size() - 11 - 4 - ede.size());
  CHECK_FALSE(pd::parse(twice).msg);
}

TEST_CASE("dns messages over the size limit are truncated with TC, keeping the OPT record") {
  pd::message m;
  m.qr = true;
  m.questions.push_back({n("many.test."), pd::type::a, pd::rclass::in});
  for (int i = 0; i < 60; ++i)
    m.answers.push_back(rec("many.test.", pd::type::a, ("192.0.2." + std::to_string(i)).c_str()));
  m.opt = pd::edns{};
  auto wire = pd::write(m, 512);
  CHECK(wire.size() <= 512);
  auto back = pd::parse(wire);
  REQUIRE(back.msg);
  CHECK(back.msg->tc);
  CHECK(back.msg->opt);
  CHECK(back.msg->answers.size() < 60);
  CHECK_FALSE(pd::parse(pd::write(m)).msg->tc);
  // Only additional records left out: no TC (RFC 2181 section 9).
  pd::message extra;
  extra.qr = true;
  extra.answers.push_back(rec("a.test.", pd::type::a, "192.0.2.1"));
  for (int i = 0; i < 60; ++i)
    extra.additional.push_back(
        rec("b.test.", pd::type::a, ("192.0.2." + std::to_string(i)).c_str()));
  auto e = pd::parse(pd::write(extra, 512));
  REQUIRE(e.msg);
  CHECK_FALSE(e.msg->tc);
  CHECK(e.msg->answers.size() == 1);
  CHECK_THROWS_AS(pd::write(m, 10), std::length_error);
}

TEST_CASE("dns tables name types, classes, rcodes and opcodes both ways") {
  CHECK(pd::type_name(pd::type::https) == "HTTPS");
  CHECK(pd::type_name(4321) == "TYPE4321");
  CHECK(pd::type_from_name("aaaa") == pd::type::aaaa);
  CHECK(pd::type_from_name("TYPE65") == 65);
  CHECK_FALSE(pd::type_from_name("TYPE65536"));
  CHECK_FALSE(pd::type_from_name("bogus"));
  CHECK(pd::class_name(3) == "CH");
  CHECK(pd::class_from_name("CLASS7") == 7);
  CHECK(pd::rcode_name(3) == "NXDOMAIN");
  CHECK(pd::rcode_name(4000) == "RCODE4000");
  CHECK(pd::rcode_from_name("servfail") == 2);
  CHECK(pd::opcode_name(4) == "NOTIFY");
}

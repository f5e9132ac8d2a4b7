// DNS messages on the wire: the header, compression both ways, the reader's bounds (pointer
// loops, forward pointers, counts, truncated input), EDNS with its options and extended rcode,
// and the writer's truncation to a size limit.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "proto/dns/message.hpp"
#include "tests/unit/proto/dns_test_util.hpp"

namespace dns = proto::dns;
using dns_test::N;
using dns_test::R;
using namespace std::string_literals;

namespace {

dns::message sample_response() {
  dns::message m;
  m.id = 0xbeef;
  m.qr = m.aa = m.rd = m.ra = true;
  m.questions.push_back({.qname = N("www.example.com."), .qtype = dns::type::a});
  m.answers.push_back(R("www.example.com.", dns::type::cname, "web.example.com."));
  m.answers.push_back(R("web.example.com.", dns::type::a, "192.0.2.1"));
  m.authority.push_back(R("example.com.", dns::type::ns, "ns1.example.com."));
  m.authority.push_back(R("example.com.", dns::type::soa,
                          "ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300"));
  m.additional.push_back(R("ns1.example.com.", dns::type::aaaa, "2001:db8::53"));
  m.additional.push_back(R("example.com.", dns::type::mx, "10 mail.example.com."));
  m.additional.push_back(R("_sip._udp.example.com.", dns::type::srv, "1 2 5060 sip.example.com."));
  return m;
}

std::size_t uncompressed_size(const dns::message& m) {
  std::size_t n = 12;
  for (const auto& q : m.questions) n += q.qname.wire().size() + 4;
  for (const auto* s : {&m.answers, &m.authority, &m.additional})
    for (const auto& r : *s) n += r.owner.wire().size() + 10 + r.data.size();
  return n;
}

std::string error_of(std::string_view bytes) {
  auto r = dns::parse(bytes);
  CHECK_FALSE(r.msg);
  return r.error;
}

// A header with the given counts, flags clear.
std::string header(int qd, int an, int ns = 0, int ar = 0, std::uint16_t id = 0x1234) {
  return std::string{char(id >> 8), char(id & 0xff), 0, 0, 0, char(qd), 0, char(an), 0, char(ns), 0,
                     char(ar)};
}

}  // namespace

TEST_CASE("dns message with compression is shorter and reads back equal") {
  const auto m = sample_response();
  const std::string bytes = dns::write(m);
  CHECK(bytes.size() < uncompressed_size(m) - 60);
  auto back = dns::parse(bytes);
  REQUIRE_MESSAGE(back.msg, back.error);
  CHECK(*back.msg == m);
  CHECK(back.id == 0xbeef);
  CHECK(back.has_header);
  CHECK(dns::write(*back.msg) == bytes);
}

TEST_CASE("dns message keeps the case of each name through compression") {
  dns::message m;
  m.questions.push_back({.qname = N("WwW.ExAmple.com."), .qtype = dns::type::a});
  m.answers.push_back(R("www.example.com.", dns::type::cname, "MAIL.example.com."));
  auto back = dns::parse(dns::write(m));
  REQUIRE(back.msg);
  CHECK(back.msg->questions[0].qname.to_string() == "WwW.ExAmple.com.");
  CHECK(back.msg->answers[0].owner.to_string() == "www.example.com.");
  CHECK(back.msg->answers[0].data == N("MAIL.example.com.").wire());
}

TEST_CASE("dns message header flags, opcode and rcode read back as written") {
  dns::message m;
  m.id = 7;
  m.qr = m.tc = m.z = m.ad = m.cd = true;
  m.opcode = dns::opcode::update;
  m.rcode = dns::rcode::notzone;
  const std::string bytes = dns::write(m);
  CHECK(bytes == "\0\7\xaa\x7a\0\0\0\0\0\0\0\0"s);
  CHECK(*dns::parse(bytes).msg == m);
}

TEST_CASE("dns message reader decompresses names inside record data") {
  // Question www.example.com, then an MX answer whose owner and exchange point into it.
  std::string b = header(1, 1) + "\3www\7example\3com\0"s + "\0\x0f\0\1"s;
  b += "\xc0\x10"s + "\0\x0f\0\1\0\0\0\x3c\0\x07"s + "\0\x0a\2mx\xc0\x10"s;
  auto r = dns::parse(b);
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(dns::record_to_string(r.msg->answers[0]) == "example.com. 60 IN MX 10 mx.example.com.");
  CHECK(r.msg->answers[0].data == "\0\x0a\2mx\7example\3com\0"s);
}

TEST_CASE("dns message reader refuses compression loops and forward pointers") {
  // A pointer to itself at offset 12.
  CHECK(error_of(header(1, 0) + "\xc0\x0c\0\1\0\1"s) == "name compression loop at offset 12");
  // A label, then a pointer back to that label: each pass would read it again.
  CHECK(error_of(header(1, 0) + "\1a\xc0\x0c\0\1\0\1"s) == "name compression loop at offset 14");
  // Two names pointing at each other.
  CHECK(error_of(header(1, 0) + "\xc0\x0e\xc0\x0c\0\1\0\1"s) ==
        "name compression pointer at offset 12 points forward to 14");
  CHECK(error_of(header(1, 0) + "\xc0\x40\0\1\0\1"s) ==
        "name compression pointer at offset 12 points forward to 64");
  // A chain going back is fine: b -> a.
  auto ok = dns::parse(header(2, 0) + "\1a\0\0\1\0\1\1b\xc0\x0c\0\1\0\1"s);
  REQUIRE_MESSAGE(ok.msg, ok.error);
  CHECK(ok.msg->questions[1].qname.to_string() == "b.a.");
}

TEST_CASE("dns message reader refuses names over 255 bytes and reserved label types") {
  std::string b = header(1, 0);
  for (int i = 0; i < 5; ++i) b += char(60) + std::string(60, 'x');
  b += "\0\0\1\0\1"s;
  CHECK(error_of(b) == "name longer than 255 bytes at offset 256");
  CHECK(error_of(header(1, 0) + "\x41\0\0\1\0\1"s) == "unsupported label type 0x40 at offset 12");
}

TEST_CASE("dns message reader checks record data against its type") {
  const std::string q = header(0, 1);
  CHECK(error_of(q + "\0\0\1\0\1\0\0\0\0\0\5\1\2\3\4\5"s) ==
        "record data of A is 5 bytes, expected 4 (record at offset 12)");
  CHECK(error_of(q + "\0\0\x0f\0\1\0\0\0\0\0\2\0\1"s) ==
        "record data of MX: name at offset 25 runs past the end of its data (record at offset 12)");
  CHECK(error_of(q + "\0\0\x10\0\1\0\0\0\0\0\3\5ab"s) ==
        "record data of TXT is 3 bytes, too short for its fields (record at offset 12)");
  CHECK(error_of(q + "\0\0\2\0\1\0\0\0\0\0\4\1a\0\0"s) ==
        "record data of NS has 1 bytes after its fields (record at offset 12)");
  CHECK(error_of(q + "\0\0\1\0\1\0\0\0\0\0\x09\1\2"s) ==
        "data of the record at offset 12 runs past the end of the message");
  // Class ANY with no data: an UPDATE deleting an RRset.
  auto r = dns::parse(q + "\0\0\1\0\xff\0\0\0\0\0\0"s);
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(r.msg->answers[0].data.empty());
  CHECK(error_of(q + "\0\0\1\0\1\0\0\0\0\0\0"s) ==
        "record data of A is 0 bytes, expected 4 (record at offset 12)");
}

TEST_CASE("dns message reader keeps unknown types' data as it came") {
  auto r = dns::parse(header(0, 1) + "\0\x04\xd2\0\1\0\0\0\0\0\2\xc0\x0c"s);
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(r.msg->answers[0].data == "\xc0\x0c"s);
  CHECK(dns::record_to_string(r.msg->answers[0]) == ". 0 IN TYPE1234 \\# 2 c00c");
}

TEST_CASE("dns message reader bounds its record count before reserving") {
  auto r = dns::parse(header(0, 255, 255, 255) + "\0"s, {.max_records = 100});
  CHECK_FALSE(r.msg);
  CHECK(r.error == "message holds 765 records, more than the limit of 100");
  // Within the limit, counts larger than the bytes can hold fail at the end of the data.
  CHECK(error_of("\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff"s) != "");
}

TEST_CASE("dns message reader survives input cut at every length") {
  auto m = sample_response();
  m.opt = dns::edns{.udp_size = 1232, .dnssec_ok = true};
  m.opt->options.push_back({.code = dns::option::nsid, .data = "ns1"});
  const std::string bytes = dns::write(m);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = dns::parse(std::string_view(bytes).substr(0, n));
    CHECK_FALSE(r.msg);
    CHECK(r.has_header == (n >= 12));
    if (n >= 2) CHECK(r.id == 0xbeef);
  }
  CHECK(dns::parse(bytes).msg);
  CHECK(error_of(bytes + "x") ==
        "1 bytes after the last record at offset " + std::to_string(bytes.size()));
}

TEST_CASE("dns message reader keeps a truncated reply that stops between records") {
  auto m = sample_response();
  m.tc = true;
  m.authority.clear();
  m.additional.clear();
  std::string bytes = dns::write(m);
  bytes[7] = 9;  // claims nine answers, holds two
  auto r = dns::parse(bytes);
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(r.msg->answers.size() == 2);
  CHECK(r.msg->authority.empty());
  bytes[2] &= ~0x02;
  CHECK_FALSE(dns::parse(bytes).msg);
}

TEST_CASE("dns message EDNS carries the DO bit, version, flags and options") {
  auto m = dns::make_query(0x4242, N("example.com."), dns::type::dnskey, 4096, true);
  CHECK(m.rd);
  REQUIRE(m.opt);
  m.opt->z = 0x0001;
  m.opt->options.push_back({.code = dns::option::nsid, .data = ""});
  m.opt->options.push_back({.code = dns::option::cookie, .data = "\1\2\3\4\5\6\7\x08"s});
  const std::string bytes = dns::write(m);
  // The OPT record: root owner, type 41, class = UDP size, TTL with DO, empty-NSID option...
  CHECK(bytes.substr(bytes.size() - 27, 11) == "\0\0\x29\x10\0\0\0\x80\x01\0\x10"s);
  auto r = dns::parse(bytes);
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(*r.msg == m);
  CHECK(r.msg->opt->dnssec_ok);
  CHECK(r.msg->opt->udp_size == 4096);
  CHECK(r.msg->nsid() == "");
  CHECK(r.msg->additional.empty());
  CHECK_FALSE(dns::make_query(1, N("a."), dns::type::a, 0).opt);
}

TEST_CASE("dns message extended rcode is split into the OPT record and joined back") {
  dns::message m;
  m.qr = true;
  m.rcode = dns::rcode::badvers;
  m.opt = dns::edns{};
  const std::string bytes = dns::write(m);
  CHECK((bytes[3] & 0xf) == 0);
  CHECK(bytes[bytes.size() - 6] == 1);  // the TTL's top byte: 16 >> 4
  CHECK(dns::parse(bytes).msg->rcode == dns::rcode::badvers);
  m.opt.reset();
  CHECK_THROWS_AS(dns::write(m), std::invalid_argument);
}

TEST_CASE("dns message extended errors and NSID are read from the options") {
  dns::message m;
  m.opt = dns::edns{};
  m.opt->options.push_back(dns::extended_error_option(18, "blocked by policy"));
  m.opt->options.push_back({.code = dns::option::nsid, .data = "resolver-7"});
  m.opt->options.push_back(dns::extended_error_option(3));
  m.opt->options.push_back({.code = dns::option::extended_error, .data = "\1"s});  // too short
  auto r = dns::parse(dns::write(m));
  REQUIRE(r.msg);
  auto ede = r.msg->extended_errors();
  REQUIRE(ede.size() == 2);
  CHECK(ede[0].info_code == 18);
  CHECK(ede[0].text == "blocked by policy");
  CHECK(dns::extended_error_name(ede[0].info_code) == "Prohibited");
  CHECK(ede[1].info_code == 3);
  CHECK(ede[1].text.empty());
  CHECK(r.msg->nsid() == "resolver-7");
  CHECK_FALSE(dns::message{}.nsid());
}

TEST_CASE("dns message refuses a second OPT, an OPT outside additional or not at the root") {
  const std::string opt = "\0\0\x29\x04\xd0\0\0\0\0\0\0"s;
  CHECK(error_of(header(0, 0, 0, 2) + opt + opt) == "second OPT record at offset 23");
  CHECK(error_of(header(0, 1) + opt) == "OPT record outside the additional section at offset 12");
  CHECK(error_of(header(0, 0, 0, 1) + "\1a\0\0\x29\x04\xd0\0\0\0\0\0\0"s) ==
        "OPT record at offset 12 is not owned by the root");
  CHECK(error_of(header(0, 0, 0, 1) + "\0\0\x29\x04\xd0\0\0\0\0\0\3\0\3\0"s) ==
        "EDNS option at offset 23 runs past its record");
}

TEST_CASE("dns message writer truncates to the limit, sets TC and keeps the OPT record") {
  dns::message m;
  m.qr = true;
  m.questions.push_back({.qname = N("big.example.com."), .qtype = dns::type::txt});
  for (int i = 0; i < 40; ++i)
    m.answers.push_back(
        R("big.example.com.", dns::type::txt, "\"" + std::string(100, 'a' + i % 26) + "\""));
  m.opt = dns::edns{.udp_size = 1232};
  m.opt->options.push_back({.code = dns::option::nsid, .data = "x"});
  const std::string bytes = dns::write(m, 1232);
  CHECK(bytes.size() <= 1232);
  auto r = dns::parse(bytes);
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(r.msg->tc);
  CHECK(r.msg->answers.size() > 5);
  CHECK(r.msg->answers.size() < 40);
  REQUIRE(r.msg->opt);
  CHECK(r.msg->nsid() == "x");
  CHECK(dns::write(m, 512).size() <= 512);
  CHECK_FALSE(dns::parse(dns::write(m)).msg->tc);
}

TEST_CASE("dns message writer refuses a question that does not fit") {
  dns::message m;
  for (int i = 0; i < 3; ++i)
    m.questions.push_back(
        {.qname = N(std::string(63, 'a' + i) + "." + std::string(63, 'x') + ".")});
  CHECK_THROWS_AS(dns::write(m, 100), std::length_error);
  CHECK_NOTHROW(dns::write(m, 512));
}

TEST_CASE("dns message writer compresses names inside NS data but not SRV data") {
  dns::message a;
  a.answers.push_back(R("example.com.", dns::type::ns, "ns.example.com."));
  CHECK(dns::write(a).size() == 12 + 13 + 10 + 5);  // "ns" + pointer
  dns::message b;
  b.answers.push_back(R("example.com.", dns::type::srv, "0 0 1 ns.example.com."));
  CHECK(dns::write(b).size() == 12 + 13 + 10 + 6 + 16);
}

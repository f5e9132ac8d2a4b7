// Cross-check of the DNS codec against ldns (a test-only dependency, built when pkg-config finds
// it): what vitnet writes, ldns reads to the same records; what ldns writes, vitnet reads to the
// same records. Records are compared as presentation text, one line per record.
#ifdef VITNET_HAVE_LDNS

#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "proto/dns/message.hpp"
#include "tests/unit/proto/dns_test_util.hpp"

// ldns's common.h defines bool, true and false as macros for C; it comes after every C++ header
// so they cannot break the standard library's, and is undone at once.
#include <ldns/ldns.h>
#undef bool
#undef true
#undef false

namespace dns = proto::dns;

namespace {

struct line {
  std::string owner;
  std::uint16_t type;
  std::string data;
};

// Every type vitnet presents, with the fields each one's text can take.
const std::vector<line> lines{
    {"example.com.", dns::type::a, "192.0.2.1"},
    {"www.example.com.", dns::type::aaaa, "2001:db8::1"},
    {"www.example.com.", dns::type::aaaa, "::ffff:192.0.2.1"},
    {"example.com.", dns::type::ns, "ns1.example.com."},
    {"example.com.", dns::type::ns, "ns2.example.net."},
    {"alias.example.com.", dns::type::cname, "www.example.com."},
    {"old.example.com.", dns::type::dname, "new.example.org."},
    {"1.2.0.192.in-addr.arpa.", dns::type::ptr, "host\\.one.example.com."},
    {"example.com.", dns::type::soa,
     "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300"},
    {"example.com.", dns::type::mx, "10 mail.example.com."},
    {"example.com.", dns::type::mx, "0 ."},
    {"example.com.", dns::type::txt, "\"v=spf1 -all\""},
    {"t.example.com.", dns::type::txt, "\"two\" \"with \\\"quotes\\\" \\\\ and \\007\" \"\""},
    {"_sip._udp.example.com.", dns::type::srv, "10 60 5060 sip.example.com."},
    {"example.com.", dns::type::caa, "0 issue \"ca.example.net; account=1234\""},
    {"example.com.", dns::type::caa, "128 iodef \"mailto:security@example.com\""},
    {"_8443._foo.example.com.", dns::type::svcb,
     "1 svc.example.net. mandatory=alpn,port alpn=h2,h3 port=8443 ipv4hint=192.0.2.1,192.0.2.2 "
     "ech=aGVsbG8= ipv6hint=2001:db8::1,2001:db8::2 key65000=abc key65001"},
    {"example.com.", dns::type::https, "1 . alpn=h3,h2 no-default-alpn"},
    {"example.com.", dns::type::https, "0 pool.example.com."},
    {"example.com.", dns::type::ds, "12345 8 2 49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de"},
    {"example.com.", dns::type::dnskey,
     "257 3 8 AwEAAbOFAxl+Lkt0UMglZizKEC1AxUu8zlj65KYatR5wBWMrh18TYzK/"},
    {"example.com.", dns::type::rrsig,
     "A 8 2 300 20250101000000 20241201000000 12345 example.com. aGVsbG8gd29ybGQ="},
    {"example.com.", dns::type::rrsig, "TYPE1234 13 2 0 20260207062815 20240101000000 1 . AA=="},
    {"example.com.", dns::type::nsec, "host.example.com. A NS SOA MX RRSIG NSEC DNSKEY TYPE1234"},
    {"host.example.com.", dns::type::sshfp, "1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac"},
    {"_25._tcp.mail.example.com.", dns::type::tlsa,
     "3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"},
    {"example.com.", dns::type::naptr,
     "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ."},
    {"example.com.", dns::type::naptr, "100 50 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.com."},
    {"host.example.com.", dns::type::hinfo, "\"PC-Intel\" \"Linux 6\""},
    {"example.com.", 1234, "\\# 3 abcdef"},
};

// ldns's text made comparable with vitnet's. Each difference is one of form, not of content:
//   - ldns separates fields with tabs and ends an NSEC bitmap with a space; vitnet uses single
//     spaces: runs of blanks become one space, and the ends are trimmed.
//   - ldns adds a comment to a DNSKEY (";{id = 35869 (ksk), size = 304b}"); RFC 1035 comments
//     are not part of the record, so the text from the first unquoted ';' is dropped.
std::string normalise(std::string_view text) {
  std::string out;
  bool quoted = false, escaped = false;
  for (char c : text) {
    if (!quoted && c == ';') break;
    if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      quoted = !quoted;
    }
    if (!quoted && (c == '\t' || c == ' ' || c == '\n')) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string text_of(const ldns_rr* rr) {
  char* s = ldns_rr2str(rr);
  REQUIRE(s);
  std::string out = normalise(s);
  std::free(s);
  return out;
}

struct pkt_deleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using pkt_ptr = std::unique_ptr<ldns_pkt, pkt_deleter>;

dns::record record_of(const line& l) {
  auto r = dns_test::R(l.owner, l.type, l.data, 3600);
  return r;
}

}  // namespace

TEST_CASE("dns messages vitnet writes are read by ldns to the same records") {
  dns::message m;
  m.id = 0x5151;
  m.qr = m.aa = true;
  m.questions.push_back({.qname = dns_test::N("example.com."), .qtype = dns::type::any});
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // Spread over the three sections, so compression reaches across them.
    auto& section = i % 3 == 0 ? m.answers : i % 3 == 1 ? m.authority : m.additional;
    section.push_back(record_of(lines[i]));
  }
  m.opt = dns::edns{.udp_size = 1232, .dnssec_ok = true};
  const std::string bytes = dns::write(m);
  ldns_pkt* raw = nullptr;
  REQUIRE(ldns_wire2pkt(&raw, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) ==
          LDNS_STATUS_OK);
  pkt_ptr p(raw);
  CHECK(ldns_pkt_id(p.get()) == 0x5151);
  CHECK(ldns_pkt_edns_do(p.get()));
  CHECK(ldns_pkt_edns_udp_size(p.get()) == 1232);
  const std::vector<dns::record>* ours[3] = {&m.answers, &m.authority, &m.additional};
  ldns_rr_list* theirs[3] = {ldns_pkt_answer(p.get()), ldns_pkt_authority(p.get()),
                             ldns_pkt_additional(p.get())};
  for (int s = 0; s < 3; ++s) {
    REQUIRE(ldns_rr_list_rr_count(theirs[s]) == ours[s]->size());
    for (std::size_t i = 0; i < ours[s]->size(); ++i)
      CHECK(text_of(ldns_rr_list_rr(theirs[s], i)) == dns::record_to_string((*ours[s])[i]));
  }
}

TEST_CASE("dns messages ldns writes are read by vitnet to the same records") {
  pkt_ptr p(ldns_pkt_new());
  ldns_pkt_set_id(p.get(), 0x2a2a);
  ldns_pkt_set_qr(p.get(), true);
  ldns_rr* q = nullptr;
  REQUIRE(ldns_rr_new_question_frm_str(&q, "example.com. IN ANY", nullptr, nullptr) ==
          LDNS_STATUS_OK);
  ldns_pkt_push_rr(p.get(), LDNS_SECTION_QUESTION, q);
  std::vector<std::string> texts;
  for (const auto& l : lines) {
    const std::string text = l.owner + " 3600 IN " + dns::type_name(l.type) + " " + l.data;
    ldns_rr* rr = nullptr;
    CAPTURE(text);
    REQUIRE(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK);
    texts.push_back(text_of(rr));
    ldns_pkt_push_rr(p.get(), LDNS_SECTION_ANSWER, rr);
  }
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  REQUIRE(ldns_pkt2wire(&wire, p.get(), &size) == LDNS_STATUS_OK);
  const std::string bytes(reinterpret_cast<const char*>(wire), size);
  std::free(wire);
  auto r = dns::parse(bytes);
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(r.msg->id == 0x2a2a);
  REQUIRE(r.msg->answers.size() == lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string ours = dns::record_to_string(r.msg->answers[i]);
    CHECK(ours == texts[i]);
    // And the same as the text both started from.
    CHECK(ours ==
          lines[i].owner + " 3600 IN " + dns::type_name(lines[i].type) + " " + lines[i].data);
  }
  // ldns compresses names vitnet must follow: its message is smaller than the names in full.
  std::size_t full = 12 + 17;
  for (const auto& rr : r.msg->answers) full += rr.owner.wire().size() + 10 + rr.data.size();
  CHECK(bytes.size() < full);
}

#endif  // VITNET_HAVE_LDNS

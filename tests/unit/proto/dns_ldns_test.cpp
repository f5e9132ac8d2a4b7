// The DNS codec against ldns (NLnet Labs' DNS library, a test-only dependency: built when
// libldns-dev is installed, as `scripts/deps.sh test` does): every message vitnet writes, ldns
// reads to the same records, and every message ldns writes, vitnet reads to the same records.
// Records are compared as ldns prints them and as vitnet prints them, after these
// normalisations, each a difference of presentation, not of data:
//   - fields are compared with runs of blanks made one space (ldns separates with tabs);
//   - the whole line is compared in lower case (ldns prints hex in lower case, vitnet in upper);
//   - ldns's comments after a record (";{id = 2371 (ksk), size = 256b}" after a DNSKEY) are cut.
#ifdef VITNET_HAVE_LDNS
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "proto/dns/message.hpp"
#include "proto/dns/zone.hpp"

// ldns's C headers come last: they define macros (false, true) that break libstdc++'s own.
#include <ldns/ldns.h>

namespace pd = proto::dns;

namespace {

std::string normal(std::string s) {
  std::string out;
  bool blank = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out.push_back(' ');
    blank = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// The records of every section of an ldns packet, as ldns prints them.
std::vector<std::string> ldns_records(ldns_pkt* p) {
  std::vector<std::string> out;
  for (ldns_rr_list* list : {ldns_pkt_answer(p), ldns_pkt_authority(p), ldns_pkt_additional(p)}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      char* s = ldns_rr2str(ldns_rr_list_rr(list, i));
      std::string line = s;
      if (auto semi = line.find(" ;{"); semi != std::string::npos) line.resize(semi);
      if (auto semi = line.find("\t;{"); semi != std::string::npos) line.resize(semi);
      out.push_back(normal(line));
      free(s);
    }
  }
  return out;
}

std::vector<std::string> vitnet_records(const pd::message& m) {
  std::vector<std::string> out;
  for (auto* sec : {&m.answers, &m.authority, &m.additional})
    for (auto& r : *sec) out.push_back(normal(pd::record_to_string(r)));
  return out;
}

// Zone lines both sides read; chosen to cover every type vitnet knows by name whose
// presentation ldns 1.8 shares (SVCB/HTTPS are printed by ldns only as generic data).
const char* corpus =
    "$ORIGIN example.test.\n"
    "@ 300 IN SOA ns1 hostmaster 2026120401 3600 600 86400 60\n"
    "@ 300 IN NS ns1\n"
    "ns1 300 IN A 192.0.2.53\n"
    "www 300 IN AAAA 2001:db8::10\n"
    "alias 300 IN CNAME www\n"
    "@ 300 IN MX 10 mail\n"
    "@ 300 IN TXT \"v=spf1 -all\" \"second string\"\n"
    "_http._tcp 300 IN SRV 10 5 8080 www\n"
    "@ 300 IN CAA 0 issue \"ca.example\"\n"
    "10.2.0.192.in-addr.arpa. 300 IN PTR www\n"
    "@ 300 IN DS 12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE\n"
    "@ 300 IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
    "@ 300 IN RRSIG A 13 2 300 20261231000000 20261201000000 12345 example.test. aGVsbG8gd29ybGQ=\n"
    "@ 300 IN NSEC next.example.test. A NS SOA RRSIG NSEC\n"
    "@ 300 IN SSHFP 4 2 ABCDEF0123456789\n"
    "_443._tcp 300 IN TLSA 3 1 1 ABCDEF0123456789\n"
    "@ 300 IN HINFO \"cpu\" \"os\"\n"
    "@ 300 IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.test!\" .\n";

}  // namespace

TEST_CASE("dns messages vitnet writes are read by ldns to the same records") {
  auto z = pd::parse_zone(corpus);
  REQUIRE_MESSAGE(z.error.empty(), z.line, ": ", z.error);
  pd::message m;
  m.id = 4242;
  m.qr = m.aa = true;
  m.questions.push_back({*pd::name::parse("example.test."), pd::type::any, pd::rclass::in});
  m.answers = z.records;
  m.opt = pd::edns{};
  auto wire = pd::write(m);
  ldns_pkt* p = nullptr;
  REQUIRE(ldns_wire2pkt(&p, reinterpret_cast<const uint8_t*>(wire.data()), wire.size()) ==
          LDNS_STATUS_OK);
  CHECK(ldns_pkt_id(p) == 4242);
  CHECK(ldns_pkt_aa(p));
  CHECK(ldns_pkt_edns(p));
  auto theirs = ldns_records(p);
  auto ours = vitnet_records(m);
  REQUIRE(theirs.size() == ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) CHECK(theirs[i] == ours[i]);
  ldns_pkt_free(p);
}

TEST_CASE("dns messages ldns writes are read by vitnet to the same records") {
  ldns_pkt* p = ldns_pkt_new();
  ldns_pkt_set_id(p, 7);
  ldns_pkt_set_qr(p, true);
  ldns_rr_list* answers = ldns_rr_list_new();
  std::string text = corpus;
  std::size_t pos = text.find('\n') + 1;  // after $ORIGIN
  ldns_rdf* origin = ldns_dname_new_frm_str("example.test.");
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ldns_rr* rr = nullptr;
    REQUIRE_MESSAGE(ldns_rr_new_frm_str(&rr, line.c_str(), 300, origin, nullptr) == LDNS_STATUS_OK,
                    line);
    ldns_rr_list_push_rr(answers, rr);
  }
  ldns_pkt_push_rr_list(p, LDNS_SECTION_ANSWER, answers);
  uint8_t* wire = nullptr;
  size_t size = 0;
  REQUIRE(ldns_pkt2wire(&wire, p, &size) == LDNS_STATUS_OK);
  auto r = pd::parse(std::string_view(reinterpret_cast<const char*>(wire), size));
  REQUIRE_MESSAGE(r.msg, r.error);
  CHECK(r.msg->id == 7);
  auto theirs = ldns_records(p);
  auto ours = vitnet_records(*r.msg);
  REQUIRE(theirs.size() == ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) CHECK(theirs[i] == ours[i]);
  free(wire);
  ldns_rr_list_free(answers);
  ldns_rdf_deep_free(origin);
  ldns_pkt_free(p);
}
#endif

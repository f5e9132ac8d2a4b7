// serve dns's records: exact names, CNAME chains, wildcards at the closest encloser only, empty
// non-terminals, negative answers with the zone's SOA, names outside every zone; the three file
// formats; and --fault rules.
#include <doctest/doctest.h>

#include "commands/dns/faults.hpp"
#include "commands/dns/records.hpp"
#include "core/error.hpp"

namespace pd = proto::dns;
using commands::dns::record_set;

namespace {

pd::name n(const char* text) {
  return *pd::name::parse(text);
}

record_set zone() {
  return record_set::from_text(
      "$ORIGIN example.test.\n"
      "$TTL 300\n"
      "@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n"
      "www IN A 127.0.0.10\n"
      "alias IN CNAME www\n"
      "chain IN CNAME alias\n"
      "loop1 IN CNAME loop2\n"
      "loop2 IN CNAME loop1\n"
      "gone IN CNAME nowhere\n"
      "*.wild IN A 127.0.0.99\n"
      "real.wild IN TXT \"here\"\n"
      "_http._tcp IN SRV 1 1 80 www\n",
      "test.zone");
}

}  // namespace

TEST_CASE("dns records answer an exact name with the records of the type asked") {
  auto rs = zone();
  auto a = rs.lookup(n("www.example.test."), pd::type::a);
  REQUIRE(a);
  CHECK(a->rcode == pd::rcode::noerror);
  REQUIRE(a->answers.size() == 1);
  CHECK(pd::data_to_string(pd::type::a, a->answers[0].data) == "127.0.0.10");
  CHECK(a->authority.empty());
}

TEST_CASE("dns records answer a name without the type asked with no data and the SOA") {
  auto a = zone().lookup(n("www.example.test."), pd::type::mx);
  REQUIRE(a);
  CHECK(a->rcode == pd::rcode::noerror);
  CHECK(a->answers.empty());
  REQUIRE(a->authority.size() == 1);
  CHECK(a->authority[0].type == pd::type::soa);
}

TEST_CASE("dns records follow a CNAME chain through the names they hold") {
  auto a = zone().lookup(n("chain.example.test."), pd::type::a);
  REQUIRE(a);
  REQUIRE(a->answers.size() == 3);
  CHECK(a->answers[0].type == pd::type::cname);
  CHECK(a->answers[1].owner == n("alias.example.test."));
  CHECK(a->answers[2].type == pd::type::a);
  // Asked for the CNAME itself: only it.
  auto c = zone().lookup(n("chain.example.test."), pd::type::cname);
  REQUIRE(c);
  CHECK(c->answers.size() == 1);
}

TEST_CASE("dns records stop a CNAME loop and answer a dangling CNAME's target NXDOMAIN") {
  auto a = zone().lookup(n("loop1.example.test."), pd::type::a);
  REQUIRE(a);
  CHECK(a->answers.size() <= 10);
  auto g = zone().lookup(n("gone.example.test."), pd::type::a);
  REQUIRE(g);
  CHECK(g->rcode == pd::rcode::nxdomain);
  CHECK(g->answers.size() == 1);
}

TEST_CASE("dns records synthesise wildcard answers with the name asked") {
  auto a = zone().lookup(n("x.y.wild.example.test."), pd::type::a);
  REQUIRE(a);
  REQUIRE(a->answers.size() == 1);
  CHECK(a->answers[0].owner == n("x.y.wild.example.test."));
  // A name that exists is not covered by the wildcard (RFC 4592): no data for A.
  auto real = zone().lookup(n("real.wild.example.test."), pd::type::a);
  REQUIRE(real);
  CHECK(real->answers.empty());
  CHECK(real->rcode == pd::rcode::noerror);
  // Below an existing name, the wildcard of its parent does not apply either.
  auto below = zone().lookup(n("x.real.wild.example.test."), pd::type::a);
  REQUIRE(below);
  CHECK(below->rcode == pd::rcode::nxdomain);
}

TEST_CASE("dns records answer an empty non-terminal with no data, not NXDOMAIN") {
  auto a = zone().lookup(n("_tcp.example.test."), pd::type::srv);
  REQUIRE(a);
  CHECK(a->rcode == pd::rcode::noerror);
  CHECK(a->answers.empty());
}

TEST_CASE("dns records answer NXDOMAIN inside their zone and nothing outside it") {
  auto a = zone().lookup(n("nosuch.example.test."), pd::type::a);
  REQUIRE(a);
  CHECK(a->rcode == pd::rcode::nxdomain);
  REQUIRE(a->authority.size() == 1);
  CHECK_FALSE(zone().lookup(n("www.other.test."), pd::type::a));
}

TEST_CASE("dns records read a hosts file with reverse names for each address's first name") {
  auto rs = record_set::from_text("# comment\n127.0.0.5 db.test db\n::1 six.test\n", "hosts");
  CHECK(rs.format() == "hosts");
  auto a = rs.lookup(n("db."), pd::type::a);
  REQUIRE(a);
  CHECK(a->answers.size() == 1);
  auto ptr = rs.lookup(n("5.0.0.127.in-addr.arpa."), pd::type::ptr);
  REQUIRE(ptr);
  REQUIRE(ptr->answers.size() == 1);
  CHECK(pd::data_to_string(pd::type::ptr, ptr->answers[0].data) == "db.test.");
  auto six = rs.lookup(n("six.test."), pd::type::aaaa);
  REQUIRE(six);
  CHECK(six->answers.size() == 1);
}

TEST_CASE("dns records name the file and line of a bad record") {
  try {
    (void)record_set::from_text("a.test. 60 IN A 127.0.0.1\nb.test. 60 IN A nope\n", "bad.zone");
    FAIL("no error");
  } catch (const vitnet::error& e) {
    CHECK(e.code() == core::exit_code::data);
    CHECK(std::string(e.what()).starts_with("bad.zone:2:"));
  }
  try {
    (void)record_set::from_text("10.0.0.1\n", "hosts");
    FAIL("no error");
  } catch (const vitnet::error& e) {
    CHECK(std::string(e.what()) == "hosts:1: no name for 10.0.0.1");
  }
}

TEST_CASE("dns records read TOML with records and faults") {
  auto rs = record_set::from_text(
      "origin = \"svc.test\"\nttl = 30\nfaults = [\"slow=delay:1s\"]\n"
      "[[record]]\nname = \"api\"\ntype = \"A\"\ndata = \"127.0.0.1\"\n",
      "r.toml");
  CHECK(rs.format() == "toml");
  auto a = rs.lookup(n("api.svc.test."), pd::type::a);
  REQUIRE(a);
  REQUIRE(a->answers.size() == 1);
  CHECK(a->answers[0].ttl == 30);
  REQUIRE(rs.faults().size() == 1);
  CHECK(rs.faults()[0].delay == std::chrono::seconds(1));
}

TEST_CASE("dns fault rules match names, names below a zone and types") {
  std::string err;
  auto all = commands::dns::parse_fault("servfail", err);
  REQUIRE(all);
  CHECK(all->matches(n("any.test."), pd::type::a));
  auto one = commands::dns::parse_fault("www.test/AAAA=refused,25%", err);
  REQUIRE(one);
  CHECK(one->probability == doctest::Approx(0.25));
  CHECK(one->rcode == pd::rcode::refused);
  CHECK(one->matches(n("WWW.test."), pd::type::aaaa));
  CHECK_FALSE(one->matches(n("www.test."), pd::type::a));
  auto below = commands::dns::parse_fault("*.slow.test=delay:250ms,drop", err);
  REQUIRE(below);
  CHECK(below->matches(n("a.b.slow.test."), pd::type::a));
  CHECK_FALSE(below->matches(n("slow.test."), pd::type::a));
  CHECK(below->drop);
  CHECK_FALSE(commands::dns::parse_fault("x.test=", err));
  CHECK_FALSE(commands::dns::parse_fault("50%", err));
  CHECK(err == "a probability needs an action to apply");
  CHECK_FALSE(commands::dns::parse_fault("x.test=rcode:BOGUS", err));
  CHECK_FALSE(commands::dns::parse_fault("x.test=delay:forever", err));
}

TEST_CASE("dns records refer names below a zone cut to its name servers, with glue") {
  auto rs = record_set::from_text(
      "$ORIGIN test.\n"
      "@ IN SOA ns admin 1 2 3 4 5\n"
      "@ IN NS ns\n"
      "ns IN A 127.0.0.1\n"
      "sub IN NS ns.sub\n"
      "ns.sub IN A 127.0.0.2\n",
      "parent.zone");
  auto a = rs.lookup(n("www.sub.test."), pd::type::a);
  REQUIRE(a);
  CHECK(a->referral);
  CHECK(a->answers.empty());
  REQUIRE(a->authority.size() == 1);
  CHECK(a->authority[0].type == pd::type::ns);
  REQUIRE(a->additional.size() == 1);
  CHECK(pd::data_to_string(pd::type::a, a->additional[0].data) == "127.0.0.2");
  // The apex's own NS records are answers, not a referral.
  auto apex = rs.lookup(n("test."), pd::type::ns);
  REQUIRE(apex);
  CHECK_FALSE(apex->referral);
  CHECK(apex->answers.size() == 1);
}

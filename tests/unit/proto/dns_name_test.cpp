// DNS names: presentation text with escapes and origins, the wire form's limits, comparison and
// the registries' mnemonics.
#include <doctest/doctest.h>

#include <string>

#include "proto/dns/message.hpp"
#include "tests/unit/proto/dns_test_util.hpp"

namespace dns = proto::dns;
using dns_test::N;
using namespace std::string_literals;

TEST_CASE("dns name parses absolute, relative and origin names") {
  CHECK(N("www.example.com.").wire() == "\3www\7example\3com\0"s);
  CHECK(N(".").is_root());
  const auto origin = N("example.com.");
  CHECK(dns::name::parse("www", &origin)->to_string() == "www.example.com.");
  CHECK(dns::name::parse("@", &origin)->to_string() == "example.com.");
  CHECK(dns::name::parse("www")->to_string() == "www.");
  CHECK(N("www.example.com").to_string() == "www.example.com.");
}

TEST_CASE("dns name reads escapes and writes them back") {
  auto n = N("a\\.b.c\\032d.\\\\x.");
  CHECK(n.label_count() == 3);
  CHECK(n.label(0) == "a.b");
  CHECK(n.label(1) == "c d");
  CHECK(n.label(2) == "\\x");
  CHECK(n.to_string() == "a\\.b.c\\ d.\\\\x.");
  CHECK(N("\\000\\255.").to_string() == "\\000\\255.");
  CHECK(N("semi\\;colon.").to_string() == "semi\\;colon.");
  CHECK(dns::name::parse(n.to_string()) == n);
}

TEST_CASE("dns name refuses empty labels, long labels, long names and bad escapes") {
  CHECK_FALSE(dns::name::parse(""));
  CHECK_FALSE(dns::name::parse("a..b"));
  CHECK_FALSE(dns::name::parse(".a"));
  CHECK_FALSE(dns::name::parse(std::string(64, 'a')));
  CHECK(dns::name::parse(std::string(63, 'a')));
  std::string long_name;
  for (int i = 0; i < 4; ++i) long_name += std::string(63, 'a') + ".";
  CHECK_FALSE(dns::name::parse(long_name));      // 4 * 64 + 1 = 257 bytes
  CHECK(dns::name::parse(long_name.substr(2)));  // 255 bytes
  CHECK_FALSE(dns::name::parse("a\\25"));
  CHECK_FALSE(dns::name::parse("a\\256"));
  CHECK_FALSE(dns::name::parse("a\\"));
}

TEST_CASE("dns name compares ignoring case and keeps its case") {
  CHECK(N("WWW.Example.COM.") == N("www.example.com."));
  CHECK(N("WWW.Example.COM.").to_string() == "WWW.Example.COM.");
  CHECK(N("WWW.Example.COM.").key() == N("www.example.com.").key());
  CHECK_FALSE(N("www.example.com.") == N("www.example.org."));
}

TEST_CASE("dns name walks its labels and parents") {
  auto n = N("a.b.example.");
  CHECK(n.parent() == N("b.example."));
  CHECK(N(".").parent().is_root());
  CHECK(n.is_subdomain_of(N("EXAMPLE.")));
  CHECK(n.is_subdomain_of(N(".")));
  CHECK(n.is_subdomain_of(n));
  CHECK_FALSE(n.is_subdomain_of(N("b.example.com.")));
  CHECK_FALSE(N("xexample.").is_subdomain_of(N("example.")));
  CHECK(n.prepend("x")->to_string() == "x.a.b.example.");
  CHECK_FALSE(n.prepend(""));
  CHECK_FALSE(n.prepend(std::string(64, 'x')));
}

TEST_CASE("dns name from wire takes only a whole uncompressed name") {
  CHECK(dns::name::from_wire("\3www\0"s));
  CHECK_FALSE(dns::name::from_wire("\3www"s));
  CHECK_FALSE(dns::name::from_wire("\3www\0\0"s));
  CHECK_FALSE(dns::name::from_wire("\xc0\x0c"s));
  CHECK_FALSE(dns::name::from_wire(""));
}

TEST_CASE("dns tables name types, classes, rcodes, opcodes and extended errors both ways") {
  CHECK(dns::type_name(dns::type::aaaa) == "AAAA");
  CHECK(dns::type_name(1234) == "TYPE1234");
  CHECK(dns::type_from_name("aaaa") == dns::type::aaaa);
  CHECK(dns::type_from_name("TYPE1") == dns::type::a);
  CHECK(dns::type_from_name("type65535") == 65535);
  CHECK_FALSE(dns::type_from_name("TYPE65536"));
  CHECK_FALSE(dns::type_from_name("TYPE"));
  CHECK_FALSE(dns::type_from_name("BOGUS"));
  CHECK(dns::class_name(dns::rclass::ch) == "CH");
  CHECK(dns::class_name(77) == "CLASS77");
  CHECK(dns::class_from_name("in") == dns::rclass::in);
  CHECK(dns::class_from_name("CLASS3") == dns::rclass::ch);
  CHECK(dns::rcode_name(dns::rcode::nxdomain) == "NXDOMAIN");
  CHECK(dns::rcode_name(dns::rcode::badvers) == "BADVERS");
  CHECK(dns::rcode_name(3841) == "RCODE3841");
  CHECK(dns::rcode_from_name("servfail") == dns::rcode::servfail);
  CHECK_FALSE(dns::rcode_from_name("RCODE4096"));
  CHECK(dns::opcode_name(dns::opcode::notify) == "NOTIFY");
  CHECK(dns::opcode_name(7) == "OPCODE7");
  CHECK(dns::extended_error_name(3) == "Stale Answer");
  CHECK(dns::extended_error_name(18) == "Prohibited");
  CHECK(dns::extended_error_name(999) == "");
}

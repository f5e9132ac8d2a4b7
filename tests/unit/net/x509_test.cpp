#include "net/x509/x509.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "commands/tls/tls.hpp"
#include "core/error.hpp"

namespace x509 = net::x509;
using namespace std::chrono_literals;

namespace {

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

x509::cert_spec spec_for(x509::profile kind, std::vector<std::string> names = {},
                         std::string cn = {}) {
  x509::cert_spec s;
  s.kind = kind;
  s.names = std::move(names);
  s.common_name = std::move(cn);
  auto now = std::chrono::system_clock::now();
  s.not_before = now - 1min;
  s.not_after = now + 24h * 30;
  return s;
}

// A root, an intermediate below it, and the authority objects to sign with.
struct pki {
  x509::issued root, inter;
  x509::authority root_auth, inter_auth;
  pki() {
    root = x509::issue(spec_for(x509::profile::root_ca, {}, "test root"), x509::key_type::ec_p256,
                       nullptr);
    root_auth = {root.cert_pem, root.key_pem};
    inter = x509::issue(spec_for(x509::profile::intermediate_ca, {}, "test intermediate"),
                        x509::key_type::ec_p256, &root_auth);
    inter_auth = {inter.cert_pem, inter.key_pem};
  }
};

int code_of(auto&& f) {
  try {
    f();
  } catch (const vitnet::error& e) {
    return core::to_int(e.code());
  }
  return 0;
}

}  // namespace

TEST_CASE("x509 names are typed by their form") {
  using k = x509::san::kind;
  CHECK(x509::classify_name("localhost").type == k::dns);
  CHECK(x509::classify_name("Example.COM.").value == "example.com");
  CHECK(x509::classify_name("*.example.com").type == k::dns);
  CHECK(x509::classify_name("127.0.0.1").type == k::ip);
  CHECK(x509::classify_name("::1").type == k::ip);
  CHECK(x509::classify_name("[::1]").value == "::1");
  CHECK(x509::classify_name("2001:DB8::1").value == "2001:db8::1");
  CHECK(x509::classify_name("ops@Example.com").type == k::email);
  CHECK(x509::classify_name("ops@Example.com").value == "ops@example.com");
  CHECK(x509::classify_name("spiffe://corp/api").type == k::uri);
  CHECK(x509::classify_name("my_service").type == k::dns);
  CHECK(x509::to_string(x509::classify_name("10.0.0.1")) == "IP:10.0.0.1");
}

TEST_CASE("x509 refuses names no verifier would match") {
  for (const char* bad : {"", "exa mple.com", "*.com", "foo.*.example.com", "a..b", "-a.example",
                          "caf\xc3\xa9.example", "1.2.3.999", "host:80", "@example.com"})
    CHECK_MESSAGE(code_of([&] { x509::classify_name(bad); }) == 64, bad);
}

TEST_CASE("x509 name constraints parse DNS names and IP blocks") {
  auto d = x509::parse_name_constraint("DNS:Example.com");
  CHECK(!d.ip);
  CHECK(d.value == "example.com");
  auto i = x509::parse_name_constraint("IP:10.1.2.3/8");
  CHECK(i.ip);
  CHECK(i.value == "10.0.0.0/8");
  CHECK(code_of([] { x509::parse_name_constraint("example.com"); }) == 64);
  CHECK(code_of([] { x509::parse_name_constraint("IP:10.0.0.0/33"); }) == 64);
}

TEST_CASE("x509 self-signed server certificate has the leaf profile and its names") {
  auto c = x509::self_signed_server({"localhost", "127.0.0.1", "::1"});
  CHECK(c.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
  CHECK(c.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  CHECK(c.sha256 == x509::fingerprint_sha256(c.cert_pem));
  CHECK(c.sha256.size() == 32 * 3 - 1);
  CHECK(x509::key_matches(c.cert_pem, c.key_pem));
  auto i = x509::describe_cert(c.cert_pem);
  CHECK(i.subject == "CN=localhost");
  CHECK(i.self_signed);
  CHECK(!i.is_ca);
  CHECK(i.key == "ec p256");
  CHECK(i.key_usage == std::vector<std::string>{"digitalSignature"});
  CHECK(i.ext_key_usage == std::vector<std::string>{"serverAuth"});
  CHECK(i.names == std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1"});
  CHECK(!i.subject_key_id.empty());
  CHECK(i.authority_key_id.empty());
  CHECK(has(i.critical, "basicConstraints"));
  CHECK(has(i.critical, "keyUsage"));
  CHECK(i.not_after_unix - i.not_before_unix == 7 * 86400 + 60);
}

TEST_CASE("x509 serials are 128 random bits, positive and unique over 100 certificates") {
  std::set<std::string> seen;
  for (int n = 0; n < 100; ++n) {
    auto i = x509::describe_cert(x509::self_signed_server({"localhost"}).cert_pem);
    CHECK(i.serial.size() <= 32);
    CHECK(i.serial.size() >= 16);  // 2^-64 odds of a false failure
    CHECK(i.serial.find('-') == std::string::npos);
    seen.insert(i.serial);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("x509 root CA profile: critical CA:TRUE without pathlen, certSign, no EKU, no AKI") {
  pki p;
  auto i = x509::describe_cert(p.root.cert_pem);
  CHECK(i.is_ca);
  CHECK(!i.path_len);
  CHECK(i.self_signed);
  CHECK(i.subject == "CN=test root");
  CHECK(i.key_usage == std::vector<std::string>{"keyCertSign", "cRLSign"});
  CHECK(i.ext_key_usage.empty());
  CHECK(!i.subject_key_id.empty());
  CHECK(i.authority_key_id.empty());
  CHECK(has(i.critical, "basicConstraints"));
  CHECK(has(i.critical, "keyUsage"));
  CHECK(i.version == 3);
}

TEST_CASE("x509 intermediate CA profile: pathlen 0 and an AKI naming the root") {
  pki p;
  auto root = x509::describe_cert(p.root.cert_pem);
  auto i = x509::describe_cert(p.inter.cert_pem);
  CHECK(i.is_ca);
  REQUIRE(i.path_len);
  CHECK(*i.path_len == 0);
  CHECK(!i.self_signed);
  CHECK(i.issuer == "CN=test root");
  CHECK(i.authority_key_id == root.subject_key_id);
  CHECK(i.key_usage == std::vector<std::string>{"keyCertSign", "cRLSign"});
  CHECK(has(i.critical, "basicConstraints"));
}

TEST_CASE("x509 server and client leaves carry the EKU of their purpose") {
  pki p;
  auto s = x509::describe_cert(
      x509::issue(spec_for(x509::profile::server, {"www.example.com", "*.example.com", "10.0.0.1"}),
                  x509::key_type::ec_p256, &p.inter_auth)
          .cert_pem);
  CHECK(s.subject == "CN=www.example.com");
  CHECK(s.names ==
        std::vector<std::string>{"DNS:www.example.com", "DNS:*.example.com", "IP:10.0.0.1"});
  CHECK(s.ext_key_usage == std::vector<std::string>{"serverAuth"});
  CHECK(s.key_usage == std::vector<std::string>{"digitalSignature"});
  CHECK(!s.is_ca);
  CHECK(s.authority_key_id == x509::describe_cert(p.inter.cert_pem).subject_key_id);
  auto c = x509::describe_cert(x509::issue(spec_for(x509::profile::client, {"alice@example.com"}),
                                           x509::key_type::ec_p256, &p.root_auth)
                                   .cert_pem);
  CHECK(c.ext_key_usage == std::vector<std::string>{"clientAuth"});
  CHECK(c.names == std::vector<std::string>{"email:alice@example.com"});
}

TEST_CASE("x509 RSA leaves add keyEncipherment; Ed25519 and P-384 leaves do not") {
  pki p;
  auto rsa = x509::describe_cert(x509::issue(spec_for(x509::profile::server, {"a.test"}),
                                             x509::key_type::rsa2048, &p.root_auth)
                                     .cert_pem);
  CHECK(rsa.key == "rsa 2048");
  CHECK(rsa.key_usage == std::vector<std::string>{"digitalSignature", "keyEncipherment"});
  for (auto t : {x509::key_type::ed25519, x509::key_type::ec_p384}) {
    auto i = x509::describe_cert(
        x509::issue(spec_for(x509::profile::server, {"a.test"}), t, &p.root_auth).cert_pem);
    CHECK(i.key_usage == std::vector<std::string>{"digitalSignature"});
  }
  auto ed = x509::issue(spec_for(x509::profile::root_ca, {}, "ed root"), x509::key_type::ed25519,
                        nullptr);
  CHECK(x509::describe_cert(ed.cert_pem).signature_algorithm == "ED25519");
}

TEST_CASE("x509 name constraints on a CA are permitted subtrees") {
  auto s = spec_for(x509::profile::root_ca, {}, "constrained");
  s.permitted = {x509::parse_name_constraint("DNS:example.com"),
                 x509::parse_name_constraint("IP:10.0.0.0/8"),
                 x509::parse_name_constraint("IP:fd00::/8")};
  auto ca = x509::issue(s, x509::key_type::ec_p256, nullptr);
  auto i = x509::describe_cert(ca.cert_pem);
  CHECK(i.permitted == std::vector<std::string>{"DNS:example.com", "IP:10.0.0.0/8", "IP:fd00::/8"});
  CHECK(has(i.critical, "nameConstraints"));
}

TEST_CASE("x509 refuses to sign with a mismatched key, a non-CA, or below pathlen 0") {
  pki p;
  auto other =
      x509::issue(spec_for(x509::profile::root_ca, {}, "other"), x509::key_type::ec_p256, nullptr);
  x509::authority wrong{p.root.cert_pem, other.key_pem};
  CHECK(code_of([&] {
          x509::issue(spec_for(x509::profile::server, {"a.test"}), x509::key_type::ec_p256, &wrong);
        }) == 65);
  auto leaf = x509::issue(spec_for(x509::profile::server, {"a.test"}), x509::key_type::ec_p256,
                          &p.root_auth);
  x509::authority not_ca{leaf.cert_pem, leaf.key_pem};
  CHECK(code_of([&] {
          x509::issue(spec_for(x509::profile::server, {"b.test"}), x509::key_type::ec_p256,
                      &not_ca);
        }) == 65);
  CHECK(code_of([&] {
          x509::issue(spec_for(x509::profile::intermediate_ca, {}, "deeper"),
                      x509::key_type::ec_p256, &p.inter_auth);
        }) == 65);
}

TEST_CASE("x509 verify names the reason a chain fails") {
  pki p;
  auto leaf = x509::issue(spec_for(x509::profile::server, {"localhost", "127.0.0.1"}),
                          x509::key_type::ec_p256, &p.inter_auth);
  std::string chain = leaf.cert_pem + p.inter.cert_pem;
  x509::verify_options o;
  o.trusted_pem = p.root.cert_pem;
  o.host = "localhost";
  o.use = x509::purpose::server;
  auto ok = x509::verify(chain, o);
  CHECK(ok.valid);
  CHECK(ok.chain.size() == 3);

  auto with = [&](auto change) {
    auto v = o;
    change(v);
    return x509::verify(chain, v).reason;
  };
  CHECK(with([](auto& v) { v.host = "example.com"; }) == "name mismatch");
  CHECK(with([](auto& v) { v.host.clear(), v.ip = "127.0.0.2"; }) == "name mismatch");
  CHECK(with([](auto& v) { v.host.clear(), v.ip = "127.0.0.1"; }) == "");
  CHECK(with([](auto& v) { v.use = x509::purpose::client; }) == "wrong purpose");
  CHECK(with([](auto& v) { v.at = std::chrono::system_clock::now() + 24h * 40; }) == "expired");
  CHECK(with([](auto& v) { v.at = std::chrono::system_clock::now() - 24h; }) == "not yet valid");
  auto stranger = x509::issue(spec_for(x509::profile::root_ca, {}, "stranger"),
                              x509::key_type::ec_p256, nullptr);
  CHECK(with([&](auto& v) { v.trusted_pem = stranger.cert_pem; }) == "untrusted");
  // Without the intermediate the chain cannot be built.
  CHECK(x509::verify(leaf.cert_pem, o).reason == "untrusted");
  o.untrusted_pem = p.inter.cert_pem;
  CHECK(x509::verify(leaf.cert_pem, o).valid);
}

TEST_CASE("x509 verify reports a name outside the CA's constraints") {
  auto s = spec_for(x509::profile::root_ca, {}, "constrained");
  s.permitted = {x509::parse_name_constraint("DNS:example.com")};
  auto ca = x509::issue(s, x509::key_type::ec_p256, nullptr);
  x509::authority auth{ca.cert_pem, ca.key_pem};
  x509::verify_options o;
  o.trusted_pem = ca.cert_pem;
  auto inside = x509::issue(spec_for(x509::profile::server, {"www.example.com"}),
                            x509::key_type::ec_p256, &auth);
  CHECK(x509::verify(inside.cert_pem, o).valid);
  auto outside =
      x509::issue(spec_for(x509::profile::server, {"evil.test"}), x509::key_type::ec_p256, &auth);
  CHECK(x509::verify(outside.cert_pem, o).reason == "name-constraint violation");
}

TEST_CASE("x509 csr carries its names and signs into a leaf of the asked profile") {
  pki p;
  auto csr = x509::make_csr({"api.example.com", "10.0.0.7"}, x509::key_type::ec_p256);
  auto r = x509::inspect(csr.cert_pem);
  CHECK(r.kind == "csr");
  REQUIRE(r.csrs.size() == 1);
  CHECK(r.csrs[0].signature_valid);
  CHECK(r.csrs[0].names == std::vector<std::string>{"DNS:api.example.com", "IP:10.0.0.7"});
  auto signed_ = x509::sign_csr(csr.cert_pem, spec_for(x509::profile::client), p.root_auth);
  CHECK(signed_.key_pem.empty());
  CHECK(x509::key_matches(signed_.cert_pem, csr.key_pem));
  auto i = x509::describe_cert(signed_.cert_pem);
  CHECK(i.subject == "CN=api.example.com");
  CHECK(i.names == std::vector<std::string>{"DNS:api.example.com", "IP:10.0.0.7"});
  CHECK(i.ext_key_usage == std::vector<std::string>{"clientAuth"});
  std::string tampered = csr.cert_pem;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  CHECK(code_of([&] { x509::sign_csr(tampered, spec_for(x509::profile::server), p.root_auth); }) ==
        65);
}

TEST_CASE("x509 pkcs12 opens with its password and holds the key, leaf and chain") {
  pki p;
  auto leaf = x509::issue(spec_for(x509::profile::server, {"localhost"}), x509::key_type::ec_p256,
                          &p.inter_auth);
  auto der = x509::to_pkcs12(leaf.cert_pem, leaf.key_pem, p.inter.cert_pem, "s3cret", "localhost");
  std::string pass = "s3cret";
  auto r = x509::inspect(der, &pass);
  CHECK(r.kind == "pkcs12");
  CHECK(r.certs.size() == 2);
  CHECK(r.keys.size() == 1);
  CHECK(r.key_matches_cert == true);
  std::string wrong = "nope";
  CHECK(code_of([&] { x509::inspect(der, &wrong); }) == 65);
  auto empty = x509::to_pkcs12(leaf.cert_pem, leaf.key_pem, "", "", "");
  CHECK(x509::inspect(empty).kind == "pkcs12");
}

TEST_CASE("x509 inspect tells certificates, chains, keys and bundles apart") {
  pki p;
  CHECK(x509::inspect(p.root.cert_pem).kind == "certificate");
  CHECK(x509::inspect(p.inter.cert_pem + p.root.cert_pem).kind == "chain");
  CHECK(x509::inspect(p.root.key_pem).kind == "key");
  auto b = x509::inspect(p.root.cert_pem + p.root.key_pem);
  CHECK(b.kind == "bundle");
  CHECK(b.key_matches_cert == true);
  CHECK(x509::inspect(p.root.cert_pem + p.inter.key_pem).key_matches_cert == false);
  CHECK(code_of([] { x509::inspect("hello"); }) == 65);
  CHECK(code_of([] {
          x509::inspect("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        }) == 65);
  CHECK(x509::split_certificates(p.inter.cert_pem + p.root.cert_pem).size() == 2);
}

TEST_CASE("tls times parse dates, datetimes, offsets, unix seconds and relative days") {
  using commands::parse_time;
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  auto secs = [](auto t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
  };
  CHECK(secs(parse_time("2030-01-31", now)) == 1896048000);
  CHECK(secs(parse_time("2030-01-31T12:00:00Z", now)) == 1896048000 + 43200);
  CHECK(secs(parse_time("2030-01-31 12:00", now)) == 1896048000 + 43200);
  CHECK(secs(parse_time("2030-01-31T12:00:00+02:00", now)) == 1896048000 + 36000);
  CHECK(secs(parse_time("@1700000000", now)) == 1700000000);
  CHECK(secs(parse_time("+90d", now)) == 1700000000 + 90 * 86400);
  CHECK(secs(parse_time("-1h", now)) == 1700000000 - 3600);
  for (const char* bad : {"", "2030-02-31", "2030-1-1", "tomorrow", "+5y", "@", "2030-01-31T25:00"})
    CHECK_MESSAGE(!parse_time(bad, now), bad);
}

TEST_CASE("tls file names come from the first name") {
  CHECK(commands::file_base_for("localhost") == "localhost");
  CHECK(commands::file_base_for("*.example.com") == "_wildcard.example.com");
  CHECK(commands::file_base_for("spiffe://corp/api") == "spiffe:__corp_api");
}

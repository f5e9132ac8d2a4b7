// TLS on the mock network: every way a handshake can end, decided by OpenSSL on in-memory
// streams, in virtual time (certificates too are checked against the virtual calendar).
#include "net/tls/tls.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/exit_code.hpp"
#include "core/files.hpp"
#include "net/x509/x509.hpp"
#include "two_hosts.hpp"

using namespace std::chrono_literals;
namespace x509 = net::x509;

namespace {

// A directory of PEM files that lives as long as the test.
struct pem_dir {
  pem_dir() {
    path = std::filesystem::temp_directory_path() /
           ("vitnet-tls-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
    std::filesystem::create_directories(path);
  }
  ~pem_dir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) {
    auto p = (path / name).string();
    std::ofstream(p) << text;
    return p;
  }
  std::filesystem::path path;
  static inline int count = 0;
};

x509::cert_spec spec(x509::profile kind, std::vector<std::string> names, std::string cn,
                     std::chrono::hours from, std::chrono::hours to) {
  x509::cert_spec s;
  s.kind = kind;
  s.names = std::move(names);
  s.common_name = std::move(cn);
  auto now = std::chrono::system_clock::now();
  s.not_before = now + from;
  s.not_after = now + to;
  return s;
}

// A root CA and what it issues, written as files.
struct pki {
  x509::issued root = x509::issue(spec(x509::profile::root_ca, {}, "unit root", -1h, 24h * 30),
                                  x509::key_type::ec_p256, nullptr);
  x509::authority by{root.cert_pem, root.key_pem};
  pem_dir dir;
  std::string ca = dir.write("ca.pem", root.cert_pem);

  // A leaf valid from `from` to `to` (relative to now), as cert and key files.
  std::pair<std::string, std::string> leaf(const std::string& name, x509::profile kind,
                                           std::vector<std::string> names,
                                           std::chrono::hours from = -1h,
                                           std::chrono::hours to = 24h) {
    auto l = x509::issue(spec(kind, std::move(names), "", from, to), x509::key_type::ec_p256, &by);
    return {dir.write(name + ".pem", l.cert_pem), dir.write(name + "-key.pem", l.key_pem)};
  }
};

// How one side's part ended.
struct outcome {
  int code = -1;  // -1: never finished; 0: succeeded; else the exit code of the error thrown
  std::string message;
  std::string echoed;
  net::tls_info info;
  net::duration at{};
};

int code_of(const vitnet::error& e) {
  return core::to_int(e.code());
}

// b, port 7: one TLS connection, echoed until it ends.
net::task<void> tls_echo(net::context& ctx, const net::tls_server& server, outcome& out) {
  auto where = unit::tcp("", 7);
  auto l = co_await ctx.listen(where);
  auto [ec, raw] = co_await l.accept();
  try {
    auto s = co_await net::tls_accept(ctx, std::move(raw), server, 5s, &out.info);
    out.code = 0;
    char buf[4096];
    for (;;) {
      auto r = co_await s.read_some(buf);
      if (r.ec) break;
      co_await s.write_all({buf, r.n});
    }
  } catch (const vitnet::error& e) {
    out.code = code_of(e);
    out.message = e.what();
  }
}

// a: after `wait`, TLS to b:7 with `o`, "hello" there and back.
net::task<void> tls_hello(unit::two_hosts& f, net::tls_client_options o, outcome& out,
                          net::duration wait = {}) {
  if (wait > net::duration{}) co_await f.ca->sleep(wait);
  try {
    auto where = unit::tcp("b", 7);
    auto raw = co_await net::dial(*f.ca, where);
    auto s = co_await net::tls_connect(*f.ca, std::move(raw), o, 5s, &out.info);
    co_await s.write_all(std::string_view("hello"));
    char buf[16];
    auto r = co_await s.read_some(buf);
    out.echoed.assign(buf, r.n);
    out.code = 0;
    s.close();
  } catch (const vitnet::error& e) {
    out.code = code_of(e);
    out.message = e.what();
  }
  out.at = f.w.elapsed();
}

net::tls_client_options trusting(const std::string& ca, const std::string& name = "b") {
  net::tls_client_options o;
  o.ca_file = ca;
  o.server_name = name;
  return o;
}

// Runs a client against a server built from `so`; returns both sides' outcomes.
std::pair<outcome, outcome> handshake(const net::tls_server_options& so,
                                      const net::tls_client_options& co, net::duration wait = {}) {
  unit::two_hosts f;
  net::tls_server server(so);
  outcome srv, cli;
  f.spawn(tls_echo(*f.cb, server, srv));
  f.spawn(tls_hello(f, co, cli, wait));
  f.w.run(100h, 20s);
  return {srv, cli};
}

}  // namespace

TEST_CASE("a client that trusts the issuing CA completes the handshake and bytes pass both ways") {
  pki p;
  auto [cert, key] = p.leaf("b", x509::profile::server, {"b"});
  auto [srv, cli] = handshake({.cert_file = cert, .key_file = key}, trusting(p.ca));
  CHECK(srv.code == 0);
  REQUIRE(cli.code == 0);
  CHECK(cli.echoed == "hello");
  CHECK(cli.info.version == "TLSv1.3");
  CHECK(net::parse_pin(cli.info.peer_sha256) ==
        net::parse_pin(x509::fingerprint_sha256(core::read_file(cert))));
}

TEST_CASE("a certificate from another issuer fails verification with 76 and a reason") {
  pki p, other;
  auto [cert, key] = p.leaf("b", x509::profile::server, {"b"});
  auto [srv, cli] = handshake({.cert_file = cert, .key_file = key}, trusting(other.ca));
  CHECK(cli.code == 76);
  CHECK(cli.message.find("certificate verify failed") != std::string::npos);
  CHECK(cli.message.find(":7: ") != std::string::npos);  // names the peer
  CHECK(cli.message.find("check --ca") != std::string::npos);
  CHECK(srv.code == 76);  // the server saw the alert
}

TEST_CASE("a certificate for another name is refused") {
  pki p;
  auto [cert, key] = p.leaf("b", x509::profile::server, {"c.example"});
  auto [srv, cli] = handshake({.cert_file = cert, .key_file = key}, trusting(p.ca));
  CHECK(cli.code == 76);
  CHECK(cli.message.find("hostname mismatch") != std::string::npos);
}

TEST_CASE("an expired certificate is named as expired, one not yet valid as such") {
  pki p;
  SUBCASE("expired") {
    auto [cert, key] = p.leaf("b", x509::profile::server, {"b"}, -48h, -1h);
    auto [srv, cli] = handshake({.cert_file = cert, .key_file = key}, trusting(p.ca));
    CHECK(cli.code == 76);
    CHECK(cli.message.find("has expired") != std::string::npos);
  }
  SUBCASE("not yet valid") {
    auto [cert, key] = p.leaf("b", x509::profile::server, {"b"}, 24h, 72h);
    auto [srv, cli] = handshake({.cert_file = cert, .key_file = key}, trusting(p.ca));
    CHECK(cli.code == 76);
    CHECK(cli.message.find("not valid yet") != std::string::npos);
  }
}

TEST_CASE("on the mock network certificates are checked against virtual time") {
  pki p;
  // Valid from a day after now: a client that waits two virtual days is served.
  auto [cert, key] = p.leaf("b", x509::profile::server, {"b"}, 24h, 72h);
  auto [srv, cli] = handshake({.cert_file = cert, .key_file = key}, trusting(p.ca), 48h);
  CHECK(cli.code == 0);
  CHECK(cli.echoed == "hello");
}

TEST_CASE("a pin of the served certificate stands in for a CA; any other pin is refused") {
  unit::two_hosts f;
  net::tls_server server({.names = {"b"}});
  REQUIRE(server.ephemeral());
  net::tls_client_options right, wrong;
  right.server_name = wrong.server_name = "b";
  right.pin = "sha256:" + server.fingerprint();
  wrong.pin = "sha256:" + std::string(64, 'A');
  SUBCASE("the served certificate's") {
    outcome srv, cli;
    f.spawn(tls_echo(*f.cb, server, srv));
    f.spawn(tls_hello(f, right, cli));
    f.w.run(1h, 20s);
    CHECK(cli.code == 0);
    CHECK(cli.echoed == "hello");
  }
  SUBCASE("another") {
    outcome srv, cli;
    f.spawn(tls_echo(*f.cb, server, srv));
    f.spawn(tls_hello(f, wrong, cli));
    f.w.run(1h, 20s);
    CHECK(cli.code == 76);
    CHECK(cli.message.find("does not match --pin") != std::string::npos);
  }
}

namespace {

// An insecure client's handshake with a peer on b:7 that reads the ClientHello and answers
// nothing: it hangs up at once, or holds the connection for an hour.
outcome hello_to_a_mute_peer(bool hang_up) {
  unit::two_hosts f;
  f.spawn([](net::context& ctx, bool hang_up) -> net::task<void> {
    auto where = unit::tcp("", 7);
    auto l = co_await ctx.listen(where);
    auto [ec, s] = co_await l.accept();
    char buf[512];
    co_await s.read_some(buf);
    if (hang_up)
      s.close();
    else
      co_await ctx.sleep(1h);
  }(*f.cb, hang_up));
  net::tls_client_options o;
  o.server_name = "b";
  o.insecure = true;
  outcome cli;
  f.spawn(tls_hello(f, o, cli));
  f.w.run(2h, 20s);
  return cli;
}

}  // namespace

TEST_CASE("a peer that never answers times the handshake out with 75, in virtual time") {
  auto cli = hello_to_a_mute_peer(false);
  CHECK(cli.code == 75);
  CHECK(cli.message.find("no TLS handshake within 5s") != std::string::npos);
  CHECK(std::chrono::duration<double>(cli.at).count() == doctest::Approx(5.0).epsilon(0.01));
}

TEST_CASE("a peer that closes during the handshake is reported as having closed") {
  auto cli = hello_to_a_mute_peer(true);
  CHECK(cli.code == 76);
  CHECK(cli.message.find("closed the connection during the TLS handshake") != std::string::npos);
}

TEST_CASE("a server that asks for client certificates admits only those its CA issued") {
  pki p, other;
  auto [cert, key] = p.leaf("b", x509::profile::server, {"b"});
  net::tls_server_options so{.cert_file = cert, .key_file = key, .client_ca_file = p.ca};
  // The client presents a certificate from `issuer` (none when null).
  auto with_client_cert = [&](pki* issuer) {
    auto o = trusting(p.ca);
    if (issuer) std::tie(o.cert_file, o.key_file) = issuer->leaf("a", x509::profile::client, {"a"});
    return handshake(so, o);
  };
  SUBCASE("issued by its CA") {
    auto [srv, cli] = with_client_cert(&p);
    CHECK(srv.code == 0);
    CHECK(srv.info.peer_subject.find("CN=a") != std::string::npos);
    CHECK(cli.echoed == "hello");
  }
  SUBCASE("issued by another CA") {
    auto [srv, cli] = with_client_cert(&other);
    CHECK(srv.code == 76);
    CHECK(srv.message.find("certificate verify failed") != std::string::npos);
    CHECK(cli.echoed.empty());
  }
  SUBCASE("none at all") {
    auto [srv, cli] = with_client_cert(nullptr);
    CHECK(srv.code == 76);
    CHECK(cli.echoed.empty());
  }
}

TEST_CASE("bad certificate and key files are refused before any connection, by kind") {
  pki p;
  auto [cert, key] = p.leaf("b", x509::profile::server, {"b"});
  auto [cert2, key2] = p.leaf("c", x509::profile::server, {"c"});
  auto junk = p.dir.write("junk.pem", "not a certificate\n");
  auto missing = (p.dir.path / "missing.pem").string();
  auto server_code = [](net::tls_server_options o) {
    try {
      net::tls_server s(o);
    } catch (const vitnet::error& e) {
      return code_of(e);
    }
    return 0;
  };
  CHECK(server_code({.cert_file = cert, .key_file = key}) == 0);
  CHECK(server_code({.cert_file = missing, .key_file = key}) == 66);
  CHECK(server_code({.cert_file = junk, .key_file = key}) == 65);
  CHECK(server_code({.cert_file = cert, .key_file = junk}) == 65);
  CHECK(server_code({.cert_file = cert, .key_file = key2}) == 65);  // not its key
  CHECK(server_code({.cert_file = cert, .key_file = key, .client_ca_file = junk}) == 65);
  CHECK(server_code({.cert_file = cert}) == 64);  // --cert without --key

  // A client's CA file: the same codes, before anything is sent.
  SUBCASE("client") {
    unit::two_hosts f;
    net::tls_server server({.names = {"b"}});
    outcome srv, bad, gone;
    f.spawn(tls_echo(*f.cb, server, srv));
    f.spawn(tls_hello(f, trusting(junk), bad));
    f.spawn(tls_hello(f, trusting(missing), gone));
    f.w.run(1h, 20s);
    CHECK(bad.code == 65);
    CHECK(gone.code == 66);
  }
}

TEST_CASE("a pin is read in any of its usual spellings") {
  std::string hex = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
  std::string colons;
  for (std::size_t i = 0; i < hex.size(); i += 2) colons += (i ? ":" : "") + hex.substr(i, 2);
  std::string lower = hex;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(net::parse_pin(hex) == hex);
  CHECK(net::parse_pin("sha256:" + colons) == hex);
  CHECK(net::parse_pin("sha256:" + lower) == hex);
  CHECK(net::parse_pin(colons) == hex);
  CHECK_FALSE(net::parse_pin(hex.substr(2)));        // too short
  CHECK_FALSE(net::parse_pin("sha1:" + hex));        // another hash
  CHECK_FALSE(net::parse_pin(hex.substr(1) + "G"));  // not hex
}

TEST_CASE("the server name defaults to the endpoint's host, or localhost when it has none") {
  net::endpoint named{.host = "example.test", .port = 443, .tls = true};
  net::endpoint bare{.port = 8443, .tls = true};
  CHECK(net::for_endpoint({}, named).server_name == "example.test");
  CHECK(net::for_endpoint({}, bare).server_name == "localhost");
  net::tls_client_options given;
  given.server_name = "other.test";
  CHECK(net::for_endpoint(given, named).server_name == "other.test");
}

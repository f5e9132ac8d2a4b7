// vitnet tls inspect FILE: what a certificate, chain, CSR, key or PKCS#12 holds, for people
// (aligned text) or programs (one JSON document).
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "commands/tls/tls.hpp"
#include "core/error.hpp"
#include "net/endpoint.hpp"
#include "net/quic/quic.hpp"
#include "net/tls/tls.hpp"

namespace commands {

using core::exit_code;
namespace x509 = net::x509;

namespace {

using json = nlohmann::ordered_json;

json to_json(const x509::cert_info& c) {
  return json{{"subject", c.subject},
              {"issuer", c.issuer},
              {"serial", c.serial},
              {"not_before", c.not_before},
              {"not_after", c.not_after},
              {"key_type", c.key},
              {"signature_algorithm", c.signature_algorithm},
              {"version", c.version},
              {"self_signed", c.self_signed},
              {"is_ca", c.is_ca},
              {"path_len", c.path_len ? json(*c.path_len) : json(nullptr)},
              {"key_usage", c.key_usage},
              {"ext_key_usage", c.ext_key_usage},
              {"names", c.names},
              {"permitted", c.permitted},
              {"excluded", c.excluded},
              {"subject_key_id", c.subject_key_id},
              {"authority_key_id", c.authority_key_id},
              {"critical", c.critical},
              {"sha256", c.sha256}};
}

json to_json(const x509::csr_info& c) {
  return json{{"subject", c.subject},
              {"key_type", c.key},
              {"signature_algorithm", c.signature_algorithm},
              {"names", c.names},
              {"signature_valid", c.signature_valid}};
}

json to_json(const x509::key_info& k) {
  return json{{"key_type", k.type},
              {"bits", k.bits},
              {"encrypted", k.encrypted},
              {"public_key_sha256", k.encrypted ? json(nullptr) : json(k.public_key_sha256)}};
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// "in 396 days", "3 days ago".
std::string relative_days(std::int64_t when, std::int64_t now) {
  std::int64_t days = (when - now) / 86400;
  if (when >= now) return days == 0 ? "today" : fmt::format("in {} days", days);
  return -days == 0 ? "today" : fmt::format("{} days ago", -days);
}

void line(std::string& s, std::string_view key, const std::string& value) {
  if (!value.empty()) s += fmt::format("  {:<18} {}\n", key, value);
}

std::string text_of(const x509::cert_info& c, std::int64_t now) {
  std::string s;
  line(s, "subject", c.subject);
  line(s, "issuer", c.self_signed ? c.issuer + " (self-signed)" : c.issuer);
  line(s, "serial", c.serial);
  line(s, "not before", c.not_before);
  std::string after = c.not_after;
  if (c.not_after_unix < now)
    after += fmt::format(" (EXPIRED {})", relative_days(c.not_after_unix, now));
  else
    after += fmt::format(" ({})", relative_days(c.not_after_unix, now));
  line(s, "not after", after);
  if (c.not_before_unix > now) line(s, "note", "not yet valid");
  line(s, "key", c.key);
  line(s, "signature", c.signature_algorithm);
  std::string ca = c.is_ca ? "yes" : "no";
  if (c.is_ca && c.path_len) ca += fmt::format(" (pathlen {})", *c.path_len);
  line(s, "ca", ca);
  line(s, "key usage", joined(c.key_usage));
  line(s, "extended usage", joined(c.ext_key_usage));
  line(s, "names", joined(c.names));
  line(s, "permitted names", joined(c.permitted));
  line(s, "excluded names", joined(c.excluded));
  line(s, "subject key id", c.subject_key_id);
  line(s, "authority key id", c.authority_key_id);
  line(s, "critical", joined(c.critical));
  line(s, "sha256", c.sha256);
  return s;
}

std::string text_of(const x509::inspection& r, std::int64_t now) {
  std::string s;
  for (std::size_t i = 0; i < r.certs.size(); ++i) {
    s += r.certs.size() == 1 ? std::string("certificate\n")
                             : fmt::format("certificate {} of {}\n", i + 1, r.certs.size());
    s += text_of(r.certs[i], now);
  }
  for (const auto& c : r.csrs) {
    s += "certificate request\n";
    line(s, "subject", c.subject);
    line(s, "names", joined(c.names));
    line(s, "key", c.key);
    line(s, "signature", c.signature_algorithm + (c.signature_valid ? " (valid)" : " (INVALID)"));
  }
  for (const auto& k : r.keys) {
    s += "private key\n";
    if (k.encrypted) {
      line(s, "key", "encrypted (not opened)");
      continue;
    }
    line(s, "key", k.type);
    line(s, "public key sha256", k.public_key_sha256);
  }
  if (r.key_matches_cert)
    s += fmt::format("the key {} the first certificate\n",
                     *r.key_matches_cert ? "matches" : "does NOT match");
  return s;
}

json certs_json(const std::vector<x509::cert_info>& certs) {
  json a = json::array();
  for (const auto& c : certs) a.push_back(to_json(c));
  return a;
}

// A target that is no file but reads as HOST:PORT (or tls://HOST:PORT, https://HOST[:PORT]/,
// wss://...) is a live endpoint.
std::optional<net::endpoint> endpoint_of(const std::string& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) return std::nullopt;
  bool url = target.starts_with("tls://") || target.starts_with("tcp://") ||
             target.starts_with("https://") || target.starts_with("wss://") ||
             target.starts_with("quic://");
  auto hp = net::split_host_port(target);
  if (!url && (!hp || hp->host.empty() || !net::parse_port(hp->port))) return std::nullopt;
  std::string message;
  auto e = net::try_parse_endpoint(target, message);
  if (!e) return std::nullopt;
  if ((!e->is_stream() && !e->quic) || e->is_unix() || e->port == 0)
    vitnet::fail(exit_code::usage, "inspect: {}: give a file, or HOST:PORT of a TLS server",
                 target);
  return e;
}

net::task<int> inspect_endpoint(net::context& ctx, const tls_inspect_options& o,
                                const net::endpoint& where, core::io& io) {
  constexpr auto timeout = std::chrono::seconds(10);
  net::dial_options d;
  d.timeout = timeout;
  // Verification is done below, by vitnet's own verifier, so that a chain that fails is still
  // shown with the reason.
  net::tls_client_options c;
  c.server_name = where.host;
  c.insecure = true;
  c.alpn = o.alpn;
  net::tls_info info;
  std::string quic_version;
  if (where.quic) {
    // QUIC: TLS 1.3 inside the QUIC handshake (ALPN h3 unless --alpn says otherwise: a QUIC
    // server refuses a handshake without an ALPN it speaks).
    net::quic_client_options q;
    q.tls = c;
    if (q.tls.alpn.empty()) q.tls.alpn = {"h3"};
    net::quic_info qi;
    auto s = co_await net::quic_dial(ctx, where, q, timeout, &qi);
    s.close();
    info.version = qi.tls_version;
    info.cipher = qi.cipher;
    info.alpn = qi.alpn;
    info.peer_chain_pem = qi.peer_chain_pem;
    quic_version = "QUICv1";
  } else {
    auto tcp = co_await net::dial(ctx, where, d);
    auto tls = co_await net::tls_connect(ctx, std::move(tcp), c, timeout, &info);
    tls.close();
  }

  std::string chain;
  for (const auto& pem : info.peer_chain_pem) chain += pem;
  x509::inspection r;
  x509::verify_result v;
  if (!chain.empty()) {
    r = x509::inspect(chain);
    x509::verify_options vo;
    if (!o.ca.empty()) vo.trusted_pem = read_input(o.ca, "--ca");
    (net::ip_address::parse(where.host) ? vo.ip : vo.host) = where.host;
    vo.use = x509::purpose::server;
    v = x509::verify(chain, vo);
  } else {
    v.reason = "no certificate";
  }
  std::string peer = where.display();
  if (io.json()) {
    json j{{"endpoint", peer},
           {"kind", "endpoint"},
           {"version", info.version},
           {"quic", quic_version.empty() ? json(nullptr) : json(quic_version)},
           {"cipher", info.cipher},
           {"alpn", info.alpn.empty() ? json(nullptr) : json(info.alpn)},
           {"verified", v.valid},
           {"verify_reason", v.valid ? json(nullptr) : json(v.reason)},
           {"verify_detail", v.valid ? json(nullptr) : json(v.detail)},
           {"certificates", certs_json(r.certs)}};
    io.out(j.dump(2) + "\n");
    co_return 0;
  }
  std::string s = fmt::format("{}: {} endpoint\n", peer, quic_version.empty() ? "tls" : "quic");
  if (!quic_version.empty()) line(s, "transport", quic_version);
  line(s, "version", info.version);
  line(s, "cipher", info.cipher);
  line(s, "alpn", info.alpn.empty() ? std::string("(none)") : info.alpn);
  line(s, "verified",
       v.valid ? fmt::format("yes, for {} against {}", where.host,
                             o.ca.empty() ? std::string("the system store") : o.ca)
               : fmt::format("NO: {}: {}", v.reason, v.detail));
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  io.out(s + text_of(r, now));
  co_return 0;
}

}  // namespace

net::task<int> run_tls_inspect(net::context& ctx, const tls_inspect_options& o, core::io& io) {
  if (auto where = endpoint_of(o.target)) {
    co_return co_await inspect_endpoint(ctx, o, *where, io);
  }
  std::string data = read_input(o.target, "inspect:");
  std::optional<std::string> password;
  if (!o.p12_pass_file.empty()) {
    password = read_input(o.p12_pass_file, "--p12-pass-file");
    if (auto nl = password->find_first_of("\r\n"); nl != std::string::npos) password->resize(nl);
  }
  x509::inspection r;
  try {
    r = x509::inspect(data, password ? &*password : nullptr);
  } catch (const vitnet::error& e) {
    throw vitnet::error(e.code(), fmt::format("inspect: {}: {}", o.target, e.what()));
  }
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (io.json()) {
    json certs = certs_json(r.certs), csrs = json::array(), keys = json::array();
    for (const auto& c : r.csrs) csrs.push_back(to_json(c));
    for (const auto& k : r.keys) keys.push_back(to_json(k));
    json j{{"file", o.target},
           {"kind", r.kind},
           {"certificates", certs},
           {"csrs", csrs},
           {"keys", keys},
           {"key_matches_certificate",
            r.key_matches_cert ? json(*r.key_matches_cert) : json(nullptr)}};
    io.out(j.dump(2) + "\n");
    co_return 0;
  }
  io.out(fmt::format("{}: {}\n", o.target, r.kind) + text_of(r, now));
  co_return 0;
}

}  // namespace commands

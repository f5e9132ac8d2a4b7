// QUIC's handshake is TLS 1.3 carried in CRYPTO frames; ngtcp2 does that with GnuTLS (OpenSSL
// 3.0 has no QUIC API). Here: GnuTLS credentials from the same PEM files as tls://, the same
// verification rules (--ca, --pin, --insecure, names and IP addresses), session tickets for
// resumption and 0-RTT, and what the handshake settled.
#include "net/quic/tls.hpp"

#include <fmt/format.h>
#include <gnutls/x509.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/files.hpp"
#include "net/x509/x509.hpp"

namespace net {

extern thread_local context* quic_calendar_context;

namespace {

using core::exit_code;

// Certificates are checked against the context's calendar: the mock network's, when the
// handshake runs there (certificates expire in virtual time). GnuTLS asks one process-wide
// function; the packet being processed says whose calendar it is.
time_t calendar_time(time_t* t) {
  time_t now = quic_calendar_context
                   ? std::chrono::system_clock::to_time_t(quic_calendar_context->calendar_now())
                   : std::time(nullptr);
  if (t) *t = now;
  return now;
}

void global_setup() {
  static bool done = false;
  if (done) return;
  done = true;
  gnutls_global_set_time_function(calendar_time);
}

// TLS 1.3 only (QUIC has nothing else), its AEAD suites, and no middlebox compatibility mode
// (RFC 9001 8.4 forbids it).
constexpr const char* priority =
    "%DISABLE_TLS13_COMPAT_MODE:NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:"
    "+AES-256-GCM:+CHACHA20-POLY1305";

std::string normal_pin(std::string_view pin) {
  if (pin.starts_with("sha256:") || pin.starts_with("SHA256:")) pin.remove_prefix(7);
  std::string out;
  for (char ch : pin)
    if (std::isxdigit(static_cast<unsigned char>(ch)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

std::string sha256_of(const gnutls_datum_t& der) {
  return x509::fingerprint_sha256_der(
      std::string_view(reinterpret_cast<const char*>(der.data), der.size));
}

quic_connection* conn_of(gnutls_session_t s) {
  auto* ref = static_cast<ngtcp2_crypto_conn_ref*>(gnutls_session_get_ptr(s));
  return static_cast<quic_connection*>(ref->user_data);
}

// The certificate check, run by GnuTLS inside the handshake: a refusal says why in
// verify_failure and ends the handshake with an alert.
int verify_peer(gnutls_session_t s) {
  auto* c = conn_of(s);
  if (!c->verify && c->pin.empty()) return 0;
  unsigned n = 0;
  const gnutls_datum_t* certs = gnutls_certificate_get_peers(s, &n);
  if (!certs || n == 0) {
    c->verify_failure =
        c->server ? "the client sent no certificate" : "the server sent no certificate";
    return -1;
  }
  if (!c->pin.empty()) {
    auto got = sha256_of(certs[0]);
    if (normal_pin(got) != normal_pin(c->pin)) {
      c->verify_failure = fmt::format(
          "certificate sha256 {} does not match --pin; the server's certificate changed, or the "
          "pin is wrong",
          got);
      return -1;
    }
    if (!c->verify) return 0;
  }
  unsigned status = 0;
  const char* name = c->server || c->verify_name.empty() ? nullptr : c->verify_name.c_str();
  int rv = gnutls_certificate_verify_peers3(s, name, &status);
  if (rv < 0) {
    c->verify_failure = fmt::format("certificate verify failed: {}", gnutls_strerror(rv));
    return -1;
  }
  if (status == 0) return 0;
  gnutls_datum_t out{};
  std::string text = "certificate verify failed";
  if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) == 0) {
    text = fmt::format("certificate verify failed: {}",
                       std::string_view(reinterpret_cast<char*>(out.data), out.size));
    gnutls_free(out.data);
  }
  if (status & GNUTLS_CERT_EXPIRED)
    text += "; the certificate has expired: renew it (or check this machine's clock)";
  else if (status & GNUTLS_CERT_NOT_ACTIVATED)
    text += "; the certificate is not valid yet: check the clocks";
  else if (!c->server)
    text += c->ca_given ? "; check --ca and the name in the URL (--sni), or --insecure"
                        : "; pass --ca with the issuer's certificate, or --insecure to skip "
                          "verification";
  c->verify_failure = text;
  return -1;
}

std::vector<gnutls_datum_t> alpn_datums(const std::vector<std::string>& alpn) {
  std::vector<gnutls_datum_t> v;
  for (auto& a : alpn)
    v.push_back({reinterpret_cast<unsigned char*>(const_cast<char*>(a.data())),
                 static_cast<unsigned>(a.size())});
  return v;
}

void check(int rv, std::string_view what) {
  if (rv < 0) vitnet::fail(exit_code::protocol, "quic: {}: {}", what, gnutls_strerror(rv));
}

void must_exist(const std::string& path, std::string_view option) {
  if (path.empty()) return;
  try {
    (void)core::read_file(path);
  } catch (const vitnet::error& e) {
    throw vitnet::error(e.code(), fmt::format("{}: {}", option, e.what()));
  }
}

// The certificate chain and key of --cert and --key. Throws 65 when GnuTLS cannot use them.
void use_cert_and_key(gnutls_certificate_credentials_t cred, const std::string& cert,
                      const std::string& key) {
  int rv = gnutls_certificate_set_x509_key_file2(cred, cert.c_str(), key.c_str(),
                                                 GNUTLS_X509_FMT_PEM, nullptr, 0);
  if (rv < 0)
    vitnet::fail(exit_code::data, "tls: --cert {} / --key {}: {}", cert, key, gnutls_strerror(rv));
}

// Trusts the certificates in `file` (--ca, --client-ca). Throws 65 when it holds none.
void trust(gnutls_certificate_credentials_t cred, const std::string& file,
           std::string_view option) {
  if (gnutls_certificate_set_x509_trust_file(cred, file.c_str(), GNUTLS_X509_FMT_PEM) <= 0)
    vitnet::fail(exit_code::data, "tls: {} {}: no certificates in it", option, file);
}

// Keeps a new session ticket (and what 0-RTT needs of the server's parameters) for next time.
int ticket_hook(gnutls_session_t s, unsigned, unsigned, unsigned, const gnutls_datum_t*) {
  auto* c = conn_of(s);
  if (c->session_file.empty()) return 0;
  gnutls_datum_t data{};
  if (gnutls_session_get_data2(s, &data) != 0) return 0;
  quic_session_record rec;
  rec.server = c->server_name;
  rec.alpn = c->info.alpn;
  rec.tls.assign(reinterpret_cast<char*>(data.data), data.size);
  gnutls_free(data.data);
  rec.params = quic_compat::encode_0rtt_params(c->conn);
  try {
    core::write_file_atomic(c->session_file, write_session_record(rec), 0600);
  } catch (const vitnet::error& e) {
    c->warnings.emplace_back(e.what());
  }
  return 0;
}

}  // namespace

quic_credentials::~quic_credentials() {
  if (cred) gnutls_certificate_free_credentials(cred);
  if (ticket_key.data) gnutls_free(ticket_key.data);
  if (anti_replay) gnutls_anti_replay_deinit(anti_replay);
}

std::shared_ptr<quic_credentials> quic_client_credentials(const quic_client_options& o) {
  global_setup();
  auto cr = std::make_shared<quic_credentials>();
  auto& t = o.tls;
  must_exist(t.ca_file, "--ca");
  must_exist(t.cert_file, "--cert");
  must_exist(t.key_file, "--key");
  check(gnutls_certificate_allocate_credentials(&cr->cred), "credentials");
  bool pinned = !t.pin.empty();
  cr->verify = !t.insecure && !(pinned && t.ca_file.empty());
  if (cr->verify) {
    if (!t.ca_file.empty()) {
      trust(cr->cred, t.ca_file, "--ca");
    } else {
      gnutls_certificate_set_x509_system_trust(cr->cred);
    }
  }
  if (!t.cert_file.empty() || !t.key_file.empty()) {
    if (t.cert_file.empty() || t.key_file.empty())
      vitnet::fail(exit_code::usage, "tls: --cert and --key go together");
    use_cert_and_key(cr->cred, t.cert_file, t.key_file);
  }
  gnutls_certificate_set_verify_function(cr->cred, verify_peer);
  cr->alpn = t.alpn.empty() ? std::vector<std::string>{"vitnet"} : t.alpn;
  return cr;
}

std::shared_ptr<quic_credentials> quic_server_credentials(const quic_server_options& o,
                                                          const std::vector<std::string>& names) {
  global_setup();
  auto cr = std::make_shared<quic_credentials>();
  auto& t = o.tls;
  must_exist(t.cert_file, "--cert");
  must_exist(t.key_file, "--key");
  must_exist(t.client_ca_file, "--client-ca");
  check(gnutls_certificate_allocate_credentials(&cr->cred), "credentials");
  if (!t.cert_file.empty() || !t.key_file.empty()) {
    if (t.cert_file.empty() || t.key_file.empty())
      vitnet::fail(exit_code::usage,
                   "tls: --cert and --key go together (or give neither for an ephemeral "
                   "certificate)");
    use_cert_and_key(cr->cred, t.cert_file, t.key_file);
    cr->fingerprint = x509::fingerprint_sha256(core::read_file(t.cert_file));
  } else {
    std::string cert = o.cert_pem, key = o.key_pem;
    if (cert.empty()) {
      // Ed25519: its signatures have one length, so the handshake's packets have the same sizes
      // in every run (the mock network's traces stay the same for the same seed).
      auto made = x509::self_signed_server(names, x509::key_type::ed25519);
      cert = made.cert_pem;
      key = made.key_pem;
    }
    gnutls_datum_t c{reinterpret_cast<unsigned char*>(cert.data()),
                     static_cast<unsigned>(cert.size())};
    gnutls_datum_t k{reinterpret_cast<unsigned char*>(key.data()),
                     static_cast<unsigned>(key.size())};
    check(gnutls_certificate_set_x509_key_mem2(cr->cred, &c, &k, GNUTLS_X509_FMT_PEM, nullptr, 0),
          "ephemeral certificate");
    cr->fingerprint = x509::fingerprint_sha256(cert);
    cr->ephemeral = true;
  }
  if (!t.client_ca_file.empty()) {
    trust(cr->cred, t.client_ca_file, "--client-ca");
    cr->verify = true;
    gnutls_certificate_set_verify_function(cr->cred, verify_peer);
  } else {
    cr->verify = false;
  }
  check(gnutls_session_ticket_key_generate(&cr->ticket_key), "session ticket key");
  // 0-RTT data can be replayed by an attacker; GnuTLS's anti-replay window refuses early data
  // whose ticket age is off. The database of seen tickets is not kept (one process, short-lived
  // tickets): the window is the protection, as in ngtcp2's example server.
  gnutls_anti_replay_init(&cr->anti_replay);
  gnutls_anti_replay_set_add_function(cr->anti_replay, [](void*, time_t, const gnutls_datum_t*,
                                                          const gnutls_datum_t*) { return 0; });
  cr->alpn = t.alpn.empty() ? std::vector<std::string>{"vitnet"} : t.alpn;
  cr->client_certificates = !t.client_ca_file.empty();
  return cr;
}

void quic_client_session(quic_connection& c, const quic_credentials& cr,
                         const quic_client_options& o, const std::string& server_name,
                         std::optional<quic_session_record>* resumed) {
  check(gnutls_init(&c.tls, GNUTLS_CLIENT | GNUTLS_ENABLE_EARLY_DATA | GNUTLS_NO_END_OF_EARLY_DATA),
        "init");
  check(gnutls_priority_set_direct(c.tls, priority, nullptr), "priority");
  if (ngtcp2_crypto_gnutls_configure_client_session(c.tls) != 0)
    vitnet::fail(exit_code::protocol, "quic: cannot configure the TLS session");
  gnutls_session_set_ptr(c.tls, &c.ref);
  check(gnutls_credentials_set(c.tls, GNUTLS_CRD_CERTIFICATE, cr.cred), "credentials");
  auto alpn = alpn_datums(cr.alpn);
  gnutls_alpn_set_protocols(c.tls, alpn.data(), static_cast<unsigned>(alpn.size()),
                            GNUTLS_ALPN_MANDATORY);
  bool is_ip = ip_address::parse(server_name).has_value();
  std::string sni = !o.tls.sni.empty() ? o.tls.sni : (is_ip ? "" : server_name);
  if (!sni.empty()) gnutls_server_name_set(c.tls, GNUTLS_NAME_DNS, sni.data(), sni.size());
  c.verify = cr.verify;
  c.verify_name = server_name;
  c.pin = o.tls.pin;
  c.ca_given = !o.tls.ca_file.empty();
  c.server_name = server_name;
  c.session_file = o.session_file;
  if (!o.session_file.empty()) {
    gnutls_handshake_set_hook_function(c.tls, GNUTLS_HANDSHAKE_NEW_SESSION_TICKET, GNUTLS_HOOK_POST,
                                       ticket_hook);
    std::string text;
    try {
      text = core::read_file(o.session_file);
    } catch (const vitnet::error&) {
      // No file yet: this connection makes one.
    }
    if (!text.empty()) {
      auto rec = parse_session_record(text);
      if (rec && rec->server == server_name) {
        gnutls_datum_t d{reinterpret_cast<unsigned char*>(rec->tls.data()),
                         static_cast<unsigned>(rec->tls.size())};
        if (gnutls_session_set_data(c.tls, d.data, d.size) == 0) *resumed = std::move(rec);
      } else if (!rec) {
        c.warnings.push_back(fmt::format(
            "--session-file {}: not a vitnet QUIC session; starting a new one", o.session_file));
      }
    }
  }
}

void quic_server_session(quic_connection& c, const quic_credentials& cr) {
  check(gnutls_init(&c.tls, GNUTLS_SERVER | GNUTLS_ENABLE_EARLY_DATA | GNUTLS_NO_AUTO_SEND_TICKET |
                                GNUTLS_NO_END_OF_EARLY_DATA),
        "init");
  check(gnutls_priority_set_direct(c.tls, priority, nullptr), "priority");
  check(gnutls_session_ticket_enable_server(c.tls, &cr.ticket_key), "tickets");
  if (ngtcp2_crypto_gnutls_configure_server_session(c.tls) != 0)
    vitnet::fail(exit_code::protocol, "quic: cannot configure the TLS session");
  gnutls_anti_replay_enable(c.tls, cr.anti_replay);
  gnutls_record_set_max_early_data_size(c.tls, 0xffffffffu);
  gnutls_session_set_ptr(c.tls, &c.ref);
  check(gnutls_credentials_set(c.tls, GNUTLS_CRD_CERTIFICATE, cr.cred), "credentials");
  auto alpn = alpn_datums(cr.alpn);
  gnutls_alpn_set_protocols(c.tls, alpn.data(), static_cast<unsigned>(alpn.size()),
                            GNUTLS_ALPN_MANDATORY | GNUTLS_ALPN_SERVER_PRECEDENCE);
  if (cr.client_certificates) {
    gnutls_certificate_server_set_request(c.tls, GNUTLS_CERT_REQUIRE);
    c.verify = true;
  } else {
    c.verify = false;
  }
}

void quic_fill_tls_info(gnutls_session_t s, quic_info& info) {
  if (!s) return;
  info.tls_version = "TLSv1.3";
  if (const char* n = gnutls_cipher_get_name(gnutls_cipher_get(s))) info.cipher = n;
  gnutls_datum_t a{};
  if (gnutls_alpn_get_selected_protocol(s, &a) == 0)
    info.alpn.assign(reinterpret_cast<char*>(a.data), a.size);
  info.resumed = gnutls_session_is_resumed(s) != 0;
  unsigned n = 0;
  const gnutls_datum_t* certs = gnutls_certificate_get_peers(s, &n);
  info.peer_chain_pem.clear();
  for (unsigned i = 0; i < n; ++i) {
    gnutls_datum_t pem{};
    if (gnutls_pem_base64_encode2("CERTIFICATE", &certs[i], &pem) == 0) {
      info.peer_chain_pem.emplace_back(reinterpret_cast<char*>(pem.data), pem.size);
      gnutls_free(pem.data);
    }
  }
  if (n > 0) {
    info.peer_sha256 = sha256_of(certs[0]);
    gnutls_x509_crt_t crt;
    if (gnutls_x509_crt_init(&crt) == 0) {
      if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) == 0) {
        gnutls_datum_t dn{};
        if (gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0) {
          info.peer_subject.assign(reinterpret_cast<char*>(dn.data), dn.size);
          gnutls_free(dn.data);
        }
      }
      gnutls_x509_crt_deinit(crt);
    }
  }
}

}  // namespace net

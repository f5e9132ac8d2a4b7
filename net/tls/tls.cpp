#include "net/tls/tls.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstring>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/ip.hpp"
#include "net/stream_impl.hpp"
#include "net/tls/impl.hpp"
#include "net/tls/session_cache.hpp"
#include "net/x509/x509.hpp"

namespace net {

namespace {
// Forward-secret AEAD suites for TLS 1.2, strongest first.
constexpr const char* default_server_ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
}  // namespace

namespace {

using core::exit_code;

std::string openssl_reason() {
  unsigned long e = ERR_peek_last_error();
  if (!e) return "handshake failed";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  // "error:0A000086:SSL routines::certificate verify failed" -> "certificate verify failed"
  std::string s = buf;
  auto colon = s.rfind(':');
  return colon == std::string::npos ? s : s.substr(colon + 1);
}

std::error_code tls_error() {
  return std::make_error_code(std::errc::protocol_error);
}

// ---- the BIO between OpenSSL and the inner stream

tls_layer& layer_of(BIO* b) {
  return *static_cast<tls_layer*>(BIO_get_data(b));
}

int bio_write(BIO* b, const char* data, int len) {
  if (len > 0) layer_of(b).out.append(data, static_cast<std::size_t>(len));
  return len;
}

// Reads without waiting. Nothing there yet, the end, or a failure all tell OpenSSL to retry
// later; the callers look at read_ec to tell the end and failures apart.
int bio_read(BIO* b, char* buf, int len) {
  auto& t = layer_of(b);
  BIO_clear_retry_flags(b);
  if (len <= 0) return 0;
  if (!t.read_ec) {
    auto r = t.inner.try_read_some({buf, static_cast<std::size_t>(len)});
    if (!r.ec && r.n > 0) {
      t.inner_dry = false;
      return static_cast<int>(r.n);
    }
    if (is_would_block(r.ec))
      t.inner_dry = true;
    else
      t.read_ec = r.ec ? r.ec : asio::error::eof;
  }
  BIO_set_retry_read(b);
  return -1;
}

long bio_ctrl(BIO* b, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_WPENDING:
      return static_cast<long>(layer_of(b).out.size());
    default:
      return 0;
  }
}

int bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* bio_method() {
  static BIO_METHOD* m = [] {
    auto* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vitnet stream");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return m;
}

// Moves what OpenSSL wrote into the inner stream, one flush at a time.
task<std::error_code> flush(tls_layer& t) {
  while (t.flushing) {
    if (!t.flush_done) t.flush_done = std::make_unique<event>(*t.ctx);
    bool woken = co_await t.flush_done->wait();
    if (!woken) co_return std::make_error_code(std::errc::operation_canceled);
  }
  t.flushing = true;
  std::error_code ec;
  while (!t.out.empty()) {
    std::swap(t.out, t.sending);
    auto r = co_await t.inner.write_all(t.sending);
    t.sending.clear();
    if (r.ec) {
      ec = r.ec;
      break;
    }
  }
  // The two buffers keep their size (at most one SSL_write's records, about 256 KiB, each): a
  // bulk writer that gave the memory back after every flush had it faulted in again, page by
  // page, for the next, and ran at a fifth of the speed.
  t.flushing = false;
  if (t.flush_done) t.flush_done->notify();
  co_return ec;
}

// Waits until the network has something for OpenSSL (which reads it itself, through the BIO).
task<std::error_code> fill(tls_layer& t) {
  if (t.read_ec) co_return t.read_ec;
  co_return co_await t.inner.wait_readable();
}

int min_version(const std::string& v) {
  if (v.empty() || v == "1.2") return TLS1_2_VERSION;
  if (v == "1.3") return TLS1_3_VERSION;
  throw vitnet::error(exit_code::usage, fmt::format("--tls-min: '{}' is not 1.2 or 1.3", v));
}

// Reads a file the way TLS options need it: 66 missing, 77 unreadable.
void must_exist(const std::string& path, std::string_view option) {
  if (path.empty()) return;
  try {
    (void)core::read_file(path);
  } catch (const vitnet::error& e) {
    throw vitnet::error(e.code(), fmt::format("{}: {}", option, e.what()));
  }
}

void fill_info(SSL* ssl, tls_info& info) {
  info.version = SSL_get_version(ssl);
  info.cipher = SSL_get_cipher_name(ssl);
  const unsigned char* proto = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(ssl, &proto, &len);
  if (proto) info.alpn.assign(reinterpret_cast<const char*>(proto), len);
  if (X509* peer = SSL_get0_peer_certificate(ssl)) {
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(peer), buf, sizeof buf);
    info.peer_subject = buf;
    unsigned char* der = nullptr;
    int n = i2d_X509(peer, &der);
    if (n > 0) {
      info.peer_sha256 =
          x509::fingerprint_sha256_der({reinterpret_cast<char*>(der), static_cast<std::size_t>(n)});
      OPENSSL_free(der);
    }
  }
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      BIO* b = BIO_new(BIO_s_mem());
      PEM_write_bio_X509(b, sk_X509_value(chain, i));
      char* data = nullptr;
      long n = BIO_get_mem_data(b, &data);
      info.peer_chain_pem.emplace_back(data, static_cast<std::size_t>(n));
      BIO_free(b);
    }
  }
}

std::shared_ptr<tls_layer> make_layer(context& ctx, SSL_CTX* sctx, stream inner) {
  auto t = std::make_shared<tls_layer>();
  t->ssl = SSL_new(sctx);
  if (!t->ssl) throw vitnet::error(exit_code::protocol, "tls: " + openssl_reason());
  t->bio = BIO_new(bio_method());
  BIO_set_data(t->bio, t.get());
  SSL_set_bio(t->ssl, t->bio, t->bio);  // one reference, for both directions
  // Reading ahead, OpenSSL takes whatever the network has (up to 64 KiB, several records) in
  // one read, where it would otherwise read each record's header and body apart: two system
  // calls per 16 KiB.
  SSL_set_read_ahead(t->ssl, 1);
  SSL_set_default_read_buffer_len(t->ssl, 64 << 10);
  // And an idle session gives its buffers back (an open connection waiting for its next
  // request holds none); a busy one reuses what the allocator just had.
  SSL_set_mode(t->ssl, SSL_MODE_RELEASE_BUFFERS);
  t->inner = std::move(inner);
  t->ctx = &ctx;
  return t;
}

// Why a handshake failed: what decides the exit code and the advice, and the words for it.
struct handshake_failure {
  enum class kind { timeout, closed, expired, not_yet_valid, verify, other };
  kind k;
  std::string message;
};

// Runs the handshake; nothing on success.
task<std::optional<handshake_failure>> handshake(context& ctx, tls_layer& t, bool client,
                                                 duration timeout) {
  using kind = handshake_failure::kind;
  bool timed_out = false;
  watchdog wd(ctx, timeout, [&] {
    timed_out = true;
    t.inner.close();
  });
  for (;;) {
    ERR_clear_error();
    int r = client ? SSL_connect(t.ssl) : SSL_accept(t.ssl);
    auto ec = co_await flush(t);
    if (r == 1 && !ec) co_return std::nullopt;
    int err = SSL_get_error(t.ssl, r);
    if (!ec && err == SSL_ERROR_WANT_READ)
      ec = co_await fill(t);
    else if (!ec && err == SSL_ERROR_WANT_WRITE)
      continue;
    else if (!ec) {
      long v = SSL_get_verify_result(t.ssl);
      if (v == X509_V_OK) co_return handshake_failure{kind::other, openssl_reason()};
      kind k = v == X509_V_ERR_CERT_HAS_EXPIRED     ? kind::expired
               : v == X509_V_ERR_CERT_NOT_YET_VALID ? kind::not_yet_valid
                                                    : kind::verify;
      co_return handshake_failure{
          k, std::string("certificate verify failed: ") + X509_verify_cert_error_string(v)};
    }
    if (ec) {
      wd.disarm();
      if (timed_out)
        co_return handshake_failure{kind::timeout, fmt::format("no TLS handshake within {}",
                                                               core::format_duration(timeout))};
      if (is_eof(ec))
        co_return handshake_failure{kind::closed,
                                    "the peer closed the connection during the TLS handshake"};
      co_return handshake_failure{kind::other, vitnet::describe(ec)};
    }
  }
}

[[noreturn]] void fail_handshake(const std::string& peer, const handshake_failure& f,
                                 std::string_view advice = {}) {
  auto code = f.k == handshake_failure::kind::timeout ? exit_code::timeout : exit_code::protocol;
  throw vitnet::error(code, fmt::format("tls: {}: {}{}", peer, f.message, advice));
}

// Loads a certificate chain and its key from PEM files (the --cert and --key of a client or a
// server). Throws vitnet::error 65 when either file holds no such thing or they do not match.
void use_cert_and_key(SSL_CTX* c, const std::string& cert_file, const std::string& key_file) {
  if (SSL_CTX_use_certificate_chain_file(c, cert_file.c_str()) != 1)
    vitnet::fail(exit_code::data, "tls: --cert {}: not a PEM certificate chain ({})", cert_file,
                 openssl_reason());
  if (SSL_CTX_use_PrivateKey_file(c, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    vitnet::fail(exit_code::data, "tls: --key {}: not a PEM private key ({})", key_file,
                 openssl_reason());
  if (SSL_CTX_check_private_key(c) != 1)
    vitnet::fail(exit_code::data, "tls: --key {} does not belong to the certificate in {}",
                 key_file, cert_file);
}

// Trusts the certificates of a PEM file (--ca, --client-ca). Throws vitnet::error 65 when it
// holds none.
void trust(SSL_CTX* c, const std::string& file, std::string_view option) {
  if (SSL_CTX_load_verify_locations(c, file.c_str(), nullptr) != 1)
    vitnet::fail(exit_code::data, "tls: {} {}: no certificates in it ({})", option, file,
                 openssl_reason());
}

}  // namespace

// ---- reading and writing
// ---------------------------------------------------------------------------

task<io_result> tls_read_some(tls_layer& t, std::span<char> buf) {
  for (;;) {
    ERR_clear_error();
    int n =
        SSL_read(t.ssl, buf.data(), static_cast<int>(std::min<std::size_t>(buf.size(), INT_MAX)));
    if (n > 0) co_return io_result{{}, static_cast<std::size_t>(n)};
    int err = SSL_get_error(t.ssl, n);
    if (err == SSL_ERROR_ZERO_RETURN) co_return io_result{asio::error::eof, 0};
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (auto ec = co_await flush(t); ec) co_return io_result{ec, 0};
      if (err == SSL_ERROR_WANT_READ)
        if (auto ec = co_await fill(t); ec)
          co_return io_result{ec, 0};  // end of the inner stream: the end
      continue;
    }
    t.failure = openssl_reason();
    co_return io_result{tls_error(), 0};
  }
}

io_result tls_try_read_some(tls_layer& t, std::span<char> buf) {
  ERR_clear_error();
  int n = SSL_read(t.ssl, buf.data(), static_cast<int>(std::min<std::size_t>(buf.size(), INT_MAX)));
  if (n > 0) return {{}, static_cast<std::size_t>(n)};
  int err = SSL_get_error(t.ssl, n);
  if (err == SSL_ERROR_ZERO_RETURN) return {asio::error::eof, 0};
  if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
    t.failure = openssl_reason();
    return {tls_error(), 0};
  }
  // OpenSSL read what the network had (the BIO does it): the end, an error, or nothing yet.
  // (Records OpenSSL wrote meanwhile wait in `out` for the next flush, as they did in a memory
  // BIO.)
  if (t.read_ec) return {t.read_ec, 0};
  return {std::make_error_code(std::errc::operation_would_block), 0};
}

task<std::error_code> tls_wait_readable(tls_layer& t) {
  // Records may already wait in OpenSSL's buffer: read together with the end of the handshake,
  // or more than one read took. Only a partial record there (the network had nothing more when
  // it was last read) means waiting for the network.
  if (t.read_ec || SSL_pending(t.ssl) > 0 || (SSL_has_pending(t.ssl) && !t.inner_dry))
    co_return std::error_code{};
  co_return co_await t.inner.wait_readable();
}

task<io_result> tls_write_all(tls_layer& t, std::span<const char> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ERR_clear_error();
    int chunk = static_cast<int>(std::min<std::size_t>(data.size() - done, 256 * 1024));
    int n = SSL_write(t.ssl, data.data() + done, chunk);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      if (auto ec = co_await flush(t); ec) co_return io_result{ec, done};
      continue;
    }
    int err = SSL_get_error(t.ssl, n);
    if (err == SSL_ERROR_WANT_READ) {
      if (auto ec = co_await fill(t); ec) co_return io_result{ec, done};
      continue;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
      if (auto ec = co_await flush(t); ec) co_return io_result{ec, done};
      continue;
    }
    t.failure = openssl_reason();
    co_return io_result{tls_error(), done};
  }
  co_return io_result{{}, done};
}

std::error_code tls_shutdown_send(const std::shared_ptr<tls_layer>& t) {
  if (t->close_notify_sent) return {};
  t->close_notify_sent = true;
  SSL_shutdown(t->ssl);  // queues close_notify
  // Sending it takes a write, which may wait: it goes on by itself, holding the session.
  t->ctx->start([](std::shared_ptr<tls_layer> t) -> task<void> {
    co_await flush(*t);
    t->inner.shutdown_send();
  }(t));
  return {};
}

void tls_close(tls_layer& t) {
  // OpenSSL drops a session from the server's cache when its connection is freed without a
  // close_notify sent (it might have been cut by an attacker), so an https server that simply
  // closed after its last response could never resume a TLS 1.2 session id.
  if (!t.close_notify_sent && t.failure.empty() && !t.flushing && t.ssl &&
      SSL_is_init_finished(t.ssl) && t.out.empty()) {
    t.close_notify_sent = true;
    ERR_clear_error();
    if (SSL_shutdown(t.ssl) >= 0 && !t.out.empty()) t.inner.try_write_some(t.out);
    ERR_clear_error();
  }
  t.inner.close();
}

// ---- servers
// ---------------------------------------------------------------------------------------

tls_server::tls_server(const tls_server_options& o) {
  must_exist(o.cert_file, "--cert");
  must_exist(o.key_file, "--key");
  must_exist(o.client_ca_file, "--client-ca");
  if (o.cert_file.empty() != o.key_file.empty())
    throw vitnet::error(
        exit_code::usage,
        "tls: --cert and --key go together (or give neither for an ephemeral certificate)");
  SSL_CTX* c = SSL_CTX_new(TLS_server_method());
  ctx_ = c;
  SSL_CTX_set_min_proto_version(c, min_version(o.min_version));
  // No CBC suites by default (Lucky13 and its kin): TLS 1.2 clients worth serving offer AEAD.
  const std::string ciphers = o.ciphers.empty() ? std::string(default_server_ciphers) : o.ciphers;
  if (SSL_CTX_set_cipher_list(c, ciphers.c_str()) != 1) {
    ERR_clear_error();
    SSL_CTX_free(c);
    ctx_ = nullptr;
    throw vitnet::error(exit_code::usage,
                        fmt::format("tls: --ciphers {}: no cipher suite OpenSSL knows", o.ciphers));
  }
  // Resumption (TLS 1.2 session ids and TLS 1.3 tickets) needs a context id whenever client
  // certificates are verified; without it OpenSSL refuses every resumed handshake ("session id
  // context uninitialized") and clients that resume fail on their second connection.
  static constexpr unsigned char session_context[] = "vitnet";
  SSL_CTX_set_session_id_context(c, session_context, sizeof session_context - 1);
  std::string cert_pem;
  if (o.cert_file.empty()) {
    std::vector<std::string> names =
        o.names.empty() ? std::vector<std::string>{"localhost", "127.0.0.1", "::1"} : o.names;
    x509::issued issued;
    if (!o.ephemeral_cert_pem.empty()) {
      issued.cert_pem = o.ephemeral_cert_pem;
      issued.key_pem = o.ephemeral_key_pem;
      issued.sha256 = x509::fingerprint_sha256(issued.cert_pem);
    } else {
      issued = x509::self_signed_server(names);
    }
    ephemeral_ = true;
    fingerprint_ = issued.sha256;
    BIO* cb = BIO_new_mem_buf(issued.cert_pem.data(), static_cast<int>(issued.cert_pem.size()));
    BIO* kb = BIO_new_mem_buf(issued.key_pem.data(), static_cast<int>(issued.key_pem.size()));
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    bool ok =
        cert && key && SSL_CTX_use_certificate(c, cert) == 1 && SSL_CTX_use_PrivateKey(c, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    if (!ok)
      throw vitnet::error(exit_code::protocol,
                          "tls: cannot use the ephemeral certificate: " + openssl_reason());
  } else {
    use_cert_and_key(c, o.cert_file, o.key_file);
    fingerprint_ = x509::fingerprint_sha256(core::read_file(o.cert_file));
  }
  if (!o.client_ca_file.empty()) {
    trust(c, o.client_ca_file, "--client-ca");
    SSL_CTX_set_client_CA_list(c, SSL_load_client_CA_file(o.client_ca_file.c_str()));
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  if (!o.alpn.empty()) {
    alpn_ = alpn_wire(o.alpn);
    alpn_optional_ = o.alpn_optional;
    SSL_CTX_set_alpn_select_cb(
        c,
        [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
           unsigned inlen, void* arg) -> int {
          auto* self = static_cast<tls_server*>(arg);
          auto chosen = select_alpn(self->alpn_, {in, inlen});
          if (!chosen)
            return self->alpn_optional_ ? SSL_TLSEXT_ERR_NOACK : SSL_TLSEXT_ERR_ALERT_FATAL;
          *out = reinterpret_cast<const unsigned char*>(chosen->data());
          *outlen = static_cast<unsigned char>(chosen->size());
          return SSL_TLSEXT_ERR_OK;
        },
        this);
  }
}

tls_server::~tls_server() {
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
}

void tls_server::share_sessions_with_workers() {
  share_sessions_across_forks(static_cast<SSL_CTX*>(ctx_));
}

// ---- connecting and accepting
// ---------------------------------------------------------------------

task<stream> tls_connect(context& ctx, stream inner, const tls_client_options& o, duration timeout,
                         tls_info* info) {
  must_exist(o.ca_file, "--ca");
  must_exist(o.cert_file, "--cert");
  must_exist(o.key_file, "--key");
  std::string peer = inner.peer_name();
  SSL_CTX* c = SSL_CTX_new(TLS_client_method());
  struct ctx_guard {
    SSL_CTX* c;
    ~ctx_guard() { SSL_CTX_free(c); }
  } guard{c};
  SSL_CTX_set_min_proto_version(c, min_version(o.min_version));
  bool pinned = !o.pin.empty();
  bool verify = !o.insecure && !(pinned && o.ca_file.empty());
  if (verify) {
    if (!o.ca_file.empty()) {
      trust(c, o.ca_file, "--ca");
    } else {
      SSL_CTX_set_default_verify_paths(c);
    }
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
  }
  if (!o.cert_file.empty() || !o.key_file.empty()) {
    if (o.cert_file.empty() || o.key_file.empty())
      vitnet::fail(exit_code::usage, "tls: --cert and --key go together");
    use_cert_and_key(c, o.cert_file, o.key_file);
  }
  auto t = make_layer(ctx, c, std::move(inner));
  bool is_ip = ip_address::parse(o.server_name).has_value();
  std::string sni = !o.sni.empty() ? o.sni : (is_ip ? "" : o.server_name);
  if (!sni.empty()) SSL_set_tlsext_host_name(t->ssl, sni.c_str());
  if (verify && !o.server_name.empty()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(t->ssl);
    if (is_ip)
      X509_VERIFY_PARAM_set1_ip_asc(param, o.server_name.c_str());
    else
      SSL_set1_host(t->ssl, o.server_name.c_str());
    X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(ctx.calendar_now()));
  }
  if (!o.alpn.empty()) {
    auto wire = alpn_wire(o.alpn);
    SSL_set_alpn_protos(t->ssl, wire.data(), static_cast<unsigned>(wire.size()));
  }
  auto failure = co_await handshake(ctx, *t, true, timeout);
  if (failure) {
    using kind = handshake_failure::kind;
    std::string_view advice;
    if (failure->k == kind::expired)
      advice = "; the server's certificate has expired: renew it (or check this machine's clock)";
    else if (failure->k == kind::not_yet_valid)
      advice = "; the server's certificate is not valid yet: check the clocks";
    else if (failure->k == kind::verify)
      advice = o.ca_file.empty()
                   ? "; pass --ca with the issuer's certificate, or --insecure to skip verification"
                   : "; check --ca and the name in the URL (--sni), or --insecure";
    fail_handshake(peer, *failure, advice);
  }
  tls_info got;
  fill_info(t->ssl, got);
  if (pinned && parse_pin(got.peer_sha256) != parse_pin(o.pin))
    vitnet::fail(exit_code::protocol,
                 "tls: {}: certificate sha256 {} does not match --pin; the server's certificate "
                 "changed, or the pin is wrong",
                 peer, got.peer_sha256);
  if (info) *info = got;
  std::string name = t->inner.peer_name();
  auto peer_addr = t->inner.peer_address();
  auto i = std::make_unique<stream::impl>(std::move(t), std::move(name));
  i->peer = peer_addr;
  co_return stream(std::move(i));
}

task<stream> tls_accept(context& ctx, stream inner, const tls_server& s, duration timeout,
                        tls_info* info) {
  std::string peer = inner.peer_name();
  auto* c = static_cast<SSL_CTX*>(s.native());
  auto t = make_layer(ctx, c, std::move(inner));
  X509_VERIFY_PARAM_set_time(SSL_get0_param(t->ssl),
                             std::chrono::system_clock::to_time_t(ctx.calendar_now()));
  auto failure = co_await handshake(ctx, *t, false, timeout);
  if (failure) fail_handshake(peer, *failure);
  if (info) fill_info(t->ssl, *info);
  std::string name = t->inner.peer_name();
  auto peer_addr = t->inner.peer_address();
  auto i = std::make_unique<stream::impl>(std::move(t), std::move(name));
  i->peer = peer_addr;
  co_return stream(std::move(i));
}

tls_client_options for_endpoint(tls_client_options o, const endpoint& where) {
  if (o.server_name.empty()) o.server_name = where.host.empty() ? "localhost" : where.host;
  return o;
}

}  // namespace net

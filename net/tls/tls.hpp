#pragma once
// TLS over any net::stream (a TCP connection, or a simulated one on the mock network), with
// OpenSSL 3 working on memory buffers: the same code runs on both backends.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/stream.hpp"
#include "net/tls/parse.hpp"

namespace net {

struct tls_client_options {
  std::string server_name;  ///< the name verified against the certificate (a host or IP)
  std::string sni;          ///< the name sent in SNI; defaults to server_name unless it is an IP
  std::vector<std::string> alpn;
  std::string ca_file;    ///< trust these instead of the system store
  bool insecure = false;  ///< no verification at all
  std::string pin;        ///< "sha256:AB:CD:..." (or bare hex): the certificate must have this hash
  std::string cert_file, key_file;  ///< a client certificate
  std::string min_version;          ///< "1.2" (default) or "1.3"
};

struct tls_server_options {
  std::string cert_file,
      key_file;                ///< the certificate chain and its key; neither: an ephemeral one
  std::string client_ca_file;  ///< require client certificates issued by these (mTLS)
  std::vector<std::string> alpn;
  /// When none of `alpn` is offered: go on without ALPN (a default, such as http/1.1 for an
  /// HTTPS server) rather than refuse the handshake (what --alpn asks for).
  bool alpn_optional = false;
  std::string min_version;
  /// TLS 1.2 cipher suites in OpenSSL's list syntax; empty: forward-secret AEAD suites only
  /// (ECDHE with AES-GCM or ChaCha20-Poly1305). TLS 1.3 suites are all AEAD and not affected.
  std::string ciphers;
  std::vector<std::string> names;  ///< names for the ephemeral certificate
  /// An ephemeral certificate made by the caller (PEM), used instead of making one: serve
  /// https:// --http3 shows the same certificate over TCP and over QUIC.
  std::string ephemeral_cert_pem, ephemeral_key_pem;
};

/// What a handshake settled.
struct tls_info {
  std::string version, cipher, alpn;
  std::string peer_subject;  ///< of the peer's certificate, if it sent one
  std::string peer_sha256;   ///< its fingerprint
  std::vector<std::string> peer_chain_pem;
};

/// A server's TLS configuration, built once and shared by its connections.
class tls_server {
 public:
  /// Loads the certificate and key (or makes an ephemeral self-signed one). Throws vitnet::error:
  /// 66 missing file, 77 unreadable, 76 a bad or mismatched certificate or key.
  explicit tls_server(const tls_server_options& o);
  ~tls_server();
  tls_server(const tls_server&) = delete;
  tls_server& operator=(const tls_server&) = delete;

  bool ephemeral() const { return ephemeral_; }
  /// SHA-256 of the certificate served, "AB:CD:...".
  const std::string& fingerprint() const { return fingerprint_; }
  void* native() const { return ctx_; }
  /// Lets the worker processes forked after this call resume each other's TLS 1.2 session ids.
  void share_sessions_with_workers();

 private:
  void* ctx_ = nullptr;  // SSL_CTX
  bool ephemeral_ = false;
  std::string fingerprint_;
  std::vector<unsigned char> alpn_;
  bool alpn_optional_ = false;
};

/// TLS as a client over `inner`, within `timeout`. Throws vitnet::error 76 naming the peer, the
/// reason and what to do ("certificate verify failed: hostname mismatch ..."), 75 on timeout.
task<stream> tls_connect(context& ctx, stream inner, const tls_client_options& o, duration timeout,
                         tls_info* info = nullptr);

/// `o` with the server name (verified, and sent as SNI) defaulted to `where`'s host, or to
/// "localhost" when the endpoint names none ("tls://:8443").
tls_client_options for_endpoint(tls_client_options o, const endpoint& where);

/// TLS as a server over an accepted `inner`, within `timeout`. Throws like tls_connect.
task<stream> tls_accept(context& ctx, stream inner, const tls_server& s, duration timeout,
                        tls_info* info = nullptr);

}  // namespace net

#pragma once
// Private to net/quic: GnuTLS for QUIC's handshake (credentials, sessions, verification) and the
// session file a client keeps for resumption and 0-RTT.
#include <gnutls/gnutls.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/quic/engine.hpp"
#include "net/quic/session_file.hpp"

namespace net {

/// Credentials shared by a client's connection or all of a server's.
struct quic_credentials {
  gnutls_certificate_credentials_t cred = nullptr;
  gnutls_datum_t ticket_key{};                 ///< server: encrypts session tickets
  gnutls_anti_replay_t anti_replay = nullptr;  ///< server: refuses replayed early data
  std::vector<std::string> alpn;
  bool verify = true;  ///< client: check the server's chain; server: require client certificates
  bool client_certificates = false;
  bool ephemeral = false;
  std::string fingerprint;  ///< server: of the certificate it presents
  quic_credentials() = default;
  quic_credentials(const quic_credentials&) = delete;
  quic_credentials& operator=(const quic_credentials&) = delete;
  ~quic_credentials();
};

/// Throws vitnet::error as tls:// does: 66 a missing file, 65 a file that is not what it should
/// be, 64 --cert without --key.
std::shared_ptr<quic_credentials> quic_client_credentials(const quic_client_options& o);
/// `names`: what an ephemeral certificate is made for.
std::shared_ptr<quic_credentials> quic_server_credentials(const quic_server_options& o,
                                                          const std::vector<std::string>& names);

/// Sets up a client connection's TLS session; `resumed` gets the session record it offers.
void quic_client_session(quic_connection& c, const quic_credentials& cr,
                         const quic_client_options& o, const std::string& server_name,
                         std::optional<quic_session_record>* resumed);
void quic_server_session(quic_connection& c, const quic_credentials& cr);

}  // namespace net

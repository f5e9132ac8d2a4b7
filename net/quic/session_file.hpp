#pragma once
// Private to net/quic: the session file a QUIC client keeps for resumption and 0-RTT, as text.
// Apart from the TLS code that fills it so the fuzz target can read it without a connection.
#include <optional>
#include <string>
#include <string_view>

namespace net {

/// What a session file holds: the ticket GnuTLS gave, and for 0-RTT the server's parameters.
struct quic_session_record {
  std::string server;  ///< the name the session was made with: not offered to another server
  std::string alpn;
  std::string tls;     ///< gnutls_session_get_data2
  std::string params;  ///< quic_compat::encode_0rtt_params
};
std::string write_session_record(const quic_session_record& r);
/// Nullopt when `text` is not one (damaged, foreign, too big): a session file is only a hint.
std::optional<quic_session_record> parse_session_record(std::string_view text);

}  // namespace net

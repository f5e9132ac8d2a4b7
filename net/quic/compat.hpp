#pragma once
// Private to net/quic: the parts of ngtcp2's API that changed between 0.12 (Debian 12) and 1.x.
// Everything else in net/quic calls ngtcp2 directly; what differs is named here once, so moving
// to a newer ngtcp2 is a change to this header (and a look at the 1.x branch below), not a hunt
// through the engine.
//
// What 1.x renamed or reshaped:
//   ngtcp2_connection_close_error (+ _default, _set_*)  ->  ngtcp2_ccerr (+ ngtcp2_ccerr_*)
//   ngtcp2_conn_get_connection_close_error(conn, &e)    ->  ngtcp2_conn_get_ccerr(conn)
//   settings.qlog.write / settings.qlog.odcid           ->  settings.qlog_write / qlog.odcid gone
//                                                           (the odcid is the client's dcid)
//   ngtcp2_conn_shutdown_stream[_write](conn, id, code) ->  (conn, flags, id, code)
//   ngtcp2_crypto_level                                  ->  ngtcp2_encryption_level
//   0-RTT transport parameters: the application stored them itself (0.12, set back with
//   ngtcp2_conn_set_early_remote_transport_params)       ->
//   ngtcp2_conn_encode_0rtt_transport_params
//                                                           / ngtcp2_conn_decode_and_set_0rtt_...
#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace net::quic_compat {

#if NGTCP2_VERSION_NUM >= 0x010000
using close_error = ngtcp2_ccerr;
inline void close_error_default(close_error* e) {
  ngtcp2_ccerr_default(e);
}
inline void close_error_liberr(close_error* e, int liberr) {
  ngtcp2_ccerr_set_liberr(e, liberr, nullptr, 0);
}
inline void close_error_app(close_error* e, std::uint64_t code, std::string_view reason) {
  ngtcp2_ccerr_set_application_error(e, code, reinterpret_cast<const std::uint8_t*>(reason.data()),
                                     reason.size());
}
inline void close_error_tls_alert(close_error* e, std::uint8_t alert) {
  ngtcp2_ccerr_set_tls_alert(e, alert, nullptr, 0);
}
inline close_error peer_close_error(ngtcp2_conn* c) {
  return *ngtcp2_conn_get_ccerr(c);
}
inline bool close_error_is_app(const close_error& e) {
  return e.type == NGTCP2_CCERR_TYPE_APPLICATION;
}
inline void set_qlog(ngtcp2_settings& s, ngtcp2_qlog_write w, const ngtcp2_cid&) {
  s.qlog_write = w;
}
inline int shutdown_stream(ngtcp2_conn* c, std::int64_t id, std::uint64_t code) {
  return ngtcp2_conn_shutdown_stream(c, 0, id, code);
}
inline int shutdown_stream_write(ngtcp2_conn* c, std::int64_t id, std::uint64_t code) {
  return ngtcp2_conn_shutdown_stream_write(c, 0, id, code);
}
#else
using close_error = ngtcp2_connection_close_error;
inline void close_error_default(close_error* e) {
  ngtcp2_connection_close_error_default(e);
}
inline void close_error_liberr(close_error* e, int liberr) {
  ngtcp2_connection_close_error_set_transport_error_liberr(e, liberr, nullptr, 0);
}
inline void close_error_app(close_error* e, std::uint64_t code, std::string_view reason) {
  ngtcp2_connection_close_error_set_application_error(
      e, code, reinterpret_cast<const std::uint8_t*>(reason.data()), reason.size());
}
inline void close_error_tls_alert(close_error* e, std::uint8_t alert) {
  ngtcp2_connection_close_error_set_transport_error_tls_alert(e, alert, nullptr, 0);
}
inline close_error peer_close_error(ngtcp2_conn* c) {
  close_error e;
  ngtcp2_conn_get_connection_close_error(c, &e);
  return e;
}
inline bool close_error_is_app(const close_error& e) {
  return e.type == NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_APPLICATION;
}
inline void set_qlog(ngtcp2_settings& s, ngtcp2_qlog_write w, const ngtcp2_cid& odcid) {
  s.qlog.write = w;
  s.qlog.odcid = odcid;
}
inline int shutdown_stream(ngtcp2_conn* c, std::int64_t id, std::uint64_t code) {
  return ngtcp2_conn_shutdown_stream(c, id, code);
}
inline int shutdown_stream_write(ngtcp2_conn* c, std::int64_t id, std::uint64_t code) {
  return ngtcp2_conn_shutdown_stream_write(c, id, code);
}
#endif

/// The server's transport parameters a client must remember to send 0-RTT data on a later
/// connection (RFC 9000 7.4.1), as bytes for the session file; empty when there are none yet.
std::string encode_0rtt_params(ngtcp2_conn* c);
/// Sets what encode_0rtt_params gave on a new client connection; false when `bytes` is not
/// such a record (a damaged or foreign session file), and then nothing is set.
bool set_0rtt_params(ngtcp2_conn* c, std::string_view bytes);
/// Parses such a record without a connection (the fuzz target's way in): false when malformed.
bool parse_0rtt_params(std::string_view bytes, ngtcp2_transport_params* out);

}  // namespace net::quic_compat

#pragma once
// A service that answers messages rather than bytes (`vitnet rpc serve`): serve listens, admits,
// does TLS, HTTP and the WebSocket upgrade as for its own modes, and hands the service each
// connection, request body or WebSocket session.
#include <string>

#include "commands/serve/session.hpp"
#include "net/context.hpp"
#include "net/deadline.hpp"

namespace net {
class quic_session;
}

namespace commands {

class ws_session;

class message_service {
 public:
  virtual ~message_service() = default;
  /// Serves a byte-stream connection (tcp, unix, tls) until it ends; returns why it ended.
  virtual net::task<std::string> serve_stream(net::stream& conn, conn_stats& st,
                                              net::watchdog* idle) = 0;
  /// Answers one HTTP request body: the response body, or nullopt when nothing is owed (a
  /// notification).
  virtual net::task<std::optional<std::string>> answer_http(std::string body,
                                                            const conn_stats& st) = 0;
  /// The media type of the bodies answer_http takes and gives.
  virtual std::string_view media_type() const { return "application/json"; }
  /// Answers a GET whose request target carries the message (DNS over HTTPS puts it in
  /// ?dns=): the response body, or nullopt when GET is not how this service is asked (405).
  /// Throws vitnet::error 65 for a target that holds no message (400).
  virtual net::task<std::optional<std::string>> answer_http_get(std::string target,
                                                                const conn_stats& st);
  /// Serves an open WebSocket session: each text or binary message is a message.
  virtual net::task<void> serve_ws(ws_session& s, std::string buffered, conn_stats& st) = 0;
  /// The ALPN of a service that takes whole QUIC connections (DNS over QUIC: "doq"); empty for
  /// one that quic:// serves as a byte stream, through serve_stream.
  virtual std::string_view quic_alpn() const { return {}; }
  /// Serves a QUIC connection, its streams the service's to accept, until it ends; returns why
  /// it ended. Called only when quic_alpn() names a protocol.
  virtual net::task<std::string> serve_quic(net::quic_session&, conn_stats&) { co_return "eof"; }
};

}  // namespace commands

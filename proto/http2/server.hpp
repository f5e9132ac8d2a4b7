#pragma once
// The server side of HTTP/2 (RFC 9113), sans-io, on nghttp2's session: bytes from the client in,
// whole requests out; responses in, bytes for the client out. Used where a client speaks only
// HTTP/2 (dig and kdig ask DNS over HTTPS that way); a request's body is gathered whole, up to
// a bound, and answered whole.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proto::http2 {

struct request {
  std::int32_t stream_id = 0;
  std::string method, scheme, authority, path;               ///< the pseudo-headers
  std::vector<std::pair<std::string, std::string>> headers;  ///< the others, names lowercase
  std::string body;
};

struct response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names are lowercased on output
  std::string body;
};

class server_session {
 public:
  /// `max_body`: the request body bytes held at once, over all streams; a stream whose data
  /// would pass it is reset (REFUSED_STREAM). `max_streams`: streams open at once (SETTINGS).
  explicit server_session(std::size_t max_body = 1 << 20, std::uint32_t max_streams = 100);
  ~server_session();
  server_session(const server_session&) = delete;
  server_session& operator=(const server_session&) = delete;

  /// Reads bytes from the client. False when the connection must end (a protocol error; the
  /// GOAWAY saying so is in output()).
  bool feed(std::string_view bytes);
  /// Requests complete since the last call, in the order they completed.
  std::vector<request> take_requests();
  /// Queues the response to a request.
  void respond(std::int32_t stream_id, response r);
  /// Bytes to send to the client now (the preface's SETTINGS, frames, responses).
  std::string output();
  /// Whether the session is over: both sides said GOAWAY, or nothing more can happen.
  bool finished() const;
  /// Why feed() failed.
  const std::string& error() const { return error_; }

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
  std::string error_;
};

}  // namespace proto::http2

#pragma once
// HTTP/1.1 message parsing and serialising (RFC 9112), sans-io: the parsers are fed bytes as they
// arrive and yield proto::request / proto::response values; the serialisers return bytes to send.
//
// The parsers are strict where leniency lets two parsers disagree about where a message ends
// (request smuggling): both Content-Length and Transfer-Encoding, a repeated Content-Length, a
// bare LF or CR, obs-fold or whitespace before a colon in a request are all errors. A request
// line or header line must end in CRLF: a proxy that read a bare LF as a line end while the
// backend behind it does not (or the other way round) is a known smuggling vector, and every
// client worth supporting (curl, browsers, wrk, `ncat --crlf`, `nc -C`) sends CRLF. Responses
// are read more leniently (a bare LF ends a line, obs-fold is unfolded into a space) because a
// backend is the party being proxied to, not an attacker, and curl does the same.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "proto/http1/message.hpp"

namespace proto {

/// Bounds on what a parser buffers; exceeding one is an error with the status in brackets.
struct http_limits {
  std::size_t max_start_line = 8 * 1024;     ///< request line (414) or status line
  std::size_t max_header_bytes = 64 * 1024;  ///< header section, trailers included (431)
  std::size_t max_headers = 100;             ///< header fields, trailers included (431)
  std::size_t max_body = 16 * 1024 * 1024;   ///< decoded body (413)
  std::size_t max_chunk_line = 4 * 1024;     ///< chunk-size line with its extensions (400)
};

/// Why a parser stopped. For requests `status` is the response to send (400, 413, 414, 431,
/// 501, 505); for responses it is always 502, what a proxy answers for a bad backend.
struct http_error {
  int status = 0;
  std::string message;  ///< short and lowercase: "duplicate content-length"
};

/// What a parser's poll() found.
enum class http_event {
  need_more,  ///< feed more bytes
  head,       ///< a message's start line and headers are complete (current()); its body follows
  message,    ///< a whole message is complete: take() it before polling again
  paused,     ///< after an upgrade, CONNECT or 101: the buffered bytes belong to the next protocol
  end,        ///< (responses) the stream ended cleanly between messages
  error,      ///< error() says why; the parser stays in this state
};

/// Whether a request asks to switch protocols: HTTP/1.1, an Upgrade field and Connection: upgrade.
bool is_upgrade(const request& r);
/// Whether the client waits for "100 Continue" before sending the body (ignored for HTTP/1.0).
bool expects_continue(const request& r);

/// Whether `s` is an RFC 9110 token (a method, a field name, a coding): one or more of the
/// letters, digits and !#$%&'*+-.^_`|~.
bool is_token(std::string_view s);

namespace detail {
enum class body_framing { none, length, chunked, until_close };

bool is_field_text(std::string_view s);  // field value: no control characters but HTAB
std::string_view trim_ows(std::string_view s);

// The byte buffer, line, field and body reading both parsers share (http1_reader.cpp).
class http1_reader {
 public:
  http1_reader(const http_limits& limits, bool response);
  void feed(std::string_view bytes);
  void feed_eof() { eof_ = true; }
  bool eof() const { return eof_; }
  std::size_t buffered() const { return buf_.size() - pos_; }
  std::string take_buffered();
  /// The bytes buffered and not yet consumed.
  std::string_view pending() const { return std::string_view(buf_).substr(pos_); }
  const http_limits& limits() const { return limits_; }

  // Each returns false when it needs more bytes or has failed (then failed() is true).
  bool read_line(std::string_view& line, std::size_t limit, int too_long_status,
                 std::string_view too_long_message);
  bool read_fields(header_list& into);
  bool read_body(std::string& body);

  void begin_message();
  void begin_body(body_framing framing, std::uint64_t length);
  /// Bodies are taken in pieces as they arrive (stream_bodies()): max_body no longer bounds them.
  void unbounded_bodies() { unbounded_ = true; }
  bool unbounded() const { return unbounded_; }
  /// The body's length when the message declared one (Content-Length), else nullopt.
  std::optional<std::uint64_t> declared_length() const { return declared_; }
  body_framing framing() const { return framing_; }
  bool fail(int status, std::string message);  ///< records the error; returns false
  bool failed() const { return error_.status != 0; }
  const http_error& error() const { return error_; }

 private:
  bool read_field_line(std::string_view& line);
  bool flush_field(header_list& into);
  bool read_chunked(std::string& body);

  http_limits limits_;
  bool response_;
  bool eof_ = false;
  std::string buf_;
  std::size_t pos_ = 0;   // first unconsumed byte
  std::size_t scan_ = 0;  // where the search for the next LF resumes
  std::size_t header_bytes_ = 0, fields_ = 0;
  // The last field read, held back because obs-fold may still continue it.
  std::optional<std::pair<std::string, std::string>> pending_;
  body_framing framing_ = body_framing::none;
  std::uint64_t remaining_ = 0;
  std::optional<std::uint64_t> declared_;
  bool unbounded_ = false;
  enum class chunk_state { size, data, data_end, trailers } chunk_ = chunk_state::size;
  header_list trailers_;
  http_error error_;
};
}  // namespace detail

/// Parses requests from a client's byte stream; several may arrive in one chunk (pipelining).
/// Example:
///   parser.feed(bytes);
///   for (auto ev = parser.poll(); ev != http_event::need_more; ev = parser.poll()) {
///     if (ev == http_event::head && expects_continue(parser.current())) send("100 Continue");
///     else if (ev == http_event::message) handle(parser.take());
///     else if (ev == http_event::error) { answer(parser.error().status); break; }
///     else if (ev == http_event::paused) { start_websocket(parser.take_buffered()); break; }
///   }
class request_parser {
 public:
  explicit request_parser(http_limits limits = {});
  /// Buffers bytes; ignored once the parser has failed.
  void feed(std::string_view bytes);
  /// Parses as far as the buffered bytes allow. `head` is reported once per request, before
  /// its body; `message` repeats until take().
  http_event poll();
  /// The request being parsed: start line and headers are complete once `head` was reported.
  const request& current() const { return req_; }
  /// Moves out the complete request and moves on to the next one, or pauses after an upgrade
  /// request or CONNECT (whose following bytes are not HTTP).
  request take();
  /// After `paused`: the HTTP/1.1 exchange goes on (the server declined the upgrade).
  void resume();
  /// Removes and returns the bytes buffered but not parsed (after `paused`: the new protocol's).
  std::string take_buffered() { return in_.take_buffered(); }
  const http_error& error() const { return in_.error(); }

  /// From now on bodies are read in pieces instead of whole: each poll() decodes what is
  /// buffered into the body, which take_body() moves out (after `head`, and at `message` before
  /// take()). A body is then bounded by the caller's draining, not by max_body.
  void stream_bodies() { in_.unbounded_bodies(); }
  std::string take_body() { return std::exchange(req_.body, {}); }
  /// Whether the request being read has a body (Content-Length above 0, or chunked).
  bool has_body() const;
  /// Its Content-Length, when it has one.
  std::optional<std::uint64_t> declared_length() const { return in_.declared_length(); }

 private:
  bool parse_request_line(std::string_view line);
  bool parse_target();
  bool check_head();

  enum class phase { start, fields, body, done, paused, failed };
  detail::http1_reader in_;
  phase phase_ = phase::start;
  request req_;
};

/// Parses a backend's responses, in the order the requests were sent. 1xx interim responses are
/// skipped, except 101, which completes like a message and pauses the parser.
class response_parser {
 public:
  explicit response_parser(http_limits limits = {});
  /// The method of the request the next response answers (default GET): HEAD responses have no
  /// body, and a 2xx answer to CONNECT starts a tunnel. Set before that response's head is read.
  void set_request_method(std::string_view method) { method_ = method; }
  void feed(std::string_view bytes);
  /// The backend closed its side: completes a body delimited by the close, else is an error
  /// mid-message, or `end` between messages.
  void feed_eof() { in_.feed_eof(); }
  http_event poll();
  const response& current() const { return resp_; }
  response take();
  /// Whether the connection can carry another request after the last complete response.
  bool keep_alive() const { return keep_alive_; }
  void resume();
  std::string take_buffered() { return in_.take_buffered(); }
  const http_error& error() const { return in_.error(); }

  /// As request_parser::stream_bodies(): bodies are taken in pieces.
  void stream_bodies() { in_.unbounded_bodies(); }
  std::string take_body() { return std::exchange(resp_.body, {}); }
  /// The Content-Length of the response being read, when it is framed by one.
  std::optional<std::uint64_t> declared_length() const { return in_.declared_length(); }

 private:
  bool parse_status_line(std::string_view line);
  bool check_head();

  enum class phase { start, fields, body, done, paused, ended, failed };
  detail::http1_reader in_;
  phase phase_ = phase::start;
  std::string method_ = "GET";
  response resp_;
  int version_minor_ = 1;
  bool keep_alive_ = true;
  bool pause_after_ = false;
};

/// "HTTP/1.1 200 OK\r\n", the fields, and "\r\n". With `content_length`, any Content-Length and
/// Transfer-Encoding fields are replaced by "Content-Length: <n>". CR, LF and NUL in the reason
/// or fields are written as spaces, so a value cannot split the response.
std::string serialize_response_head(const response& r,
                                    std::optional<std::uint64_t> content_length = std::nullopt);
/// The head framed with Content-Length, then the body; 1xx, 204 and 304 get neither.
std::string serialize_response(const response& r);
/// "GET /x HTTP/1.1\r\n", the fields, "\r\n" (target from path and query when target is empty).
std::string serialize_request_head(const request& r,
                                   std::optional<std::uint64_t> content_length = std::nullopt);
/// The head framed with Content-Length (when there is a body, or the method is POST, PUT or
/// PATCH), then the body.
std::string serialize_request(const request& r);
/// One chunk of a chunked body: "1a\r\n<data>\r\n". Empty data gives "": a zero-size chunk would
/// end the body.
std::string serialize_chunk(std::string_view data);
/// The last chunk and the trailer section: "0\r\n\r\n".
std::string serialize_last_chunk(const header_list& trailers = {});

}  // namespace proto

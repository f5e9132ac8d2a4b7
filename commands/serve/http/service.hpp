#pragma once
// serve http:// and https://: one HTTP/1.1 exchange loop per connection (keep-alive, pipelining,
// 100-continue, limits, a header deadline against slow clients) in front of a handler: static
// files (--dir), a mock API (--routes) or a reverse proxy (--backend), with the request log,
// CORS, authentication and extra headers applied around whichever answers. WebSocket upgrades
// are handed to the WebSocket side (ws_service) when serving ws://.
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "commands/serve/session.hpp"
#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/quic/quic.hpp"
#include "proto/http1/parser.hpp"

namespace commands {

class ws_service;
class message_service;

enum class lb_policy { round_robin, least_connections, random };

struct http_serve_options {
  std::string dir;  ///< --dir: static files
  bool follow_symlinks = false;
  bool dotfiles = false;              ///< --dotfiles: serve and list names starting with a dot
  bool listing = true;                ///< directory listings (--no-listing turns them off)
  std::string routes_file;            ///< --routes: the mock API
  std::vector<std::string> backends;  ///< --backend URLs: the reverse proxy
  lb_policy lb = lb_policy::round_robin;
  std::string health_path;  ///< --health PATH: active checks; empty: none
  core::duration health_interval = std::chrono::seconds(2);
  core::duration backend_timeout = std::chrono::seconds(30);
  bool cors = false;
  std::string basic_auth;                                    ///< "user:pass"
  std::string bearer;                                        ///< a token
  std::vector<std::pair<std::string, std::string>> headers;  ///< --header, on every response
  proto::http_limits limits;
  core::duration header_timeout = std::chrono::seconds(10);
  core::duration keepalive_timeout = std::chrono::seconds(60);
  bool log = true;  ///< the request log on stdout (off with -q)
  int workers = 0;  ///< processes accepting connections; 0: one per core for --dir, else 1
  /// rpc serve: request bodies are messages for this service (POST only).
  std::shared_ptr<message_service> service;
  /// Another command's own handler (proxy --api), put in front of the exchange loop.
  std::function<std::unique_ptr<class http_handler>()> make_handler;
  bool http3 = false;  ///< https: also HTTP/3 on the same port number over UDP (--http3)
};

/// A body read or produced while it moves: the reverse proxy's request and response bodies.
class body_source {
 public:
  virtual ~body_source() = default;
  /// The next piece of the body (at most some tens of KiB); empty at its end. Throws
  /// vitnet::error when the body cannot be completed (its sender left or broke the framing).
  virtual net::task<std::string> next() = 0;
};

/// A handler's answer: the response, and optionally a file section to send as its body.
struct http_reply {
  proto::response resp;
  struct file_part {
    std::shared_ptr<int> fd;  ///< an open file, closed when the last holder goes
    std::uint64_t offset = 0, length = 0;
  };
  /// Body bytes after resp.body, shared with a cache.
  std::shared_ptr<const std::string> shared_body;
  /// Body pieces after those: file sections interleaved with literal text (multipart).
  std::vector<std::pair<std::string, file_part>> parts;
  /// A streamed body (the reverse proxy's): taken from `stream` while it is sent, with
  /// `stream_length` as its Content-Length when known, else chunked (to an HTTP/1.0 client:
  /// delimited by closing the connection). For HEAD, `stream_length` is what a GET would have.
  bool streamed = false;
  std::unique_ptr<body_source> stream;
  std::optional<std::uint64_t> stream_length;
  /// Body bytes written to the client (set by the service, for the log).
  std::uint64_t sent = 0;
  std::uint64_t body_length() const;
};

/// A backend that agreed to switch protocols (101): its response and the connection, with any
/// bytes of the new protocol that came with the response.
struct http_upgraded {
  proto::response resp;
  net::stream peer;
  std::string early;
};

class http_handler {
 public:
  virtual ~http_handler() = default;
  /// Answers one request. May take its time (a mock's delay, a backend).
  virtual net::task<http_reply> handle(const proto::request& req, const conn_stats& st) = 0;

  /// A handler that streams takes requests after their head, reading the body from `body`
  /// (which ends at once for a request without one) instead of from req.body.
  virtual bool streams() const { return false; }
  virtual net::task<http_reply> handle_stream(const proto::request& req, const conn_stats& st,
                                              body_source& body);
  /// A handler that passes upgrades on (the reverse proxy): either the backend's 101 and its
  /// connection, for the service to join to the client's, or an ordinary reply.
  virtual bool passes_upgrades() const { return false; }
  /// What a CORS preflight may be told this handler answers.
  virtual std::string_view methods() const {
    return "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
  }
  virtual net::task<std::variant<http_reply, http_upgraded>> upgrade(const proto::request& req,
                                                                     const conn_stats& st);
};

class http_service {
 public:
  /// Builds the handler the options ask for. Throws vitnet::error: 66 a missing --dir, 65 a bad
  /// routes file, 64 a bad backend URL.
  http_service(net::context& ctx, const http_serve_options& o, core::io& io, bool tls,
               std::shared_ptr<ws_service> ws = nullptr);
  ~http_service();

  /// Serves one connection until it closes; returns why it ended (for the close event).
  net::task<std::string> serve(net::stream& conn, conn_stats& st);
  /// The same for a connection whose TLS handshake chose HTTP/2 (http/h2.cpp).
  net::task<std::string> serve_h2(net::stream& conn, conn_stats& st);
  /// The same for an HTTP/3 connection (http/h3.cpp), until it closes.
  net::task<std::string> serve_h3(net::quic_session conn, conn_stats st);
  /// Alt-Svc for every response (HTTP/3 on a UDP port): `h3=":443"; ma=86400`.
  void set_alt_svc(std::string v) { alt_svc_ = std::move(v); }
  /// Answers a connection the server has no room for with 503 and Retry-After, then closes it.
  void turn_away(net::stream conn);

 private:
  struct conn_clock;
  class request_body;
  net::task<bool> respond(net::stream& conn, const proto::request& req, conn_stats& st,
                          net::clock::time_point started, conn_clock* clock,
                          request_body* body = nullptr);
  /// Decorates, writes and logs a reply; whether the connection can carry the next request
  /// (false when the write failed, the reply closes it, or `framing_lost`).
  net::task<bool> send_reply(net::stream& conn, const proto::request& req, http_reply& reply,
                             conn_stats& st, net::clock::time_point started, conn_clock* clock,
                             bool framing_lost = false);
  /// Joins a client to a backend that switched protocols, until both directions end.
  net::task<std::string> tunnel(net::stream& conn, const proto::request& req, http_upgraded& up,
                                std::string early, conn_stats& st, net::clock::time_point started);
  /// Writes `reply`; with a `clock`, each write must make progress within the idle timeout
  /// (a client that stops reading is cut off, not held).
  net::task<bool> write_reply(net::stream& conn, const proto::request& req, http_reply& reply,
                              bool keep_alive, conn_stats& st, conn_clock* clock = nullptr);
  bool authorized(const proto::request& req) const;
  void decorate(const proto::request& req, proto::response& resp) const;
  void log(const proto::request& req, const conn_stats& st, int status, std::uint64_t bytes,
           net::duration took);
  const std::string& date_now();
  net::task<void> sweep();

  struct conn_clock {
    net::clock::time_point deadline;
    net::stream* conn;
    bool* timed_out;
  };
  std::list<conn_clock> clocks_;
  bool sweeping_ = false;

  net::context& ctx_;
  const http_serve_options& o_;
  core::io& io_;
  bool tls_;
  std::unique_ptr<http_handler> handler_;
  std::shared_ptr<ws_service> ws_;
  std::string date_;
  std::int64_t date_second_ = -1;
  std::string alt_svc_;
};

/// Handlers, each in its own file.
std::unique_ptr<http_handler> make_service_handler(net::context& ctx, const http_serve_options& o);
std::unique_ptr<http_handler> make_file_handler(net::context& ctx, const http_serve_options& o);
std::unique_ptr<http_handler> make_mock_handler(net::context& ctx, const http_serve_options& o,
                                                core::io& io);
std::unique_ptr<http_handler> make_proxy_handler(net::context& ctx, const http_serve_options& o,
                                                 core::io& io, bool tls);

/// The address part of a peer name: "127.0.0.1" of "127.0.0.1:5000", "::1" of "[::1]:5000".
std::string peer_host(std::string_view peer);

/// A plain response with a text body.
http_reply text_reply(int status, std::string body,
                      std::string_view type = "text/plain; charset=utf-8");

}  // namespace commands

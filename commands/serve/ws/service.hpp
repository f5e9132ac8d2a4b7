#pragma once
// serve ws:// and wss://: after the HTTP upgrade, one WebSocket session per connection. Modes:
// echo, broadcast (a chat: rooms by request path), exec (a child per connection, messages as
// lines on its stdin and its stdout lines as messages) and stdio (messages as lines on stdout,
// stdin lines as messages).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands/serve/session.hpp"
#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "proto/http1/message.hpp"

namespace commands {

class message_service;

enum class ws_mode { stdio, echo, broadcast, exec };

struct ws_options {
  ws_mode mode = ws_mode::stdio;
  std::string exec;  ///< --exec: a shell command
  std::vector<std::string>
      protocols;        ///< --protocol: subprotocols the server speaks, preferred first
  bool binary = false;  ///< messages made from lines go as binary frames
  std::size_t max_message = 16 * 1024 * 1024;
  std::optional<core::duration> ping_interval;  ///< --ping-interval: keep idle peers alive
  std::optional<core::duration> idle_timeout;   ///< --idle-timeout: close quiet sessions (1001)
  /// --origin: pages (normalized origins, or "*") allowed to connect besides the server's own.
  std::vector<std::string> origins;
  /// rpc serve: every session's messages go to this service (instead of the mode).
  std::shared_ptr<message_service> service;
};

class ws_session;
struct ws_room;

class ws_service {
 public:
  ws_service(net::context& ctx, const ws_options& o, core::io& io);
  ~ws_service();

  /// Whether the page that sent `req` (its Origin) may open a WebSocket here (see origin.hpp).
  bool admits(const proto::request& req) const;

  /// Completes the handshake for `req` on `conn` (with `buffered`, the bytes that followed the
  /// request) and runs the session. Returns why it ended, for the close event.
  net::task<std::string> serve(net::stream& conn, const proto::request& req, std::string buffered,
                               conn_stats& st);

 private:
  net::task<void> stdin_to_session(ws_session& s, std::shared_ptr<bool> alive);
  net::task<std::string> exec_session(ws_session& s, net::stream& conn, std::string buffered,
                                      conn_stats& st);

  net::context& ctx_;
  const ws_options& o_;
  core::io& io_;
  std::map<std::string, std::unique_ptr<ws_room>> rooms_;
};

}  // namespace commands

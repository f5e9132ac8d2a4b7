#pragma once
// vitnet connect ws:// and wss://: stdin lines become messages and messages become lines on
// stdout, as websocat does; with pings at an interval and reconnection when asked.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/tls/tls.hpp"

namespace commands {

struct ws_connect_options {
  std::vector<std::string> headers;    ///< -H 'Name: value' on the upgrade request
  std::vector<std::string> protocols;  ///< --protocol, offered in order
  bool binary = false;                 ///< send stdin as binary messages
  bool raw = false;  ///< a message per read of stdin, and messages written without a newline
  std::optional<core::duration> ping_interval;
  bool reconnect = false;  ///< dial again (after --retry-delay) when the connection is lost
  /// After the end of stdin, keep reading until no message has come for this long, then close
  /// (for servers that drop replies still owed once the client closes).
  std::optional<core::duration> linger;
  std::size_t max_message = 16 * 1024 * 1024;
};

/// Dials `where`, makes the upgrade (with o.headers and o.protocols), and returns the connection
/// with the bytes that followed the 101. Throws like run_ws_connect.
net::task<std::pair<net::stream, std::string>> ws_open(net::context& ctx,
                                                       const net::endpoint& where,
                                                       const ws_connect_options& o,
                                                       const net::tls_client_options& tls,
                                                       const net::dial_options& dial);

/// Runs one WebSocket client session (more with reconnect). Returns 0 after a normal close (by
/// either side); throws vitnet::error: 68/69/75 dialing, 76 a refused handshake or a protocol
/// error, 74 a connection lost without a close.
net::task<int> run_ws_connect(net::context& ctx, const net::endpoint& where,
                              const ws_connect_options& o, const net::tls_client_options& tls,
                              const net::dial_options& dial, core::io& io);

}  // namespace commands

#pragma once
// Handing a connection to a library that wants a socket of its own (libcurl), on either backend:
// vitnet dials (its resolver, its deadlines, its messages and exit codes, the mock network's hosts
// and faults), then gives the library a socket that reaches the same peer.
#include <functional>
#include <vector>

#include "net/context.hpp"
#include "net/stream.hpp"

namespace net {

/// A connection made by vitnet, in the form a library that reads and writes its own socket takes.
struct socket_handoff {
  int fd = -1;  ///< the library's socket; whoever receives the handoff owns it
  /// Empty: fd is connected to the peer. Otherwise fd is a fresh socket that the library must
  /// connect to this address (the bytes of a sockaddr), where a relay to the peer waits.
  std::vector<unsigned char> connect_to;
  /// Tells a relay still waiting for the library to connect that it never will; call it when
  /// the library is done with the socket, whatever happened (it does nothing once connected).
  std::function<void()> abandon;
};

/// Hands over `s`, which it consumes. A stream on an operating system socket gives up its own
/// descriptor, already connected. Any other (a simulated connection, a TLS stream) is bridged:
/// the library connects its socket to a Unix listener of vitnet's (abstract, so no file is
/// left), and a task started on `ctx` relays bytes between that connection and `s`, passing on
/// the end of each direction, until both end or the library closes its socket.
/// The library connects rather than being handed a connected socketpair end because libcurl
/// 7.88 calls connect() even on a socket declared already connected, which fails on a
/// socketpair; a connect to a real listener works with every version.
/// Throws vitnet::error (74) when the sockets cannot be made.
/// Example: auto h = hand_off(ctx, co_await dial(ctx, where));
socket_handoff hand_off(context& ctx, stream s);

}  // namespace net

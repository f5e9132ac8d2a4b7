#pragma once
// Private to net/: what listeners and datagram sockets hold, on either backend.
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/local/stream_protocol.hpp>
#include <optional>
#include <variant>

#include "net/datagram.hpp"
#include "net/listener.hpp"
#include "net/sim/objects.hpp"

namespace net {

struct quic_listener_state;
struct listener::impl {
  std::variant<asio::ip::tcp::acceptor, asio::local::stream_protocol::acceptor,
               std::unique_ptr<sim::listener_state>, std::shared_ptr<quic_listener_state>>
      a;
  endpoint local;
  std::string unlink_path;  ///< a Unix socket file to remove on close (set by own_socket_file)
  template <typename A>
  impl(A&& acceptor, endpoint where) : a(std::forward<A>(acceptor)), local(std::move(where)) {}
  ~impl();
};

struct datagram_socket::impl {
  std::variant<asio::ip::udp::socket, std::unique_ptr<sim::datagram_state>> s;
  endpoint local;
  // Whether the socket is IPv6 (dual-stack reaches IPv4 peers by their mapped form): asked of
  // the system once, not before every send (a getsockname per datagram).
  std::optional<bool> v6;
  bool gro = false;  ///< UDP_GRO is on: receives go through recvmsg, to learn the segment size
  template <typename S>
  impl(S&& sock, endpoint where) : s(std::forward<S>(sock)), local(std::move(where)) {}
  asio::ip::udp::socket* udp() { return std::get_if<asio::ip::udp::socket>(&s); }
  sim::datagram_state* sim() {
    auto* p = std::get_if<std::unique_ptr<sim::datagram_state>>(&s);
    return p ? p->get() : nullptr;
  }
};

/// Records that `i` created the socket file at `path`: it is removed when the listener closes,
/// or by remove_own_socket_files(), but only while the file there is still the one it made.
void own_socket_file(listener::impl& i, const std::string& path);
/// Removes every socket file a listener still open created (a process ending on a signal).
void remove_own_socket_files();

/// Converts between asio's addresses and net's.
ip_address from_asio(const asio::ip::address& a);
asio::ip::address to_asio(const ip_address& a);

}  // namespace net

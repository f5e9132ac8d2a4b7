#pragma once
// Private to net/: what listeners and datagram sockets hold on the real backend.
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/local/stream_protocol.hpp>
#include <variant>

#include "net/datagram.hpp"
#include "net/listener.hpp"

namespace net {

struct listener::impl {
  std::variant<asio::ip::tcp::acceptor, asio::local::stream_protocol::acceptor> a;
  endpoint local;
  std::string unlink_path;  ///< a Unix socket file to remove on close
  template <typename A>
  impl(A&& acceptor, endpoint where) : a(std::forward<A>(acceptor)), local(std::move(where)) {}
  ~impl();
};

struct datagram_socket::impl {
  asio::ip::udp::socket s;
  endpoint local;
};

/// Converts between asio's addresses and net's.
ip_address from_asio(const asio::ip::address& a);
asio::ip::address to_asio(const ip_address& a);

}  // namespace net

#pragma once
// Private to net/: what a stream holds. Commands never include this.
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <variant>

#include "net/sim/objects.hpp"
#include "net/stream.hpp"

namespace net {

/// Whether a stream alternative is one of asio's I/O objects.
struct tls_layer;
struct quic_stream_ref;
template <typename T>
constexpr bool is_asio_object =
    !std::is_same_v<T, struct blocking_fd> && !std::is_same_v<T, std::shared_ptr<sim::end>> &&
    !std::is_same_v<T, std::shared_ptr<tls_layer>> &&
    !std::is_same_v<T, std::shared_ptr<quic_stream_ref>>;

/// A file descriptor that cannot be polled (a regular file, /dev/null): read and written directly.
struct blocking_fd {
  int fd = -1;
  bool is_regular_file = false;
};

struct stream::impl {
  using variant = std::variant<asio::ip::tcp::socket, asio::local::stream_protocol::socket,
                               asio::posix::stream_descriptor, blocking_fd,
                               std::shared_ptr<sim::end>, std::shared_ptr<struct tls_layer>,
                               std::shared_ptr<quic_stream_ref>>;
  template <typename S>
  impl(S&& s, std::string name) : s(std::forward<S>(s)), peer_name(std::move(name)) {}

  variant s;
  std::string peer_name;
  std::optional<socket_address> peer;
  bool is_pipe = false;  ///< the descriptor is a pipe (splice can move data to or from it)
  bool owns_fd = true;   ///< blocking_fd: close on destruction
  bool send_closed = false;

  int native_handle();
  bool is_socket() const { return s.index() <= 1; }
  bool is_tcp() const { return s.index() == 0; }
  tls_layer* tls() {
    auto* p = std::get_if<std::shared_ptr<tls_layer>>(&s);
    return p ? p->get() : nullptr;
  }
  quic_stream_ref* quic() {
    auto* p = std::get_if<std::shared_ptr<quic_stream_ref>>(&s);
    return p ? p->get() : nullptr;
  }
  sim::end* sim_end() {
    auto* p = std::get_if<std::shared_ptr<sim::end>>(&s);
    return p ? p->get() : nullptr;
  }
};

/// Wraps an already open descriptor (stdin, stdout, a pipe): pollable ones go through the event
/// loop, regular files and devices epoll refuses are used directly.
stream::impl* make_fd_impl(asio::any_io_executor ex, int fd, std::string name, bool owns);

}  // namespace net

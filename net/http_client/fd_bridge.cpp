#include "net/http_client/fd_bridge.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/this_coro.hpp>
#include <atomic>
#include <cstddef>
#include <cstring>

#include "core/error.hpp"
#include "net/copy.hpp"
#include "net/nothrow.hpp"
#include "net/stream_impl.hpp"

namespace net {

namespace {

// What the relay and the handoff's abandon() share.
struct bridge_state {
  int listen_fd = -1;  // until the relay takes it
  asio::local::stream_protocol::acceptor* acceptor = nullptr;
  bool abandoned = false;
  ~bridge_state() {
    if (listen_fd >= 0) ::close(listen_fd);  // the relay never ran
  }
};

// Whether the other end of a Unix connection is closed for good (not only shut for sending).
bool peer_gone(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

task<void> relay(stream remote, std::shared_ptr<bridge_state> st) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  asio::local::stream_protocol::acceptor acceptor(ex);
  std::error_code ec;
  acceptor.assign(asio::local::stream_protocol(), std::exchange(st->listen_fd, -1), ec);
  if (ec || st->abandoned) co_return;
  st->acceptor = &acceptor;
  auto [accept_ec, sock] = co_await acceptor.async_accept(nothrow);
  st->acceptor = nullptr;
  acceptor.close(ec);  // one connection only
  if (accept_ec) co_return;
  sock.non_blocking(true, ec);
  stream local(std::make_unique<stream::impl>(std::move(sock), remote.peer_name()));

  // The peer's bytes to the library; its end of stream becomes the library's.
  auto down = [&]() -> task<void> {
    auto r = co_await copy(remote, local);
    if (!is_eof(r.read_ec) || r.write_ec) {
      // A reset, or the library went away: neither direction can go on.
      local.close();
      remote.close();
    }
  };
  // The library's bytes to the peer. Libraries close rather than half-close, so the end of what
  // the library sends is usually the end of the connection.
  auto up = [&]() -> task<void> {
    co_await copy(local, remote);
    if (local.is_open() && peer_gone(local.get().native_handle())) {
      remote.close();
      local.close();
    }
  };
  co_await (down() && up());
}

[[noreturn]] void fail_socket(const std::string& peer) {
  vitnet::fail_os("bridge", peer, {errno, std::generic_category()});
}

}  // namespace

socket_handoff hand_off(context& ctx, stream s) {
  auto& i = s.get();
  std::error_code ec;
  if (auto* tcp = std::get_if<asio::ip::tcp::socket>(&i.s)) {
    int fd = tcp->release(ec);
    if (!ec) return {fd, {}, [] {}};
  }
  if (auto* local = std::get_if<asio::local::stream_protocol::socket>(&i.s)) {
    int fd = local->release(ec);
    if (!ec) return {fd, {}, [] {}};
  }

  // An abstract name unique in this network namespace: the process and a counter (the mock
  // network runs many simulated processes in one).
  static std::atomic<unsigned long> counter{0};
  std::string name = fmt::format("vitnet-bridge-{}-{}", ::getpid(), ++counter);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data(), name.size());  // sun_path[0] == 0: abstract
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());

  int listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd < 0) fail_socket(s.peer_name());
  if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd, 1) != 0) {
    int err = errno;
    ::close(listen_fd);
    errno = err;
    fail_socket(s.peer_name());
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    ::close(listen_fd);
    errno = err;
    fail_socket(s.peer_name());
  }
  auto st = std::make_shared<bridge_state>();
  st->listen_fd = listen_fd;
  socket_handoff h;
  h.fd = fd;
  auto* bytes = reinterpret_cast<const unsigned char*>(&addr);
  h.connect_to.assign(bytes, bytes + len);
  h.abandon = [st] {
    st->abandoned = true;
    if (st->acceptor) st->acceptor->cancel();
  };
  ctx.start(relay(std::move(s), st));
  return h;
}

}  // namespace net

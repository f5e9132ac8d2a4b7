#include "net/stream.hpp"

#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asio/read.hpp>
#include <asio/write.hpp>

#include "core/exit_code.hpp"
#include "net/nothrow.hpp"
#include "net/park.hpp"
#include "net/quic/engine.hpp"
#include "net/stream_impl.hpp"
#include "net/tls/impl.hpp"

namespace net {

bool is_eof(const std::error_code& ec) {
  return ec == asio::error::eof;
}
bool is_would_block(const std::error_code& ec) {
  return ec == asio::error::would_block || core::errno_of(ec) == EAGAIN;
}
bool is_cancelled(const std::error_code& ec) {
  return ec == asio::error::operation_aborted;
}

int stream::impl::native_handle() {
  return std::visit(
      [](auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, blocking_fd>)
          return x.fd;
        else if constexpr (is_asio_object<T>)
          return x.native_handle();
        else
          return -1;
      },
      s);
}

stream::impl* make_fd_impl(asio::any_io_executor ex, int fd, std::string name, bool owns) {
  struct stat st {};
  bool regular = ::fstat(fd, &st) == 0 && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) &&
                 !S_ISCHR(st.st_mode);
  if (!regular) {
    asio::posix::stream_descriptor d(ex);
    std::error_code ec;
    int use = owns ? fd : ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    d.assign(use, ec);
    if (!ec) d.non_blocking(true, ec);
    if (!ec) {
      auto* i = new stream::impl(std::move(d), std::move(name));
      i->is_pipe = S_ISFIFO(st.st_mode);
      // A larger pipe means fewer, larger transfers and fewer wake-ups on bulk data; the kernel
      // caps it (fs.pipe-max-size), and failing to grow it is harmless.
      if (i->is_pipe) ::fcntl(use, F_SETPIPE_SZ, 1 << 20);
      return i;
    }
    // epoll refuses some character devices (/dev/null): fall back to direct use.
    if (!owns) ::close(use);
  }
  auto* i = new stream::impl(blocking_fd{fd, S_ISREG(st.st_mode)}, std::move(name));
  i->owns_fd = owns;
  return i;
}

stream::stream() = default;
stream::stream(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
stream::stream(stream&&) noexcept = default;
stream& stream::operator=(stream&&) noexcept = default;
stream::~stream() {
  if (impl_) close();
}

namespace {

template <typename S>
task<io_result> async_read(S& s, std::span<char> buf) {
  auto [ec, n] = co_await s.async_read_some(asio::buffer(buf.data(), buf.size()), nothrow);
  co_return io_result{ec, n};
}

template <typename S>
task<io_result> async_write(S& s, std::span<const char> data) {
  auto [ec, n] = co_await asio::async_write(s, asio::buffer(data.data(), data.size()), nothrow);
  co_return io_result{ec, n};
}

template <typename S>
task<std::error_code> async_wait_read(S& s) {
  auto [ec] = co_await s.async_wait(S::wait_read, nothrow);
  co_return ec;
}

io_result fd_read(int fd, std::span<char> buf) {
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n > 0) return {{}, static_cast<std::size_t>(n)};
    if (n == 0) return {asio::error::eof, 0};
    if (errno == EINTR) continue;
    return {std::error_code(errno, std::system_category()), 0};
  }
}

io_result fd_write(int fd, std::span<const char> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return {std::error_code(errno, std::system_category()), done};
    done += static_cast<std::size_t>(n);
  }
  return {{}, done};
}

}  // namespace

task<io_result> stream::read_some(std::span<char> buf) {
  if (auto* b = std::get_if<blocking_fd>(&impl_->s)) co_return fd_read(b->fd, buf);
  if (auto* e = impl_->sim_end()) co_return co_await sim::read_some(*e, buf);
  if (auto* t = impl_->tls()) co_return co_await tls_read_some(*t, buf);
  if (auto* q = impl_->quic()) co_return co_await quic_read_some(*q, buf);
  co_return co_await std::visit(
      [&](auto& s) -> task<io_result> {
        if constexpr (!is_asio_object<std::decay_t<decltype(s)>>)
          return {};
        else
          return async_read(s, buf);
      },
      impl_->s);
}

io_result stream::try_read_some(std::span<char> buf) {
  if (auto* b = std::get_if<blocking_fd>(&impl_->s)) return fd_read(b->fd, buf);
  if (auto* e = impl_->sim_end()) return sim::try_read_some(*e, buf);
  if (auto* t = impl_->tls()) return tls_try_read_some(*t, buf);
  if (auto* q = impl_->quic()) return quic_try_read_some(*q, buf);
  return std::visit(
      [&](auto& s) -> io_result {
        if constexpr (!is_asio_object<std::decay_t<decltype(s)>>) {
          return {};
        } else {
          std::error_code ec;
          std::size_t n = s.read_some(asio::buffer(buf.data(), buf.size()), ec);
          return {ec, n};
        }
      },
      impl_->s);
}

io_result stream::try_write_some(std::span<const char> data) {
  if (impl_->sim_end() || impl_->tls() || impl_->quic())
    return {std::make_error_code(std::errc::operation_would_block), 0};
  return std::visit(
      [&](auto& s) -> io_result {
        if constexpr (!is_asio_object<std::decay_t<decltype(s)>>) {
          return {std::make_error_code(std::errc::operation_would_block), 0};
        } else {
          std::error_code ec;
          std::size_t n = s.write_some(asio::buffer(data.data(), data.size()), ec);
          return {ec, n};
        }
      },
      impl_->s);
}

namespace {
task<std::error_code> ready_now() {
  co_return std::error_code{};
}
}  // namespace

// Not a coroutine: it hands over the wait of the kind of stream this is. An idle connection
// waits here, and a frame of its own for each of 10,000 idle connections was memory for nothing.
task<std::error_code> stream::wait_readable() {
  if (std::holds_alternative<blocking_fd>(impl_->s)) return ready_now();
  if (auto* e = impl_->sim_end()) return sim::wait_readable(*e);
  if (auto* t = impl_->tls()) return tls_wait_readable(*t);
  if (auto* q = impl_->quic()) return quic_wait_readable(*q);
  return std::visit(
      [&](auto& s) -> task<std::error_code> {
        if constexpr (!is_asio_object<std::decay_t<decltype(s)>>)
          return ready_now();
        else
          return async_wait_read(s);
      },
      impl_->s);
}

task<io_result> stream::write_all(std::span<const char> data) {
  if (auto* b = std::get_if<blocking_fd>(&impl_->s)) co_return fd_write(b->fd, data);
  if (auto* e = impl_->sim_end()) co_return co_await sim::write_all(*e, data);
  if (auto* t = impl_->tls()) co_return co_await tls_write_all(*t, data);
  if (auto* q = impl_->quic()) co_return co_await quic_write_all(*q, data);
  co_return co_await std::visit(
      [&](auto& s) -> task<io_result> {
        if constexpr (!is_asio_object<std::decay_t<decltype(s)>>)
          return {};
        else
          return async_write(s, data);
      },
      impl_->s);
}

std::error_code stream::shutdown_send() {
  if (impl_->send_closed) return {};
  impl_->send_closed = true;
  std::error_code ec;
  std::visit(
      [&](auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, blocking_fd>) {
          if (impl_->owns_fd && s.fd >= 0) ::close(std::exchange(s.fd, -1));
        } else if constexpr (std::is_same_v<S, std::shared_ptr<sim::end>>) {
          ec = sim::shutdown_send(*s);
        } else if constexpr (std::is_same_v<S, std::shared_ptr<tls_layer>>) {
          ec = tls_shutdown_send(s);
        } else if constexpr (std::is_same_v<S, std::shared_ptr<quic_stream_ref>>) {
          ec = quic_shutdown_send(*s);
        } else if constexpr (std::is_same_v<S, asio::posix::stream_descriptor>) {
          s.close(ec);
        } else {
          s.shutdown(asio::socket_base::shutdown_send, ec);
        }
      },
      impl_->s);
  return ec;
}

void stream::cancel() {
  if (!impl_) return;
  std::visit(
      [](auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, std::shared_ptr<sim::end>>) {
          sim::cancel(*s);
        } else if constexpr (std::is_same_v<S, std::shared_ptr<tls_layer>>) {
          s->inner.cancel();
        } else if constexpr (std::is_same_v<S, std::shared_ptr<quic_stream_ref>>) {
          quic_cancel(*s);
        } else if constexpr (is_asio_object<S>) {
          std::error_code ec;
          s.cancel(ec);
        }
      },
      impl_->s);
}

void stream::close() {
  if (!impl_) return;
  std::visit(
      [&](auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, blocking_fd>) {
          if (impl_->owns_fd && s.fd >= 0) ::close(std::exchange(s.fd, -1));
          s.fd = -1;
        } else if constexpr (std::is_same_v<S, std::shared_ptr<sim::end>>) {
          sim::close(*s);
        } else if constexpr (std::is_same_v<S, std::shared_ptr<tls_layer>>) {
          tls_close(*s);
        } else if constexpr (std::is_same_v<S, std::shared_ptr<quic_stream_ref>>) {
          quic_close(*s);
        } else {
          std::error_code ec;
          s.close(ec);
        }
      },
      impl_->s);
}

std::string stream::failure_detail() const {
  if (auto* t = impl_->tls()) return t->failure;
  if (auto* q = impl_->quic()) return quic_failure(*q);
  return {};
}

void stream::abort() {
  if (!impl_) return;
  if (auto* t = impl_->tls()) return t->inner.abort();
  if (auto* q = impl_->quic()) return quic_abort(*q);
  if (auto* e = impl_->sim_end()) {
    if (e->conn && !e->closed) e->conn->do_reset("aborted");
    sim::close(*e);
    return;
  }
  if (auto* tcp = std::get_if<asio::ip::tcp::socket>(&impl_->s)) {
    std::error_code ec;
    tcp->set_option(asio::socket_base::linger(true, 0), ec);  // close sends RST
  }
  close();
}

std::size_t stream::unacknowledged() const {
  if (auto* t = impl_->tls()) return t->inner.unacknowledged();
  if (auto* tcp = std::get_if<asio::ip::tcp::socket>(&impl_->s)) {
    int queued = 0;
    if (tcp->is_open() && ::ioctl(tcp->native_handle(), SIOCOUTQ, &queued) == 0 && queued > 0)
      return static_cast<std::size_t>(queued);
  }
  return 0;
}

bool stream::is_open() const {
  if (!impl_) return false;
  return std::visit(
      [](auto& s) -> bool {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, blocking_fd>)
          return s.fd >= 0;
        else if constexpr (std::is_same_v<S, std::shared_ptr<sim::end>>)
          return !s->closed;
        else if constexpr (std::is_same_v<S, std::shared_ptr<tls_layer>>)
          return s->inner.is_open();
        else if constexpr (std::is_same_v<S, std::shared_ptr<quic_stream_ref>>)
          return quic_is_open(*s);
        else
          return s.is_open();
      },
      impl_->s);
}

const std::string& stream::peer_name() const {
  return impl_->peer_name;
}
std::optional<socket_address> stream::peer_address() const {
  return impl_->peer;
}

bool parkable(stream& s) {
  return s.is_open() && s.get().is_socket();
}

void when_readable(stream& s, std::function<void(std::error_code)> ready) {
  std::visit(
      [&](auto& sock) {
        if constexpr (std::is_same_v<std::decay_t<decltype(sock)>, asio::ip::tcp::socket> ||
                      std::is_same_v<std::decay_t<decltype(sock)>,
                                     asio::local::stream_protocol::socket>)
          sock.async_wait(std::decay_t<decltype(sock)>::wait_read, std::move(ready));
      },
      s.get().s);
}

}  // namespace net

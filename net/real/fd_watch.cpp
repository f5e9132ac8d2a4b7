#include "net/fd_watch.hpp"

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>

#include "net/nothrow.hpp"

namespace net {

// asio's descriptor waits re-arm the descriptor in epoll when they start, so a descriptor that is
// already readable (data the library left unread) is reported at once, not at the next edge.
struct fd_watch::impl {
  impl(asio::io_context& io, int fd) : d(io), fd(fd) {}
  asio::posix::stream_descriptor d;
  int fd;
  bool released = false;
  std::error_code assign_error;
  std::function<void()> on_destroy;
};

fd_watch::fd_watch(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

fd_watch::~fd_watch() {
  release();
  if (impl_->on_destroy) impl_->on_destroy();
}

task<std::error_code> fd_watch::wait(event e) {
  if (impl_->released) co_return asio::error::operation_aborted;
  if (impl_->assign_error) co_return impl_->assign_error;
  auto what = e == event::readable ? asio::posix::stream_descriptor::wait_read
                                   : asio::posix::stream_descriptor::wait_write;
  // Nothing of *this is touched after the wait: the watch may be gone by then.
  auto [ec] = co_await impl_->d.async_wait(what, nothrow);
  co_return ec;
}

void fd_watch::release() {
  if (impl_->released) return;
  impl_->released = true;
  // Deregisters from epoll and cancels the waits; the descriptor itself stays open.
  if (impl_->d.is_open()) impl_->d.release();
}

int fd_watch::fd() const {
  return impl_->fd;
}

std::unique_ptr<fd_watch> make_fd_watch(asio::io_context& io, int fd,
                                        std::function<void()> on_destroy) {
  auto i = std::make_unique<fd_watch::impl>(io, fd);
  i->d.assign(fd, i->assign_error);
  i->on_destroy = std::move(on_destroy);
  return std::make_unique<fd_watch>(std::move(i));
}

}  // namespace net

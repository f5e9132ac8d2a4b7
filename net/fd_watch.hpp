#pragma once
// Readiness of a descriptor that a library reads and writes itself (libcurl's sockets), watched on
// a context's event loop: the library is told when to act, vitnet never touches the descriptor.
#include <functional>
#include <memory>
#include <system_error>

#include "net/task.hpp"

namespace asio {
class io_context;
}

namespace net {

class fd_watch {
 public:
  enum class event { readable, writable };
  struct impl;

  explicit fd_watch(std::unique_ptr<impl> i);
  /// Stops watching (as release() does); the descriptor stays open.
  ~fd_watch();
  fd_watch(const fd_watch&) = delete;
  fd_watch& operator=(const fd_watch&) = delete;

  /// Waits until the descriptor is ready for `e`, now or later: one wait per event at a time,
  /// both may run together. Ends with an error is_cancelled() recognises once release() was
  /// called (or the context ended the process that waits, on the mock network).
  /// Example: if (!co_await w->wait(fd_watch::event::readable)) ::read(fd, ...);
  task<std::error_code> wait(event e);
  /// Stops watching for good, before whoever owns the descriptor closes it: waits in progress
  /// and later ones end cancelled. Never closes the descriptor.
  void release();
  int fd() const;

 private:
  std::unique_ptr<impl> impl_;
};

/// For the backends (context::watch_fd): a watch of `fd` on `io`. `on_destroy` runs when the
/// watch goes.
std::unique_ptr<fd_watch> make_fd_watch(asio::io_context& io, int fd,
                                        std::function<void()> on_destroy = {});

}  // namespace net

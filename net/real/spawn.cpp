// The real backend's child processes: `serve --exec` and `test net` hosts.
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/process.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/nothrow.hpp"
#include "net/probe.hpp"
#include "net/real/state.hpp"
#include "net/socket_impls.hpp"
#include "net/stream_impl.hpp"

extern char** environ;

namespace net {

namespace {

class real_child final : public child_process {
 public:
  real_child(asio::io_context& io, std::set<pid_t>& live, pid_t pid, int in_fd, int out_fd)
      : io_(io),
        live_(live),
        pid_(pid),
        in_(std::unique_ptr<stream::impl>(
            make_fd_impl(io.get_executor(), in_fd, "child stdin", true))),
        out_(std::unique_ptr<stream::impl>(
            make_fd_impl(io.get_executor(), out_fd, "child stdout", true))) {}
  ~real_child() override {
    if (!reaped_) {
      ::kill(-pid_, SIGTERM);
      int st;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) live_.erase(pid_);
    }
  }
  stream& stdin_stream() override { return in_; }
  stream& stdout_stream() override { return out_; }

  task<int> wait() override {
    if (reaped_) co_return status_;
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) {
      asio::posix::stream_descriptor d(io_, pidfd);
      co_await d.async_wait(asio::posix::stream_descriptor::wait_read, nothrow);
    }
    asio::steady_timer t(io_);
    for (;;) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        live_.erase(pid_);
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        co_return status_;
      }
      if (r < 0) {
        reaped_ = true;
        co_return status_ = 127;
      }
      // Without pidfd (old kernels), poll.
      t.expires_after(std::chrono::milliseconds(10));
      auto [ec] = co_await t.async_wait(nothrow);
      if (ec) co_return -1;
    }
  }

  void kill(int signal) override {
    if (!reaped_) ::kill(-pid_, signal);  // the child's whole process group
  }

 private:
  asio::io_context& io_;
  std::set<pid_t>& live_;  // the context's children not yet reaped, signalled on shutdown
  pid_t pid_;
  stream in_, out_;
  bool reaped_ = false;
  int status_ = -1;
};

}  // namespace

std::unique_ptr<child_process> real_context::spawn(const spawn_options& opts) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0)
    vitnet::fail_os("exec", opts.command, {errno, std::generic_category()});
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    vitnet::fail_os("exec", opts.command, {errno, std::generic_category()});
  }
  // stderr (2) is shared on purpose.
  auto [pid, ec] = core::spawn({{"/bin/sh", "-c", opts.command}, opts.env, {in[0], out[1], -1}});
  ::close(in[0]);
  ::close(out[1]);
  if (ec) {
    ::close(in[1]), ::close(out[0]);
    vitnet::fail_os("exec", opts.command, ec);
  }
  s_->children.insert(pid);
  return std::make_unique<real_child>(s_->io, s_->children, pid, in[1], out[0]);
}

}  // namespace net

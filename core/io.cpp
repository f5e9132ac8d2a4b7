#include "core/io.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/files.hpp"

namespace core {

bool use_color(color_mode mode, bool is_terminal) {
  if (mode == color_mode::always) return true;
  if (mode == color_mode::never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return is_terminal;
}

io::io(output_options opts)
    : opts_(opts),
      out_([](std::string_view s) { write_fd_all(STDOUT_FILENO, s); }),
      err_([](std::string_view s) { write_fd_all(STDERR_FILENO, s); }) {
  // Colour never goes with --json: machine readers get plain text.
  color_ = !opts_.json && use_color(opts_.color, ::isatty(STDERR_FILENO) == 1);
  progress_ = !opts_.json && !opts_.quiet && ::isatty(STDERR_FILENO) == 1;
  own_stdout_ = true;
}

io::io(output_options opts, sink out, sink err)
    : opts_(opts), out_(std::move(out)), err_(std::move(err)) {
  color_ = !opts_.json && opts_.color == color_mode::always;
}

namespace {

// A sink on a descriptor that writes only what the descriptor takes now: poll() says it is
// writable, and each write is at most PIPE_BUF bytes, which a pipe takes whole or not at all.
class unblocking_sink {
 public:
  unblocking_sink(int fd, std::size_t max) : fd_(fd), max_(max) {}
  ~unblocking_sink() { flush(500); }

  void operator()(std::string_view text) {
    if (pending_.size() + text.size() > max_) {
      ++dropped_;
    } else {
      pending_.append(text);
    }
    flush(0);
  }

 private:
  void flush(int wait_ms) {
    if (dropped_ > 0 && pending_.empty()) {
      pending_ =
          "vitnet: the log output stalled; " + std::to_string(dropped_) + " lines were dropped\n";
      dropped_ = 0;
    }
    while (!pending_.empty()) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, wait_ms) != 1 || !(p.revents & POLLOUT)) return;
      auto n = ::write(fd_, pending_.data(), std::min<std::size_t>(pending_.size(), PIPE_BUF));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (errno != EAGAIN) pending_.clear();  // a closed or broken stdout takes nothing more
        return;
      }
      pending_.erase(0, static_cast<std::size_t>(n));
    }
  }

  int fd_;
  std::size_t max_;
  std::string pending_;
  std::uint64_t dropped_ = 0;
};

}  // namespace

void io::log_without_blocking(std::size_t max_buffer) {
  // Only this process's own stdout: given sinks (a mock-network host's) are left as they are.
  if (!own_stdout_) return;
  auto s = std::make_shared<unblocking_sink>(STDOUT_FILENO, max_buffer);
  out_ = [s](std::string_view text) { (*s)(text); };
}

void io::event(std::string_view json_object, bool on_stderr) {
  std::string line;
  line.reserve(json_object.size() + 1);
  line.append(json_object);
  line.push_back('\n');
  (on_stderr ? err_ : out_)(line);
}

void io::diag(level l, std::string_view message) {
  std::string line;
  // Colour changes how a diagnostic looks, never what it says.
  if (color_) {
    line = l == level::error ? "\x1b[1;31mvitnet:\x1b[0m " : "\x1b[1mvitnet:\x1b[0m ";
    if (l == level::warning) line += "\x1b[33mwarning:\x1b[0m ";
  } else {
    line = "vitnet: ";
    if (l == level::warning) line += "warning: ";
  }
  line.append(message);
  line.push_back('\n');
  err_(line);
}

}  // namespace core

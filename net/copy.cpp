#include "net/copy.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <memory>
#include <vector>

#include "core/text.hpp"
#include "net/nothrow.hpp"
#include "net/park.hpp"
#include "net/stream_impl.hpp"

namespace net {

// ---- buffer pool
// ---------------------------------------------------------------------------------

namespace {
std::vector<char*>& free_buffers() {
  thread_local std::vector<char*> pool;
  return pool;
}
constexpr std::size_t max_pooled = 32;
}  // namespace

pooled_buffer::pooled_buffer() {
  auto& pool = free_buffers();
  if (pool.empty()) {
    data_ = new char[size];
  } else {
    data_ = pool.back();
    pool.pop_back();
  }
}

pooled_buffer::~pooled_buffer() {
  auto& pool = free_buffers();
  if (pool.size() < max_pooled)
    pool.push_back(data_);
  else
    delete[] data_;
}

// ---- readiness
// -----------------------------------------------------------------------------------

namespace {

task<std::error_code> wait_writable(stream::impl& i) {
  switch (i.s.index()) {
    case 0: {
      auto [ec] = co_await std::get<0>(i.s).async_wait(asio::socket_base::wait_write, nothrow);
      co_return ec;
    }
    case 1: {
      auto [ec] = co_await std::get<1>(i.s).async_wait(asio::socket_base::wait_write, nothrow);
      co_return ec;
    }
    case 2: {
      auto [ec] =
          co_await std::get<2>(i.s).async_wait(asio::posix::descriptor_base::wait_write, nothrow);
      co_return ec;
    }
    default:
      co_return std::error_code{};
  }
}

std::error_code last_error() {
  return {errno, std::system_category()};
}

// Which side a would-block came from: waits on the one that is not ready.
task<std::error_code> wait_either(stream& from, stream& to) {
  pollfd p[2] = {{from.get().native_handle(), POLLIN, 0}, {to.get().native_handle(), POLLOUT, 0}};
  ::poll(p, 2, 0);
  if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) co_return co_await from.wait_readable();
  if (!(p[1].revents & (POLLOUT | POLLHUP | POLLERR))) co_return co_await wait_writable(to.get());
  co_return std::error_code{};
}

void account(copy_result& r, std::size_t n, const copy_options& o) {
  r.bytes += n;
  if (o.counter) *o.counter += n;
  if (o.activity) o.activity->touch();
}

// Zero-copy relay through splice(2): one end must be a pipe, the other a socket or pipe.
// Returns false in `.second` if the kernel refused splice for these descriptors before any byte.
task<std::pair<copy_result, bool>> splice_copy(stream& from, stream& to, const copy_options& o) {
  copy_result r;
  for (;;) {
    // Either end may have been closed while this waited (an idle timeout): its descriptor number
    // could by now belong to another connection, so never use one that is closed.
    if (!from.is_open() || !to.is_open()) {
      r.read_ec = asio::error::operation_aborted;
      co_return std::pair{r, true};
    }
    int in = from.get().native_handle(), out = to.get().native_handle();
    ssize_t n = ::splice(in, nullptr, out, nullptr, 1 << 20, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      account(r, static_cast<std::size_t>(n), o);
      continue;
    }
    if (n == 0) {
      r.read_ec = asio::error::eof;
      co_return std::pair{r, true};
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      auto ec = co_await wait_either(from, to);
      if (ec) {
        r.read_ec = ec;
        co_return std::pair{r, true};
      }
      continue;
    }
    if (errno == EINVAL && r.bytes == 0) co_return std::pair{r, false};
    // Whose error it is depends on which end is the socket: a reset or a lost connection is the
    // socket's; a broken pipe is the pipe's reader gone.
    int err = errno;
    auto ec = last_error();
    bool write_side =
        err == EPIPE || ((err == ECONNRESET || err == ENOTCONN) && !from.get().is_socket());
    if (write_side)
      r.write_ec = ec;
    else
      r.read_ec = ec;
    co_return std::pair{r, true};
  }
}

// A pipe into a socket through a pipe of its own. splice(2) from a pipe into a socket holds the
// source pipe's lock for the whole send, which on loopback includes the receiver's TCP work, and
// the process writing into that pipe (`cat FILE | vitnet connect ...`) waits on the lock, often
// spinning, all the while: filling the pipe and sending took turns. Moving pages from one pipe to
// another is quick, so the writer goes on while this sends from the private pipe. bench/relay.sh,
// pipe feed: 1.44 -> 1.80 x socat -b131072 (median of 5 pairs; lowest pair 1.22 -> 1.53).
task<std::pair<copy_result, bool>> staged_splice_copy(stream& from, stream& to,
                                                      const copy_options& o) {
  copy_result r;
  struct private_pipe {
    int fd[2] = {-1, -1};
    ~private_pipe() {
      for (int f : fd)
        if (f >= 0) ::close(f);
    }
  } mid;
  if (::pipe2(mid.fd, O_NONBLOCK | O_CLOEXEC) != 0) co_return std::pair{r, false};
  constexpr std::size_t stage = 1 << 20;
  ::fcntl(mid.fd[1], F_SETPIPE_SZ, static_cast<int>(stage));  // smaller when capped: still works
  std::size_t held = 0;  // bytes in the private pipe, taken from `from`, not yet sent
  bool ended = false;
  for (;;) {
    if (!from.is_open() || !to.is_open()) {  // closed while waiting: see splice_copy
      r.read_ec = asio::error::operation_aborted;
      co_return std::pair{r, true};
    }
    int in = from.get().native_handle(), out = to.get().native_handle();
    bool source_empty = false;
    if (!ended && held < stage) {
      ssize_t n = ::splice(in, nullptr, mid.fd[1], nullptr, stage - held,
                           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        held += static_cast<std::size_t>(n);
      } else if (n == 0) {
        ended = true;
      } else if (errno == EAGAIN) {
        // The source is empty, or the private pipe is full (it counts buffers, not bytes):
        // then held > 0 and sending makes room.
        source_empty = true;
      } else if (errno != EINTR) {
        if (errno == EINVAL && r.bytes == 0 && held == 0) co_return std::pair{r, false};
        r.read_ec = last_error();
        ended = true;  // what was taken is still sent
      }
    }
    if (held > 0) {
      ssize_t m =
          ::splice(mid.fd[0], nullptr, out, nullptr, held, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (m > 0) {
        held -= static_cast<std::size_t>(m);
        account(r, static_cast<std::size_t>(m), o);
        continue;
      }
      if (m < 0 && errno == EINTR) continue;
      if (m < 0 && errno == EAGAIN) {
        if (auto ec = co_await wait_writable(to.get()); ec) {
          r.write_ec = ec;
          co_return std::pair{r, true};
        }
        continue;
      }
      r.write_ec = m == 0 ? std::error_code(EPIPE, std::system_category()) : last_error();
      co_return std::pair{r, true};
    }
    if (ended) {
      if (!r.read_ec) r.read_ec = asio::error::eof;
      co_return std::pair{r, true};
    }
    if (source_empty) {
      if (auto ec = co_await from.wait_readable(); ec) {
        r.read_ec = ec;
        co_return std::pair{r, true};
      }
    }
  }
}

// A regular file into a socket through sendfile(2).
task<std::pair<copy_result, bool>> sendfile_copy(stream& from, stream& to, const copy_options& o) {
  copy_result r;
  for (;;) {
    if (!from.is_open() || !to.is_open()) {  // closed while waiting: see splice_copy
      r.write_ec = asio::error::operation_aborted;
      co_return std::pair{r, true};
    }
    int in = from.get().native_handle(), out = to.get().native_handle();
    ssize_t n = ::sendfile(out, in, nullptr, 1 << 20);
    if (n > 0) {
      account(r, static_cast<std::size_t>(n), o);
      continue;
    }
    if (n == 0) {
      r.read_ec = asio::error::eof;
      co_return std::pair{r, true};
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      auto ec = co_await wait_writable(to.get());
      if (ec) {
        r.write_ec = ec;
        co_return std::pair{r, true};
      }
      continue;
    }
    if ((errno == EINVAL || errno == ENOSYS) && r.bytes == 0) co_return std::pair{r, false};
    r.write_ec = last_error();
    co_return std::pair{r, true};
  }
}

// At the end of the source, copying half-closes the destination when asked (shutdown_after).
void end_copy(stream* to, const copy_options& o, const copy_result& r) {
  if (to && o.shutdown_after && !r.write_ec && is_eof(r.read_ec)) to->shutdown_send();
}

// Reads and writes what `from` has now, with a pooled buffer; true when copying is over (`r`
// says why). Its frame and buffer exist only while bytes flow.
task<bool> pump(stream& from, stream* to, const copy_options& o, copy_result& r, char& last) {
  pooled_buffer buf;
  for (;;) {
    auto rd = from.try_read_some(buf.span());
    if (is_would_block(rd.ec)) co_return false;
    if (rd.ec) {
      r.read_ec = rd.ec;
      co_return true;
    }
    std::span<const char> chunk(buf.span().data(), rd.n);
    if (o.observe) o.observe(chunk);
    io_result wr;
    if (!to) {
      // discarding
    } else if (o.crlf) {
      std::string converted = core::with_crlf({chunk.data(), chunk.size()}, last);
      wr = co_await to->write_all(converted);
    } else {
      wr = co_await to->write_all(chunk);
    }
    if (wr.ec) {
      r.write_ec = wr.ec;
      co_return true;
    }
    account(r, rd.n, o);
  }
}

// The general path: wait for data holding no buffer, then pump. With no destination, what is
// read is thrown away. While a connection idles, this loop's small frame is all it holds (10,000
// idle connections each wait here).
task<copy_result> buffered_copy(stream& from, stream* to, copy_options o) {
  copy_result r;
  char last = 0;
  for (;;) {
    if (auto ec = co_await from.wait_readable(); ec) {
      r.read_ec = ec;
      break;
    }
    if (co_await pump(from, to, o, r, last)) break;
  }
  end_copy(to, o, r);
  co_return r;
}

bool is_pipe(stream& s) {
  return s.get().s.index() == 2 && s.get().is_pipe;
}
bool is_regular_file(stream& s) {
  auto* b = std::get_if<blocking_fd>(&s.get().s);
  return b && b->is_regular_file;
}

// splice or sendfile, falling back to the buffered path where the kernel refuses them.
task<copy_result> zero_copy(stream& from, stream& to, copy_options o, bool splice) {
  copy_result r;
  bool done = false;
  if (splice && is_pipe(from) && to.get().is_socket()) {
    auto [res, ok] = co_await staged_splice_copy(from, to, o);
    r = res, done = ok;
  } else if (splice) {
    auto [res, ok] = co_await splice_copy(from, to, o);
    r = res, done = ok;
  } else {
    auto [res, ok] = co_await sendfile_copy(from, to, o);
    r = res, done = ok;
  }
  if (!done) {
    auto more = co_await buffered_copy(from, &to, o);  // which half-closes, when asked
    more.bytes += r.bytes;
    co_return more;
  }
  end_copy(&to, o, r);
  co_return r;
}

}  // namespace

// Not a coroutine: it hands over the task of the path it chose, so that no frame of its own
// stays allocated while a connection idles.
task<copy_result> copy(stream& from, stream& to, copy_options o) {
  bool plain = !o.observe && !o.crlf;
  if (plain && ((is_pipe(from) && (to.get().is_socket() || is_pipe(to))) ||
                (from.get().is_socket() && is_pipe(to))))
    return zero_copy(from, to, std::move(o), true);
  if (plain && is_regular_file(from) && to.get().is_socket())
    return zero_copy(from, to, std::move(o), false);
  return buffered_copy(from, &to, std::move(o));
}

task<copy_result> drain(stream& from, copy_options o) {
  copy_result r;
  if (from.get().is_tcp()) {
    // For TCP, MSG_TRUNC discards received bytes without copying them out of the kernel.
    static char scratch[1 << 22];  // never written for TCP; sized to the request all the same
    for (;;) {
      if (!from.is_open()) {  // closed while waiting: see splice_copy
        r.read_ec = asio::error::operation_aborted;
        co_return r;
      }
      ssize_t n =
          ::recv(from.get().native_handle(), scratch, sizeof scratch, MSG_TRUNC | MSG_DONTWAIT);
      if (n > 0) {
        account(r, static_cast<std::size_t>(n), o);
        continue;
      }
      if (n == 0) {
        r.read_ec = asio::error::eof;
        co_return r;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN) {
        r.read_ec = last_error();
        co_return r;
      }
      if (auto ec = co_await from.wait_readable(); ec) {
        r.read_ec = ec;
        co_return r;
      }
    }
  }
  co_return co_await buffered_copy(from, nullptr, o);
}

}  // namespace net

namespace net {

task<io_result> send_file(stream& to, int fd, std::uint64_t offset, std::uint64_t length) {
  io_result r;
  if (to.get().is_socket()) {
    auto off = static_cast<off_t>(offset);
    while (r.n < length) {
      if (!to.is_open()) {
        r.ec = asio::error::operation_aborted;
        co_return r;
      }
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length - r.n, 1 << 20));
      ssize_t n = ::sendfile(to.get().native_handle(), fd, &off, want);
      if (n > 0) {
        r.n += static_cast<std::size_t>(n);
        continue;
      }
      if (n == 0) {
        r.ec = asio::error::eof;  // the file is shorter than it was
        co_return r;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        if (auto ec = co_await wait_writable(to.get()); ec) {
          r.ec = ec;
          co_return r;
        }
        continue;
      }
      if ((errno == EINVAL || errno == ENOSYS) && r.n == 0) break;  // no sendfile here: copy
      r.ec = last_error();
      co_return r;
    }
    if (r.n == length) co_return r;
  }
  // TLS, the mock network: through a buffer.
  pooled_buffer buf;
  while (r.n < length) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length - r.n, buf.size));
    ssize_t n = ::pread(fd, buf.span().data(), want, static_cast<off_t>(offset + r.n));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      r.ec = n == 0 ? std::error_code(asio::error::eof) : last_error();
      co_return r;
    }
    auto w = co_await to.write_all(
        std::span<const char>(buf.span().data(), static_cast<std::size_t>(n)));
    r.n += w.n;
    if (w.ec) {
      r.ec = w.ec;
      co_return r;
    }
  }
  co_return r;
}

task<bool> copy_ready(stream& from, stream& to, copy_result& r, const copy_options& o) {
  char last = 0;
  bool over = co_await pump(from, &to, o, r, last);
  if (over) end_copy(&to, o, r);
  co_return over;
}

}  // namespace net

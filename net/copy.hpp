#pragma once
// Moving bytes from one stream to another: the relay at the heart of serve and connect. It picks
// the cheapest way the two ends allow (splice for pipes, sendfile for files, a pooled buffer
// otherwise) and holds no buffer while a stream is idle, so idle connections cost little memory.
#include <cstdint>
#include <functional>
#include <span>
#include <system_error>

#include "net/deadline.hpp"
#include "net/stream.hpp"

namespace net {

struct copy_options {
  /// Sees every chunk as it passes (hex dumps). Setting it rules out zero-copy paths.
  std::function<void(std::span<const char>)> observe;
  /// Turn a bare LF into CRLF on the way through.
  bool crlf = false;
  /// Touched on every chunk: an idle-timeout watchdog.
  watchdog* activity = nullptr;
  /// Updated as bytes move, for live statistics.
  std::uint64_t* counter = nullptr;
  /// At the end of the source, end the destination's sending direction (half-close).
  bool shutdown_after = true;
};

struct copy_result {
  std::uint64_t bytes = 0;
  std::error_code read_ec;   ///< what ended reading: end of stream (is_eof) or an error
  std::error_code write_ec;  ///< a write error, if writing failed
};

/// Copies `from` to `to` until the end of `from` or an error. Never throws.
task<copy_result> copy(stream& from, stream& to, copy_options opts = {});

/// Reads `from` to its end and throws the bytes away (as cheaply as the kernel allows).
task<copy_result> drain(stream& from, copy_options opts = {});

/// Writes `length` bytes of the open file `fd`, from `offset`, to `to`: sendfile(2) to a plain
/// socket, else through a pooled buffer (TLS, the mock network). n says how much went.
task<io_result> send_file(stream& to, int fd, std::uint64_t offset, std::uint64_t length);

/// A buffer of at least 64 KiB lent from a pool; returned when destroyed.
class pooled_buffer {
 public:
  pooled_buffer();
  ~pooled_buffer();
  pooled_buffer(const pooled_buffer&) = delete;
  pooled_buffer& operator=(const pooled_buffer&) = delete;
  std::span<char> span() { return {data_, size}; }
  static constexpr std::size_t size = 256 * 1024;

 private:
  char* data_;
};

}  // namespace net

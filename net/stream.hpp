#pragma once
// A byte stream: a TCP or Unix connection, a pipe to a child, or this process's stdin/stdout
// (and, with the mock network, a simulated connection). One class; the transport is a closed set
// inside it, so commands never see which one they hold.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "net/ip.hpp"
#include "net/task.hpp"

namespace net {

/// The outcome of a read or write: bytes moved, and the error that stopped it (end of stream is
/// an error code too, tested with is_eof).
struct io_result {
  std::error_code ec;
  std::size_t n = 0;
};

bool is_eof(const std::error_code& ec);
bool is_would_block(const std::error_code& ec);
/// An operation cancelled by cancel() or close().
bool is_cancelled(const std::error_code& ec);

/// A default-constructed or moved-from stream holds nothing: it is not open, and cancel(),
/// close() and abort() do nothing.
class stream {
 public:
  struct impl;

  stream();
  explicit stream(std::unique_ptr<impl> i);
  stream(stream&&) noexcept;
  stream& operator=(stream&&) noexcept;
  ~stream();

  /// Reads at least one byte, or fails (end of stream included).
  task<io_result> read_some(std::span<char> buf);
  /// Reads what is there now without waiting; is_would_block(ec) when nothing is.
  io_result try_read_some(std::span<char> buf);
  /// Waits until a read would not block (data, end of stream, or an error).
  task<std::error_code> wait_readable();
  /// Writes all of `data`, or fails part way (n says how much went).
  task<io_result> write_all(std::span<const char> data);
  /// Writes what the transport takes now without waiting (is_would_block when nothing fits).
  /// Real sockets and pipes only; on the mock network and TLS it writes nothing.
  io_result try_write_some(std::span<const char> data);

  /// Ends the sending direction: FIN on a connection, close on a pipe. Reading goes on.
  std::error_code shutdown_send();
  /// Cancels pending operations; they complete with an error that is_cancelled() recognises.
  void cancel();
  /// Closes both directions.
  void close();
  /// Closes abruptly: a TCP peer sees "connection reset" rather than the end of the stream.
  void abort();
  /// Bytes written to a TCP connection that its peer has not yet acknowledged (the kernel drops
  /// them on abort()); 0 for other streams.
  std::size_t unacknowledged() const;
  bool is_open() const;

  /// What a TLS layer said when the last read or write failed ("tlsv13 alert certificate
  /// required"); empty for other streams.
  std::string failure_detail() const;

  /// The peer for diagnostics: "127.0.0.1:5555", "unix:/tmp/s", "stdin".
  const std::string& peer_name() const;
  /// The peer's IP address and port, for IP connections.
  std::optional<socket_address> peer_address() const;

  impl& get() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace net

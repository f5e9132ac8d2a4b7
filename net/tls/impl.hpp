#pragma once
// Private to net/: a TLS session over an inner stream, held by a stream.
#include <openssl/ssl.h>

#include <memory>

#include "net/context.hpp"
#include "net/event.hpp"
#include "net/stream.hpp"

namespace net {

class context;

struct tls_layer : std::enable_shared_from_this<tls_layer> {
  tls_layer() = default;
  ~tls_layer() {
    if (ssl) SSL_free(ssl);
  }
  SSL* ssl = nullptr;
  // OpenSSL's BIO (owned by ssl) reads the inner stream itself, without waiting, straight into
  // OpenSSL's own buffer, and appends what it writes to `out`; flush() sends that. (Memory BIOs
  // cost a copy each way, plus a syscall per 64 KiB on the way out: a third of a TLS relay's
  // time went to moving bytes between buffers.)
  BIO* bio = nullptr;
  stream inner;
  context* ctx = nullptr;
  bool close_notify_sent = false;
  std::string failure;  ///< what OpenSSL said when reading or writing failed
  /// The inner stream's end or failure, seen by the BIO while OpenSSL read: OpenSSL is told to
  /// try again later, and the caller reports this instead.
  std::error_code read_ec;
  /// The BIO's last read of the inner stream found nothing waiting: what OpenSSL holds unread
  /// (SSL_has_pending) is then a partial record, and only the network can complete it.
  bool inner_dry = false;
  // Records OpenSSL wrote, waiting to be sent; `sending` is what a flush is writing now (a relay
  // reads and writes one session from two coroutines at once, and whatever OpenSSL writes in the
  // meantime goes to `out`). One flush at a time, so records stay in order.
  std::string out, sending;
  bool flushing = false;
  std::unique_ptr<event> flush_done;  ///< wakes a flush waiting for another to finish
};

task<io_result> tls_read_some(tls_layer& t, std::span<char> buf);
io_result tls_try_read_some(tls_layer& t, std::span<char> buf);
task<std::error_code> tls_wait_readable(tls_layer& t);
task<io_result> tls_write_all(tls_layer& t, std::span<const char> data);
std::error_code tls_shutdown_send(const std::shared_ptr<tls_layer>& t);
/// Closes the session and its connection, first sending close_notify if it ends in good order
/// (so OpenSSL keeps the session for resumption) and the network takes it without waiting.
void tls_close(tls_layer& t);

}  // namespace net

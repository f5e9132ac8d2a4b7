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
  BIO* rbio = nullptr;  // network -> OpenSSL (owned by ssl)
  BIO* wbio = nullptr;  // OpenSSL -> network (owned by ssl)
  stream inner;
  context* ctx = nullptr;
  bool close_notify_sent = false;
  std::string failure;  ///< what OpenSSL said when reading or writing failed
  /// Bytes in rbio that OpenSSL last could make nothing of (a partial record); more than that, or
  /// a different amount, is something new to decrypt.
  std::size_t stalled = 0;
  // A relay reads and writes one session from two coroutines at once: each direction has its
  // own buffer, and one flush at a time moves records to the network, so they stay in order.
  std::unique_ptr<char[]> rbuf = std::make_unique<char[]>(buf_size);
  std::unique_ptr<char[]> wbuf = std::make_unique<char[]>(buf_size);
  static constexpr std::size_t buf_size = 64 * 1024;
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

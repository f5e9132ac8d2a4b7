#pragma once
// Private to net/http3 and serve's HTTP/3 side: an nghttp3 connection joined to a QUIC
// connection. nghttp3 is sans-io; this moves its bytes: what it has to send goes to the streams
// it names (each QUIC stream keeps its own copy until acknowledged, so nghttp3 is told at once
// that its bytes are acknowledged), and what arrives on each stream is read into it.
#include <nghttp3/nghttp3.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "net/event.hpp"
#include "net/quic/quic.hpp"

namespace net::http3 {

/// HTTP/3's error codes used here (RFC 9114 8.1).
constexpr std::uint64_t h3_no_error = 0x100;
constexpr std::uint64_t h3_internal_error = 0x102;
constexpr std::uint64_t h3_request_rejected = 0x10b;

class link : public std::enable_shared_from_this<link> {
 public:
  link(context& ctx, quic_session s);
  ~link();
  link(const link&) = delete;
  link& operator=(const link&) = delete;

  context& ctx;
  quic_session sess;
  nghttp3_conn* h3 = nullptr;  ///< made by the user (client_new or server_new), freed here
  std::map<std::int64_t, stream> streams;
  event wake;  ///< see poke()
  bool dirty = false;
  /// Something for the writer (a request or response submitted, a body resumed): it runs again
  /// even when it was busy writing as this was said.
  void poke() {
    dirty = true;
    wake.notify();
  }
  bool done = false;
  std::string failure;  ///< a fatal HTTP/3 or QUIC error; the link stops
  /// Runs after nghttp3 read bytes of a stream (the client delivers the body from there).
  std::function<task<void>()> after_read;
  /// Runs when the link fails (failure says why).
  std::function<void()> on_failure;
  /// Called on every byte moved, for idle timers.
  std::function<void()> on_activity;

  /// Opens and binds the control and QPACK streams, then starts the writer and the acceptor of
  /// the peer's streams. Throws vitnet::error when the connection is gone.
  task<void> start();
  /// Starts reading a stream of ours that is in `streams` (a client's request stream).
  void read(std::int64_t id);
  void fail(std::string why);

 private:
  void finished(std::int64_t id, bool reading);
  std::map<std::int64_t, std::pair<bool, bool>> ends_;  ///< read to its end, written to its end
  static task<void> write_loop(std::shared_ptr<link> self);
  static task<void> accept_loop(std::shared_ptr<link> self);
  static task<void> read_loop(std::shared_ptr<link> self, std::int64_t id);
};

/// nghttp3's settings as vitnet uses them on both sides.
nghttp3_settings settings();

}  // namespace net::http3

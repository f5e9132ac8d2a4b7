#pragma once
// Private to net/: one QUIC connection driven by the context (its sockets, clock, timers and
// random bytes), and the stream handles net::stream holds for it.
#include <gnutls/gnutls.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/datagram.hpp"
#include "net/event.hpp"
#include "net/quic/compat.hpp"
#include "net/quic/quic.hpp"

namespace net {

class quic_server_state;

/// A socket address as ngtcp2 wants it (a sockaddr it can compare byte by byte).
struct quic_addr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  static quic_addr from(const socket_address& a);
  socket_address to() const;
  ngtcp2_addr addr() { return {reinterpret_cast<sockaddr*>(&ss), len}; }
};

/// One stream's buffers. Received bytes wait here until read (the stream's flow-control window
/// bounds them); written bytes stay until the peer acknowledges them, as ngtcp2 may send them
/// again.
struct quic_stream_state {
  std::int64_t id = -1;
  // receiving
  std::deque<std::string> rq;
  std::size_t rq_front = 0;  ///< bytes of rq.front() already read
  std::size_t rq_bytes = 0;
  bool fin_received = false;
  std::optional<std::uint64_t> reset_code;  ///< the peer reset its sending side
  bool read_shut = false;                   ///< we stopped reading (data is then discarded)
  // sending
  std::deque<std::vector<std::uint8_t>> sq;
  std::size_t sq_acked = 0;                      ///< bytes of sq.front() acknowledged
  std::size_t unsent_chunk = 0, unsent_off = 0;  ///< where the next byte to send is
  std::uint64_t buffered = 0;                    ///< written, not yet acknowledged
  std::uint64_t unsent = 0;
  bool fin_wanted = false, fin_sent = false;
  std::optional<std::uint64_t> stop_code;  ///< the peer asked us to stop sending
  bool write_shut = false;                 ///< we reset our sending side
  bool blocked = false;                    ///< flow control: nothing more fits now
  bool closed = false;                     ///< ngtcp2 is done with it (both sides finished)
  bool held = false;                       ///< a net::stream refers to it
  bool early = false;                      ///< opened before the handshake (0-RTT)
  bool announce = false;  ///< send an empty STREAM frame so the peer learns of the stream
};

class quic_connection : public std::enable_shared_from_this<quic_connection> {
 public:
  quic_connection(context& ctx, bool server);
  ~quic_connection();

  context& ctx;
  const bool server;
  ngtcp2_conn* conn = nullptr;
  gnutls_session_t tls = nullptr;
  ngtcp2_crypto_conn_ref ref{};
  quic_info info;
  std::string peer_name;     ///< "127.0.0.1:4433"
  std::string session_file;  ///< client: where to keep the ticket
  std::string server_name;   ///< client: the name verified (kept in the session file)
  bool wants_early = false;

  // Verification (client, or a server asking for client certificates).
  bool verify = true;
  std::string verify_name;  ///< host or IP the certificate must name (client)
  std::string pin;
  bool ca_given = false;
  std::string verify_failure;  ///< why the peer's certificate was refused
  /// A session file or qlog that could not be read or written: said, but not a failure.
  std::vector<std::string> warnings;
  std::shared_ptr<struct quic_credentials> creds;  ///< outlives the TLS session using it

  // Where packets go: a client owns its sockets; a server's connections share the server's.
  std::shared_ptr<datagram_socket> sock;
  std::shared_ptr<datagram_socket> old_sock;  ///< during a migration, until the new path holds
  std::shared_ptr<quic_server_state> srv;
  quic_addr local, remote;

  std::map<std::int64_t, std::shared_ptr<quic_stream_state>> streams;
  std::deque<std::shared_ptr<quic_stream_state>> incoming;  ///< opened by the peer, not accepted
  event changed;       ///< stream data, acknowledgements, credit, the end
  event handshake_ev;  ///< the handshake completed or failed
  bool handshake_done = false, handshake_confirmed = false;

  // The end.
  bool closing = false;   ///< close() was asked: finish sending, then CONNECTION_CLOSE
  bool finished = false;  ///< nothing more will be sent or received
  std::string end_reason;
  int end_exit = 0;  ///< core::exit_code for a failure (0 for a clean end)
  std::uint64_t close_code = 0;
  std::string close_reason;
  std::optional<clock::time_point> linger_deadline;

  int key_updates = 0;
  std::optional<bool> path_validated;
  /// quic:// streams held whose close ends the connection: the connection ends with the last.
  int stream_owners = 0;  ///< the last migration's outcome

  FILE* qlog = nullptr;

  /// Sets up ngtcp2 and GnuTLS and starts the driver (and, for a client, the reader).
  void start();
  /// A packet arrived on `local_addr` from `from`.
  void on_packet(std::span<const std::uint8_t> pkt, const quic_addr& local_addr,
                 const quic_addr& from);
  /// Something to send (new data, credit, a close): the driver runs soon.
  void wake();
  /// The connection failed or ended: wakes everyone, stops the driver.
  void finish(std::string reason, int exit = 0);
  void begin_close(std::uint64_t code, std::string reason);
  void abort_now(std::uint64_t code, std::string reason);

  std::shared_ptr<quic_stream_state> open_local(bool bidi);
  std::shared_ptr<quic_stream_state> find_or_make(std::int64_t id);
  void consumed(quic_stream_state& s, std::size_t n);
  quic_stats stats() const;

  ngtcp2_tstamp ts() const;
  clock::time_point time_of(ngtcp2_tstamp t) const;

  task<void> run();                                          // the driver
  task<void> read_loop(std::shared_ptr<datagram_socket> s);  // a client's socket
  task<std::error_code> send_packet(const ngtcp2_path& path, std::span<const std::uint8_t> pkt);
  task<void> flush();
  /// Packets written one after another in `data`, all `seg` bytes but the last, on one path.
  task<std::error_code> send_batch(const quic_addr& l, const quic_addr& r,
                                   std::span<const std::uint8_t> data, std::size_t seg);
  /// An ICMP refusal before the handshake: the connection ends (69). True when it did.
  bool refused(const std::error_code& ec);
  task<void> send_close();
  /// Everything written has been acknowledged (what a graceful close waits for).
  bool drained() const;

  bool crypto_close_ = false;  ///< the close carries a TLS alert (close_code is 0x100 + alert)
  int liberr_ = 0;             ///< the close carries this ngtcp2 error
  bool lingers_ = false;       ///< counted in quic_lingering()

 private:
  bool dirty_ = false;
  int overdue_ = 0;                ///< expiries handled in a row without waiting
  std::vector<std::uint8_t> out_;  ///< flush()'s batch of packets
  std::unique_ptr<event> wake_;
  std::size_t rr_ = 0;  ///< round robin over streams with data to send
};

/// Calls f with each datagram of a receive into `buf`: the one, or the several that a coalesced
/// receive (UDP_GRO) holds.
template <typename F>
void for_each_datagram(std::span<const char> buf, const datagram_result& r, F&& f) {
  auto* p = reinterpret_cast<const std::uint8_t*>(buf.data());
  std::size_t seg = r.segment ? r.segment : r.n;
  for (std::size_t off = 0; off < r.n; off += seg)
    f(std::span<const std::uint8_t>(p + off, std::min(seg, r.n - off)));
}

/// The socket a server's connections share.
datagram_socket& quic_server_socket(quic_server_state& s);
/// Sends a server connection's packet on the server's socket, to the path's remote address.
task<std::error_code> quic_server_send(quic_server_state& s, std::span<const char> data,
                                       const ngtcp2_path& path);

/// Fills `info` with the TLS side's outcome (version, cipher, ALPN, the peer's certificate).
void quic_fill_tls_info(gnutls_session_t s, quic_info& info);

/// What net::stream holds for a QUIC stream.
struct quic_stream_ref {
  std::shared_ptr<quic_connection> conn;
  std::shared_ptr<quic_stream_state> s;
  /// quic://: the stream keeps its connection; closing the last such stream ends it.
  bool owns_connection = false;
  bool send_closed = false;
  std::uint64_t cancels = 0;  ///< cancel() calls: a read or wait pending across one ends
  ~quic_stream_ref();
};

task<io_result> quic_read_some(quic_stream_ref& r, std::span<char> buf);
io_result quic_try_read_some(quic_stream_ref& r, std::span<char> buf);
task<std::error_code> quic_wait_readable(quic_stream_ref& r);
task<io_result> quic_write_all(quic_stream_ref& r, std::span<const char> data);
std::error_code quic_shutdown_send(quic_stream_ref& r);
void quic_cancel(quic_stream_ref& r);
void quic_close(quic_stream_ref& r);
void quic_abort(quic_stream_ref& r);
bool quic_is_open(const quic_stream_ref& r);
std::string quic_failure(const quic_stream_ref& r);
stream make_quic_stream(std::shared_ptr<quic_connection> c, std::shared_ptr<quic_stream_state> s,
                        bool owns_connection);
/// Makes a stream of the connection one of those that keep it (see owns_connection).
void quic_hold_connection(stream& s);

/// A quic:// listener: connections whose first stream is ready.
struct quic_listener_state {
  context* ctx = nullptr;
  quic_server server;
  std::deque<stream> ready;
  std::unique_ptr<event> ready_ev;
  bool closed = false;
};
task<accept_result> quic_listener_accept(quic_listener_state& l);
void quic_listener_close(quic_listener_state& l);

}  // namespace net

#pragma once
// The mock network's sockets: connections (TCP-like streams with half-close, back-pressure,
// resets), listeners, datagram sockets, and a process's stdin/stdout. Private to net/.
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "net/datagram.hpp"
#include "net/endpoint.hpp"
#include "net/sim/world.hpp"
#include "net/stream.hpp"

namespace net {
class sim_context;
}

namespace net::sim {

struct end;

/// A piece of a stream on its way: data, or the end of the stream (FIN).
struct segment {
  std::string data;
  bool fin = false;
  bool rst = false;  ///< a reset, travelling behind the data sent before it
  std::string why;   ///< of a reset, for the trace
};

/// Bytes flowing from one end of a connection to the other.
struct direction {
  // Waiting to go out: sent strictly in order, the head retransmitted (after a growing delay)
  // while the link drops it.
  std::deque<segment> outbox;
  bool retry_pending = false;
  duration rto = std::chrono::milliseconds(200);

  std::string buf;  ///< arrived at the receiver, not yet read (from `off`)
  std::size_t off = 0;
  std::size_t in_flight = 0;  ///< sent, not yet arrived
  bool fin_sent = false;
  bool fin_arrived = false;
  clock::time_point last_arrival{};  ///< a stream arrives in order
  std::size_t unread() const { return buf.size() - off; }
};

struct connection : std::enable_shared_from_this<connection> {
  connection(world& w, host* a, host* b) : w(w), hosts{a, b}, id(w.next_connection_id++) {
    w.connections.insert(this);
  }
  ~connection() { w.connections.erase(this); }

  world& w;
  host* hosts[2];
  socket_address addrs[2];
  bool unix_socket = false;
  std::uint64_t id;
  direction dir[2];  ///< dir[i]: what side i sends
  end* ends[2] = {nullptr, nullptr};
  bool reset = false;
  bool dead[2] = {false, false};             ///< that side's host crashed: it says nothing, ever
  std::optional<std::uint64_t> reset_after;  ///< a fault: reset once this many bytes have crossed
  std::function<void()> on_reset_after;      ///< told when that reset happens
  std::uint64_t bytes_crossed = 0;

  std::string name(int side) const;
  /// An event of this connection, sent by side `side` towards the other.
  wire_event event(int side, wire_event::kind what, std::string detail) const;
  /// Resets the connection: both ends see "connection reset by peer".
  void do_reset(std::string_view why);
};

/// One end of a connection, or a process's stdin or stdout.
struct end {
  end(world& w, sim_context* owner);
  ~end();

  world& w;
  sim_context* owner;
  std::uint64_t serial;
  std::shared_ptr<connection> conn;  ///< null for stdio
  int side = 0;
  // stdio: reads come from `input`, writes go to `sink`
  std::string input;
  std::size_t input_off = 0;
  std::function<void(std::string_view)> sink;

  bool closed = false;
  bool send_closed = false;
  std::uint64_t cancel_gen = 0;
  waker rd, wr;
  std::string peer_name;
  std::optional<socket_address> peer;

  /// Ends this end without a word to the peer (its host crashed).
  void die();
};

task<io_result> read_some(end& e, std::span<char> buf);
io_result try_read_some(end& e, std::span<char> buf);
task<std::error_code> wait_readable(end& e);
task<io_result> write_all(end& e, std::span<const char> data);
std::error_code shutdown_send(end& e);
void cancel(end& e);
void close(end& e);

struct listener_state {
  listener_state(world& w, sim_context* owner);
  ~listener_state();
  world& w;
  sim_context* owner;
  std::uint64_t serial;
  host* h = nullptr;
  endpoint local;
  std::deque<std::shared_ptr<end>> backlog;
  std::size_t backlog_max = 4096;
  bool closed = false;
  std::uint64_t cancel_gen = 0;
  waker wake;
  void close();
};

task<std::pair<std::error_code, std::shared_ptr<end>>> accept(listener_state& l);

struct datagram_state {
  datagram_state(world& w, sim_context* owner);
  ~datagram_state();
  world& w;
  sim_context* owner;
  std::uint64_t serial;
  host* h = nullptr;
  std::uint16_t port = 0;
  endpoint local;
  std::optional<socket_address> peer;  ///< connected
  std::deque<std::pair<socket_address, std::string>> queue;
  std::error_code pending_error;  ///< an ICMP error to report on the next receive
  bool closed = false;
  std::uint64_t cancel_gen = 0;
  waker wake;
  void close();
};

task<datagram_result> receive_from(datagram_state& d, std::span<char> buf);
task<std::error_code> send_to(datagram_state& d, std::span<const char> data,
                              const socket_address& to);

/// The host an address names, as seen from `self`: 127.0.0.1 is `self` itself.
host* route(world& w, host& self, const ip_address& to);

}  // namespace net::sim

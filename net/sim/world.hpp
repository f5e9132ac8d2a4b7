#pragma once
// The mock network's world: named hosts, links between them, a virtual clock and one seeded PRNG.
// Time advances only when nothing is ready to run, straight to the next timer, so an hour of
// timeouts passes in milliseconds; the same seed gives the same run, event for event.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <set>
#include <string>
#include <vector>

#include "net/context.hpp"
#include "net/fault.hpp"
#include "net/ip.hpp"
#include "net/wire_event.hpp"

namespace net::sim {

/// What a coroutine waits on until something happens: notify() wakes it. Built on a timer that
/// never expires by itself, so a wait costs nothing but its frame.
class waker {
 public:
  explicit waker(asio::io_context& io);
  task<void> wait();
  void notify();

 private:
  asio::steady_timer t_;
};

/// A link's parameters: its own (the scenario's [link]) plus what faults add.
using link_params = net::link_effect;

/// What a transmission is, for faults limited to one port: the two ports involved.
struct flow {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  bool fin = false;  ///< the end of a stream
  bool involves(std::uint16_t p) const { return src_port == p || dst_port == p; }
};

class host;
struct connection;
struct listener_state;
struct datagram_state;

/// The hooks through which a scenario's faults act on the network. Each is optional.
struct fault_hooks {
  /// Adjusts a link's parameters for one transmission (latency, loss, partitions, ...).
  std::function<void(const host& from, const host& to, const flow& f, link_params&)> link;
  /// Decides whether a connection attempt to host:port is refused.
  std::function<bool(const host& to, std::uint16_t port)> refuse;
  /// Called for each new connection, which may be given a reset-after-bytes limit.
  std::function<void(connection& c)> on_connect;
  /// Decides how name lookups on `on` fail: nullopt (they work), "error" or "timeout".
  std::function<std::optional<std::string>(const host& on, const std::string& name)> dns;
};

class world {
 public:
  explicit world(std::uint64_t seed);
  ~world();
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  asio::io_context& io() { return *io_; }
  /// Starts `t` on the world's loop, owned by nobody: it must catch what it throws.
  void spawn(task<void> t);
  /// Destroys every coroutine still waiting in the world (what a process exit or the end of a
  /// scenario does), while the hosts and contexts they refer to still exist.
  void shutdown();
  /// Runs `fn` at the start of shutdown(), before the io_context goes (to release objects that
  /// hold asio timers and outlive coroutines). Returns an id for forget_shutdown().
  std::uint64_t on_shutdown(std::function<void()> fn);
  void forget_shutdown(std::uint64_t id);
  clock::time_point now() const { return now_; }
  /// Virtual time since the world began.
  duration elapsed() const { return now_ - start_; }

  /// Runs `fn` at virtual time `t` (now, if `t` is past). Returns an id for cancel().
  std::uint64_t at(clock::time_point t, std::function<void()> fn);
  void cancel(std::uint64_t id);

  enum class outcome { idle, time_limit, wall_limit };
  /// Runs until nothing is left to do (idle), virtual time reaches `limit` since the start, or
  /// `wall_limit` of real time passes.
  outcome run(duration limit, std::chrono::nanoseconds wall_limit);

  host& add_host(std::string name);
  host* find(std::string_view name);
  host* find(const ip_address& a);
  const std::vector<std::unique_ptr<host>>& hosts() const { return hosts_; }

  /// The calendar time the world began at (certificates are checked against it plus virtual time).
  std::chrono::system_clock::time_point calendar_start = std::chrono::system_clock::now();

  /// Links have these parameters unless a fault changes them.
  link_params default_link;
  fault_hooks hooks;

  double random();  ///< uniform in [0, 1), from the one PRNG
  std::uint64_t random_below(std::uint64_t n);
  void random_bytes(std::span<std::uint8_t> out);  ///< from the one PRNG

  /// Records an event of the trace: "0.001250 connect client:40000 -> server:7".
  void trace(std::string_view event);
  const std::vector<std::string>& trace_lines() const { return trace_; }

  /// Whether record() keeps events (off by default: a long run sends many segments).
  bool record_events = false;
  /// At most this many events are kept; those after are only counted.
  std::size_t event_limit = 5000;
  /// Keeps `e` (when record_events is on), stamped with the current virtual time. The text trace
  /// is untouched: this is its structured companion, for reports that draw what happened.
  void record(wire_event e);
  /// Virtual time `t` as time since the world began (when something sent now arrives).
  duration since_start(clock::time_point t) const { return t - start_; }
  const std::vector<wire_event>& events() const { return events_; }
  std::uint64_t events_not_kept() const { return events_not_kept_; }

  struct transit_result {
    bool dropped = false;  ///< blocked or lost
    bool duplicated = false;
    clock::time_point arrival;
  };
  /// What happens to `bytes` sent now from one host to another: when they arrive, or whether they
  /// are dropped. Traffic within one host is instant and never faulted.
  transit_result transit(const host& from, const host& to, std::size_t bytes, bool datagram,
                         const flow& f = {}, bool fin = false);

  /// Connections alive in the world, for faults that reset them.
  std::set<connection*> connections;
  std::uint64_t next_connection_id = 1;
  /// Numbers objects in creation order: containers that must be walked in a fixed order key on
  /// it, never on an address (addresses differ from run to run).
  std::uint64_t next_serial = 1;

 private:
  std::unique_ptr<asio::io_context> io_ = std::make_unique<asio::io_context>(1);
  clock::time_point start_, now_;
  std::map<std::pair<clock::time_point, std::uint64_t>, std::function<void()>> timers_;
  std::map<std::uint64_t, clock::time_point> timer_index_;
  std::uint64_t next_timer_ = 1;
  std::vector<std::unique_ptr<host>> hosts_;
  std::map<std::pair<const host*, const host*>, clock::time_point> link_free_at_;
  std::mt19937_64 rng_;
  std::vector<std::string> trace_;
  std::vector<wire_event> events_;
  std::uint64_t events_not_kept_ = 0;
  std::map<std::uint64_t, std::function<void()>> shutdown_hooks_;
  std::uint64_t next_hook_ = 1;
};

/// A simulated machine: an address, its listening sockets and bound ports.
class host {
 public:
  host(world& w, std::string name, ip_address address, std::size_t index)
      : w(w), name(std::move(name)), address(address), index(index) {}

  world& w;
  std::string name;
  ip_address address;
  std::size_t index;
  bool up = true;

  std::map<std::uint16_t, listener_state*> tcp;
  std::map<std::string, listener_state*> unix_paths;
  std::map<std::uint16_t, datagram_state*> udp;
  std::set<std::uint16_t> tcp_ports_in_use;

  /// A free port for an outgoing connection or an unbound datagram socket.
  std::uint16_t ephemeral_port(bool udp);

 private:
  std::uint16_t next_tcp_ = 40000, next_udp_ = 40000;
};

}  // namespace net::sim

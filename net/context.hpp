#pragma once
// The seam: every command does all of its I/O through a net::context. The real backend speaks to
// the operating system; the mock backend (a simulated network) implements the same interface, so
// commands run unchanged on either.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/datagram.hpp"
#include "net/endpoint.hpp"
#include "net/fd_watch.hpp"
#include "net/ip.hpp"
#include "net/listener.hpp"
#include "net/stream.hpp"
#include "net/task.hpp"
#include "net/time.hpp"

namespace net {

class probe_source;

struct listen_options {
  int backlog = 4096;
  /// SO_REUSEPORT: several processes listen on one port and the kernel spreads connections
  /// among them (TCP only; ignored on the mock network).
  bool reuse_port = false;
};

/// A child process with its stdin and stdout as streams; stderr is shared with vitnet's.
class child_process {
 public:
  virtual ~child_process() = default;
  virtual net::stream& stdin_stream() = 0;
  virtual net::stream& stdout_stream() = 0;
  /// Waits for the child to exit; returns its exit status (128+N when killed by signal N).
  virtual task<int> wait() = 0;
  /// Sends a signal (SIGTERM unless told otherwise) if it still runs.
  virtual void kill(int signal) = 0;
};

struct spawn_options {
  std::string command;                     ///< run by /bin/sh -c
  std::map<std::string, std::string> env;  ///< added to vitnet's own environment
};

/// A timer on the context's clock. Cancel makes a pending wait return false.
class timer {
 public:
  virtual ~timer() = default;
  virtual void expires_after(duration d) = 0;
  /// No expiry: a wait ends only when cancelled. Such a wait is not work the mock network waits
  /// for, so a world where nothing else is due is idle.
  virtual void expires_never() = 0;
  /// True when the timer expired, false when it was cancelled.
  virtual task<bool> wait() = 0;
  virtual void cancel() = 0;
};

class context {
 public:
  virtual ~context() = default;

  /// Now, on this context's clock (virtual time on the mock network).
  virtual clock::time_point now() const = 0;
  /// The calendar date and time, for certificate validity (on the mock network: the real time
  /// the run began, plus virtual time since, so certificates expire in virtual time).
  virtual std::chrono::system_clock::time_point calendar_now() const = 0;
  virtual std::unique_ptr<net::timer> make_timer() = 0;
  /// Fills `out` with unpredictable bytes (WebSocket masks and keys): the system's cryptographic
  /// generator, or on the mock network the run's seeded one, so a run's traces are the same
  /// every time it is replayed with the same seed.
  virtual void random(std::span<std::uint8_t> out) = 0;
  /// Waits `d` on the context's clock. False when the wait was abandoned instead (the end of a
  /// process on the mock network): a loop that sleeps must then stop.
  task<bool> sleep(duration d);

  /// Addresses of a host name (or the address itself), within `deadline`: through the resolver
  /// given to set_resolver (--resolver) when there is one, else system_resolve. "localhost" and
  /// names under it always go to the system (RFC 6761). Throws vitnet::error: 68 for an unknown
  /// host, 75 when the deadline passes.
  task<std::vector<ip_address>> resolve(std::string host, duration deadline);
  /// The system's view: getaddrinfo on the real backend, the hosts of the world on the mock
  /// network. Throws as resolve does.
  virtual task<std::vector<ip_address>> system_resolve(std::string host, duration deadline) = 0;
  using name_resolver =
      std::function<task<std::vector<ip_address>>(std::string host, duration deadline)>;
  /// Sends every later resolve (of a name, not an address) to `r` instead of the system; `url`
  /// names the server it asks (what `resolve` asks when given no server).
  void set_resolver(name_resolver r, std::string url) {
    resolver_ = std::move(r);
    resolver_url_ = std::move(url);
  }
  const std::string& resolver_url() const { return resolver_url_; }

  /// One connection attempt to one address or Unix path, bounded by `timeout`. Errors are values.
  virtual task<std::pair<std::error_code, net::stream>> connect_once(const endpoint& where,
                                                                     const socket_address* ip,
                                                                     duration timeout,
                                                                     const ip_address* source) = 0;
  /// The same, from whatever source address the system picks.
  task<std::pair<std::error_code, net::stream>> connect_once(const endpoint& where,
                                                             const socket_address* ip,
                                                             duration timeout) {
    return connect_once(where, ip, timeout, nullptr);
  }
  /// Listens on a stream endpoint (address reuse on). Throws vitnet::error.
  virtual task<net::listener> listen(const endpoint& where, listen_options opts = {}) = 0;
  /// A UDP socket bound to `local` (serve), or connected to `peer` (connect). Throws vitnet::error.
  virtual task<datagram_socket> bind_datagram(const endpoint& local) = 0;
  virtual task<datagram_socket> connect_datagram(const socket_address& peer) = 0;

  /// This process's standard input and output as streams (a host's, on the mock network).
  virtual net::stream& standard_input() = 0;
  virtual net::stream& standard_output() = 0;

  /// Starts a child process. Throws vitnet::error.
  virtual std::unique_ptr<child_process> spawn(const spawn_options& opts) = 0;

  /// Watches a descriptor that a library reads and writes itself (libcurl's sockets, which
  /// net::hand_off gives it on either backend) for readiness on this context's event
  /// loop. On the mock network the end of the process releases it, so its waits return.
  virtual std::unique_ptr<fd_watch> watch_fd(int fd) = 0;

  /// Runs `t` concurrently; an exception escaping it is reported on stderr and ends nothing else.
  virtual void start(task<void> t) = 0;

  /// Starts `extra` copies of this process that go on from here, sharing every open descriptor
  /// (a listener: the copies accept from it too); returns 0 in the original and 1..extra in the
  /// copies, which end when the original does. The mock network makes no copies (returns 0).
  virtual int fork_workers(int extra) { return 0; }

  /// How many probe sources run_probes drives at once: a scan makes this many (threads on the
  /// real backend, one on the mock network).
  virtual int probe_workers() const { return 1; }
  /// Drives every source of connect probes to its end (net/probe.hpp). The default drives them
  /// one after another with coroutines over connect_once.
  virtual task<void> run_probes(std::vector<probe_source*> sources);

  /// Runs `f` when the process is told to stop (SIGINT, SIGTERM), before it ends: a server says
  /// goodbye to its peers (a WebSocket close 1001). The process then ends once nothing is left
  /// to run, or after a short grace period (a few hundred ms), whichever comes first. Returns a
  /// number for forget_shutdown. The mock network never stops this way (and keeps no hooks).
  virtual std::uint64_t on_shutdown(std::function<void()> f) { return 0; }
  virtual void forget_shutdown(std::uint64_t id) {}

  /// How many descriptors this process may hold open (RLIMIT_NOFILE); 0 when nothing bounds
  /// them (the mock network). A server sizes its default connection cap from it.
  virtual std::size_t descriptor_limit() const { return 0; }

  /// Waits for a request to reload configuration (SIGHUP on the real backend; never on the mock
  /// network). Returns false if the wait was abandoned.
  virtual task<bool> wait_reload() = 0;

 private:
  name_resolver resolver_;
  std::string resolver_url_;
};

struct dial_options {
  duration timeout = std::chrono::seconds(10);     ///< for each attempt, name resolution included
  int retries = 0;                                 ///< further attempts after the first fails
  duration retry_delay = std::chrono::seconds(1);  ///< doubled after each retry, up to 30 s
  std::function<void(int attempt, const std::string& why, duration wait)> on_retry;
  /// Connect from this address (a proxy keeping its client's address on loopback).
  std::optional<ip_address> source;
};

/// Resolves, then connects to each address in turn until one answers, retrying with exponential
/// backoff. Throws vitnet::error naming the peer: 68 unknown host, 69 refused, 75 timeout.
task<net::stream> dial(context& ctx, const endpoint& where, dial_options opts = {});

/// Runs both tasks concurrently and returns when both have finished.
task<void> both(context& ctx, task<void> a, task<void> b);

}  // namespace net

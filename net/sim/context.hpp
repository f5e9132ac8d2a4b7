#pragma once
// The mock network's net::context: what one process on a simulated host sees. Every command runs
// on it unchanged: its sockets are simulated, its clock is virtual, its stdin and stdout are the
// scenario's.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "net/context.hpp"
#include "net/sim/world.hpp"

namespace net {

namespace sim {
struct end;
struct listener_state;
struct datagram_state;
class waker;
}  // namespace sim

class sim_context final : public context {
 public:
  using sink = std::function<void(std::string_view)>;
  /// A process on `h`: `input` is its whole stdin, `out` receives its stdout, `err` its stderr.
  sim_context(sim::world& w, sim::host& h, std::string input, sink out, sink err);
  ~sim_context() override;

  sim::world& world() { return w_; }
  sim::host& host() { return h_; }

  clock::time_point now() const override { return w_.now(); }
  std::chrono::system_clock::time_point calendar_now() const override {
    return w_.calendar_start +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(w_.elapsed());
  }
  std::unique_ptr<net::timer> make_timer() override;
  void random(std::span<std::uint8_t> out) override;
  task<std::vector<ip_address>> system_resolve(std::string name, duration deadline) override;
  using context::connect_once;
  task<std::pair<std::error_code, net::stream>> connect_once(const endpoint& where,
                                                             const socket_address* ip,
                                                             duration timeout,
                                                             const ip_address* source) override;
  task<net::listener> listen(const endpoint& where, listen_options opts) override;
  task<datagram_socket> bind_datagram(const endpoint& local) override;
  task<datagram_socket> connect_datagram(const socket_address& peer) override;
  net::stream& standard_input() override;
  net::stream& standard_output() override;
  std::unique_ptr<child_process> spawn(const spawn_options& opts) override;
  /// Watches a real descriptor (libcurl's end of a bridge to a simulated connection) on the
  /// world's io_context, which the world's loop polls: readiness is seen before virtual time
  /// moves on, since a socketpair write is readable on the other end at once.
  std::unique_ptr<fd_watch> watch_fd(int fd) override;
  void start(task<void> t) override;
  task<bool> wait_reload() override;

  /// Ends the process. As an exit, its sockets close normally; as a crash of its host, they go
  /// silent (the peers hear nothing). Everything it waits on returns, so its coroutines finish.
  void kill(bool crash);
  bool killed() const { return killed_; }

  // Bookkeeping of what the process holds, so kill() can reach it.
  // Keyed by creation serial, so kill() acts in the same order on every run.
  void track(sim::end* e);
  void untrack(sim::end* e);
  void track(sim::listener_state* l);
  void untrack(sim::listener_state* l);
  void track(sim::datagram_state* d);
  void untrack(sim::datagram_state* d);
  void track(std::uint64_t serial, net::timer* t) { timers_[serial] = t; }
  void untrack(std::uint64_t serial) { timers_.erase(serial); }

 private:
  void check_alive() const;

  sim::world& w_;
  sim::host& h_;
  std::string input_;
  sink out_, err_;
  bool killed_ = false;
  std::map<std::uint64_t, sim::end*> ends_;
  std::map<std::uint64_t, sim::listener_state*> listeners_;
  std::map<std::uint64_t, sim::datagram_state*> datagrams_;
  std::map<std::uint64_t, net::timer*> timers_;
  std::map<std::uint64_t, fd_watch*> watches_;
  std::unique_ptr<net::stream> in_, out_stream_;
  std::unique_ptr<sim::waker> reload_;
  std::uint64_t shutdown_hook_ = 0;
};

}  // namespace net

#pragma once
// The real backend: asio over the operating system's sockets, one io_context on the main thread.
#include <functional>
#include <memory>

#include "net/context.hpp"

namespace net {

class real_context final : public context {
 public:
  real_context();
  ~real_context() override;

  /// Runs `main` to completion and returns its exit status. SIGINT or SIGTERM stop everything:
  /// listeners and connections close, children get SIGTERM, and 130 is returned. An exception
  /// escaping `main` is rethrown here, for the command boundary to report.
  int run(std::function<task<int>(context&)> main);

  clock::time_point now() const override;
  std::chrono::system_clock::time_point calendar_now() const override {
    return std::chrono::system_clock::now();
  }
  std::unique_ptr<net::timer> make_timer() override;
  void random(std::span<std::uint8_t> out) override;
  task<std::vector<ip_address>> system_resolve(std::string host, duration deadline) override;
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
  std::unique_ptr<fd_watch> watch_fd(int fd) override;
  void start(task<void> t) override;
  task<bool> wait_reload() override;
  int probe_workers() const override;
  std::size_t descriptor_limit() const override { return fd_limit_; }
  std::uint64_t on_shutdown(std::function<void()> f) override;
  void forget_shutdown(std::uint64_t id) override;
  int fork_workers(int extra) override;
  task<void> run_probes(std::vector<probe_source*> sources) override;

  struct state;

 private:
  std::unique_ptr<state> s_;
  std::size_t fd_limit_ = 0;
};

/// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
unsigned long raise_fd_limit();

}  // namespace net

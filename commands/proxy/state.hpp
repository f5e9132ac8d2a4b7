#pragma once
// What every connection of one proxy shares: options, output, the faults in force (replaced as a
// whole on reload), the one seeded PRNG and the clock's origin. Private to commands/proxy/*.cpp.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands/proxy/proxy.hpp"
#include "commands/proxy/faults.hpp"

namespace commands::proxy {

struct state {
  state(net::context& c, const proxy_options& o, core::io& i) : ctx(c), opts(o), io(i) {}

  net::context& ctx;
  const proxy_options& opts;
  core::io& io;
  /// Replaced, never changed in place: a connection keeps what it drew when it began.
  std::shared_ptr<const std::vector<net::fault_spec>> faults;
  rng random;
  net::clock::time_point started;
  std::uint64_t next_id = 0;
  std::string upstream_url;
  /// Called after a reload has replaced `faults`.
  std::function<void()> faults_changed;
  /// TLS towards the clients, for a tls:// listener.
  std::unique_ptr<net::tls_server> tls;

  /// Time since the proxy started: the clock of a fault's `at` and `for`.
  net::duration elapsed() const { return ctx.now() - started; }
  /// One NDJSON line on stdout (only with --json).
  void event(const nlohmann::ordered_json& e) const {
    if (io.json()) io.event(e.dump());
  }
  /// A fault that acted, as an event ({"event":"fault","id":3,"kind":"reset",...}) or a -v line.
  void fault_event(std::uint64_t id, const net::fault_spec& f, std::string_view what,
                   nlohmann::ordered_json extra = nlohmann::ordered_json::object()) const {
    if (io.json()) {
      nlohmann::ordered_json e{{"event", "fault"},
                               {"id", id},
                               {"kind", net::fault_kind_name(f.kind)},
                               {"origin", f.origin}};
      for (auto& [k, v] : extra.items()) e[k] = v;
      io.event(e.dump());
    } else {
      io.verbose(1, "proxy: connection {}: {} ({})", id, what, f.origin);
    }
  }
};

/// Relays one accepted stream connection to the upstream until both directions end.
net::task<void> stream_session(std::shared_ptr<state> st, net::stream client, std::uint64_t id,
                               fault_draw draw);

/// The stream proxy: accepts connections and starts a session for each. Runs until interrupted.
net::task<int> run_stream(std::shared_ptr<state> st);

/// The UDP proxy: one upstream socket per client address. Runs until interrupted.
net::task<int> run_udp(std::shared_ptr<state> st);

/// Prints "listening on URL", the listening event, and writes the ready file.
void announce(const state& st, const net::endpoint& local);

}  // namespace commands::proxy

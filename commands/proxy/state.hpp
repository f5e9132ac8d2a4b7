#pragma once
// What every connection of one proxy shares: options, output, the faults in force (replaced as a
// whole on reload), the one seeded PRNG and the clock's origin. Private to commands/proxy/*.cpp.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "commands/proxy/faults.hpp"
#include "commands/proxy/proxy.hpp"

namespace commands::proxy {

/// An open connection as the API sees it: its faults can change under it, and it can be ended.
class live_session {
 public:
  virtual ~live_session() = default;
  /// Draws again from the faults now in force (toxics added, changed or removed).
  virtual void redraw() = 0;
  /// Ends it at once (its proxy was disabled, moved or deleted).
  virtual void end(std::string_view reason) = 0;
};

struct state {
  state(net::context& c, const proxy_options& o, core::io& i) : ctx(c), opts(o), io(i) {}
  /// A proxy of the API owns its options (they go when its last connection does).
  state(net::context& c, std::shared_ptr<const proxy_options> o, core::io& i)
      : ctx(c), opts(*o), io(i), owned_opts(std::move(o)) {}

  net::context& ctx;
  const proxy_options& opts;
  core::io& io;
  std::shared_ptr<const proxy_options> owned_opts;
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

  // A proxy of the API (toxiproxy's): its faults change while connections are open, and it
  // can be stopped.
  /// Faults may change under open connections: every byte goes through the fault path (a plain
  /// copy could not start obeying a latency added later), and sessions register in `live`.
  bool dynamic = false;
  std::set<live_session*> live;
  bool stopped = false;
  /// Closes the listener (set by the accept loop while it runs).
  std::function<void()> close_listener;
  /// A name for messages and events: the API proxy's, or empty.
  std::string name;

  /// After `faults` was replaced: the accept loop looks again (refusals), and so does every open
  /// connection.
  void faults_replaced() {
    if (faults_changed) faults_changed();
    auto sessions = live;  // a redraw may end a session, which leaves `live`
    for (auto* s : sessions)
      if (live.contains(s)) s->redraw();
  }
  /// Stops accepting and ends every open connection.
  void stop(std::string_view reason) {
    stopped = true;
    if (close_listener) close_listener();
    auto sessions = live;
    for (auto* s : sessions)
      if (live.contains(s)) s->end(reason);
  }

  /// How messages name it: "proxy", or "proxy NAME" for one of the API's.
  std::string label() const { return name.empty() ? "proxy" : "proxy " + name; }
  /// Time since the proxy started: the clock of a fault's `at` and `for`.
  net::duration elapsed() const { return ctx.now() - started; }
  /// One NDJSON line on stdout (only with --json).
  void event(const nlohmann::ordered_json& e) const {
    if (!io.json()) return;
    if (name.empty()) return io.event(e.dump());
    auto named = e;
    named["proxy"] = name;
    io.event(named.dump());
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
      event(e);
    } else {
      io.verbose(1, "{}: connection {}: {} ({})", label(), id, what, f.origin);
    }
  }
};

/// Relays one accepted stream connection to the upstream until both directions end.
net::task<void> stream_session(std::shared_ptr<state> st, net::stream client, std::uint64_t id,
                               fault_draw draw);

/// The stream proxy: accepts connections and starts a session for each. Runs until interrupted,
/// or until st->stop(). With `listener`, accepts on it instead of listening on opts.listen.
net::task<int> run_stream(std::shared_ptr<state> st,
                          std::optional<net::listener> listener = std::nullopt);

/// The UDP proxy: one upstream socket per client address. Runs until interrupted.
net::task<int> run_udp(std::shared_ptr<state> st);

/// Says that the listener's certificate is an ephemeral one, and how clients trust it.
void note_ephemeral(const state& st, const std::string& fingerprint);

/// Prints "listening on URL", the listening event, and writes the ready file.
void announce(const state& st, const net::endpoint& local);

}  // namespace commands::proxy

#pragma once
// The faults a proxy injects: gathered from flags and a fault file, drawn once per connection (or
// UDP client), then asked, at a moment, what they do to one direction. No I/O here, so all of it
// is unit-tested on values.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "commands/proxy/fault_file.hpp"
#include "commands/proxy/proxy.hpp"
#include "net/fault.hpp"

namespace commands::proxy {

/// Up: client to upstream. Down: upstream to client.
enum class way { up, down };

using rng = std::mt19937_64;

/// A rate as net::parse_fault reads it: "10Mbit", "1MB", "500K" or a number of bytes per second.
/// Nullopt when malformed. Example: parse_rate("10Mbit") == 1250000.
std::optional<std::uint64_t> parse_rate(std::string_view text);

/// The faults the flags ask for, each with its flag as origin ("--latency").
std::vector<net::fault_spec> faults_from_flags(const proxy_options& o);

/// Why a fault has no effect on this kind of proxy ("reorder" on a stream), or empty.
std::string ignored_because(const net::fault_spec& f, bool stream);

/// What a fault does, for -v: "latency 200ms jitter 50ms up", "reset after 65536 bytes".
std::string describe(const net::fault_spec& f);

/// Whether `f` acts on the bytes of direction `w`.
bool applies(const net::fault_spec& f, way w);

/// What the faults in force do to one direction at one moment: the link effect both backends
/// compute (net::add_effect), and what the proxy needs besides.
struct shape : net::link_effect {
  /// When the blackhole in force lifts, since the proxy started; nullopt: never.
  std::optional<net::duration> blackhole_until;
  /// The faults that contributed, for events ("latency", "bandwidth").
  std::vector<const net::fault_spec*> from;
  /// A slicer (the API's): bytes go in slices of about this size, slice_delay apart.
  std::uint64_t slice_size = 0, slice_variation = 0;
  net::duration slice_delay{0};
};

/// A refuse fault in force at `t` that turns every connection away (probability 1, no
/// `connections` limit): a stream proxy then closes its listener, so that clients are refused by
/// the kernel itself. Null when there is none.
const net::fault_spec* refusing_all(const std::vector<net::fault_spec>& all, net::duration t);
/// When such a refusal next begins, after `t`; nullopt if none is to come.
std::optional<net::duration> next_refusal(const std::vector<net::fault_spec>& all, net::duration t);

/// A delay drawn from a shape: latency plus jitter.
net::duration draw_delay(const shape& s, rng& r);

/// The faults one connection (or UDP client) drew when it began.
class fault_draw {
 public:
  fault_draw() = default;

  /// Draws from `all` for connection number `index` (from 1) opened `t` after the proxy started.
  /// A fault is kept when it is, or will be, in force at or after `t`, its `connections` admits
  /// the index and — unless `per_datagram`, where each datagram rolls again in at() — it wins its
  /// `probability`. A fault with `after` is kept with its `at` moved to when it fires on this
  /// connection: `after` past the later of `t` and its own `at`.
  static fault_draw choose(const std::vector<net::fault_spec>& all, std::uint64_t index,
                           net::duration t, rng& r, bool per_datagram = false);

  const std::vector<net::fault_spec>& faults() const { return f_; }
  bool empty() const { return f_.empty(); }

  /// Whether any fault may act on the bytes of direction `w` (latency, bandwidth, loss,
  /// blackhole, partition, a reset after bytes, slow_close); if not, bytes are copied as they are.
  bool touches(way w) const;
  /// What is in force on `w` at `t`. With `roll`, each fault also wins its probability (udp).
  shape at(net::duration t, way w, rng* roll = nullptr) const;
  /// A refuse fault in force at `t`, or null.
  const net::fault_spec* refused_at(net::duration t) const;
  /// A reset fault with no byte count (a reset "at" a time) in force at `t`, or null.
  const net::fault_spec* reset_at(net::duration t) const;
  /// Timed resets still to come after `t`: when (since start), and which.
  std::vector<std::pair<net::duration, const net::fault_spec*>> resets_after(net::duration t) const;
  /// A blackhole (or partition) of both directions, in force at `t` and for ever: the proxy need
  /// not even dial the upstream. Null otherwise.
  const net::fault_spec* blackhole_for_good(net::duration t) const;
  /// Kinds, for the open event: ["latency", "bandwidth"].
  std::vector<std::string> kinds() const;

 private:
  std::vector<net::fault_spec> f_;
  bool per_datagram_ = false;
};

}  // namespace commands::proxy

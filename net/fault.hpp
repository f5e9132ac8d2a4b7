#pragma once
// The fault vocabulary shared by scenario files (`vitnet test net`) and `vitnet proxy`: what can
// go wrong on a network, where, and when.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/time.hpp"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace net {

enum class fault_kind {
  latency,      ///< delay (with jitter) on a link
  loss,         ///< datagrams lost; streams see retransmission delay, never silent data loss
  bandwidth,    ///< a link carries at most `bandwidth` bytes per second
  reorder,      ///< datagrams delivered out of order
  duplicate,    ///< datagrams delivered twice
  partition,    ///< nothing crosses the link (one way with from/to, both ways with between)
  blackhole,    ///< nothing reaches `host` (and, on the proxy, nothing is forwarded)
  reset,        ///< connections are reset: after `after_bytes`, or at `at`
  slow_close,   ///< the proxy delays closing a connection by `latency`
  crash,        ///< `host` goes down at `at`, and restarts after `for` if given
  dns_failure,  ///< name lookups on `host` fail (mode "error") or hang (mode "timeout")
  refuse,       ///< connections to `host` (on `port`, if given) are refused
};

/// The name used in files: "latency", "dns_failure", ...
std::string_view fault_kind_name(fault_kind k);

/// Whether a kind acts on the traffic crossing a link (delay, loss, pacing, blocking, a late
/// close), as opposed to connections (reset, refuse), hosts (crash) or names (dns_failure).
bool acts_on_traffic(fault_kind k);

/// What the traffic faults in force do to one link (the mock network) or one direction of a
/// connection (the proxy): both backends compute it with add_effect, so a scenario and a proxy
/// fault file mean the same thing.
struct link_effect {
  duration latency{0};
  duration jitter{0};
  bool normal_jitter = false;   ///< jitter drawn from |N(0, jitter)| (else uniform in 0..jitter)
  double loss = 0;              ///< datagrams lost; stream bytes delayed as by a retransmission
  double reorder = 0;           ///< datagrams held back so later ones overtake them
  double duplicate = 0;         ///< datagrams delivered twice
  std::uint64_t bandwidth = 0;  ///< bytes per second; 0 is unlimited
  bool blocked = false;         ///< a partition or blackhole: nothing gets through
  duration fin_delay{0};        ///< a slow close: the end of a stream arrives this much later

  bool operator==(const link_effect&) const = default;
};

struct fault_spec;

/// Adds what `f` does to `e`, as if the faults were stages one after another on the link:
/// delays (latency, jitter, a slow close) add up; chances (loss, reorder, duplicate) are
/// independent, so two of them combine as 1-(1-a)(1-b); the narrowest bandwidth wins; any
/// partition or blackhole blocks. Returns false, changing nothing, for a kind that is not a
/// property of the traffic (reset, refuse, crash, dns_failure).
bool add_effect(link_effect& e, const fault_spec& f);

struct fault_spec {
  fault_kind kind = fault_kind::latency;
  // Where: a link (from -> to, or both ways), a host, optionally one port.
  std::string from, to;
  bool both_ways = true;
  std::string host;
  std::optional<std::uint16_t> port;
  // When: from `at`, for `lasts` (forever when unset), each time with `probability`, and only
  // for the first `connections` connections when set.
  duration at{0};
  std::optional<duration> lasts;
  double probability = 1.0;
  std::optional<std::uint64_t> connections;
  // What.
  duration latency{0};
  duration jitter{0};
  std::string distribution = "uniform";  ///< of the jitter: "uniform" or "normal"
  double rate = 0;                       ///< loss, reorder, duplicate
  std::uint64_t bandwidth = 0;           ///< bytes per second
  std::optional<std::uint64_t> after_bytes;
  std::string mode = "error";      ///< dns_failure: "error" or "timeout"
  std::string direction = "both";  ///< proxy: "up" (client to upstream), "down", or "both"
  // Set only by the proxy's API (toxiproxy's toxics), never by a file:
  /// reset: fires this long after the fault first meets a connection (when the connection
  /// began, or at `at` for one already open then), instead of at `at` for all.
  std::optional<duration> after;
  /// reset: the connection is closed (an end of stream) instead of reset.
  bool graceful = false;
  /// The bytes go on in slices of slice_size (give or take slice_variation), slice_delay apart.
  std::uint64_t slice_size = 0, slice_variation = 0;
  duration slice_delay{0};
  // Where it was declared, for messages: "scenario.toml:12".
  std::string origin;

  /// Whether the fault is in force at `t` (virtual or real time since the start).
  bool active_at(duration t) const { return t >= at && (!lasts || t < at + *lasts); }
  /// A one-line description for reports: "partition client<->server at 1s for 2s".
  std::string describe() const;
};

/// Reads one fault from a TOML table (the `[[fault]]` entries of a scenario or a proxy fault
/// file). Throws vitnet::error with exit code 65 and "file:line: message" when it is malformed.
fault_spec parse_fault(const toml::table& t, const std::string& file);

}  // namespace net

#pragma once
// On loopback, the fault proxies are the only witnesses of the connections between hosts: each
// prints an NDJSON line when a connection opens, when a fault acts on it and when it closes. This
// turns those lines into the run's events, timed when the runner saw them (within its polling
// interval: 10 to 20 ms).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "commands/test_net/scenario.hpp"
#include "core/units.hpp"
#include "net/wire_event.hpp"

namespace commands {

class proxy_events {
 public:
  explicit proxy_events(const scenario& sc) : sc_(sc) {}

  /// Reads what proxy `k`, standing in front of host `guarded`, has printed since the last call;
  /// `out` is all it has printed so far, `now` the time since the run began.
  void read(std::size_t k, const std::string& guarded, const std::string& out, core::duration now);

  /// The events read so far, in the order they were seen.
  std::vector<net::wire_event> take() { return std::move(events_); }

 private:
  std::string host_of(const std::string& peer) const;

  const scenario& sc_;
  std::vector<std::size_t> read_;  ///< per proxy: bytes of its output already read
  std::vector<net::wire_event> events_;
  std::map<std::uint64_t, std::string> from_;  ///< connection -> the host it came from
};

}  // namespace commands

#pragma once
// A scenario's faults acting on a simulated world: through the world's hooks (links, refused
// connections, new connections, name lookups) and at their times (timed resets, crashes and
// restarts, "fault begins" and "fault ends" in the trace).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/fault.hpp"
#include "net/sim/world.hpp"

namespace net::sim {

class fault_injector {
 public:
  /// What the owner of the host's processes does when a host goes down or comes back.
  struct host_events {
    std::function<void(const std::string& host)> crashed;
    std::function<void(const std::string& host)> restarted;
  };

  /// Installs `faults` (which must outlive this) on `w`, and schedules the timed ones from now.
  fault_injector(world& w, const std::vector<fault_spec>& faults, host_events events);
  fault_injector(const fault_injector&) = delete;
  fault_injector& operator=(const fault_injector&) = delete;

  /// How many times fault `i` (in the order given) acted.
  std::uint64_t fired(std::size_t i) const { return state_.at(i).fired; }

 private:
  struct fault_state {
    const fault_spec* spec;
    std::uint64_t fired = 0;
    std::uint64_t connections = 0;  ///< connections (or attempts) it has applied to
  };

  bool on_link(const fault_spec& f, const host& from, const host& to) const;
  bool applies(fault_state& fs, const host& from, const host& to);
  void install_hooks();
  void schedule();
  void reset_now(fault_state& fs);
  void crash(fault_state& fs);
  void restart(fault_state& fs);

  world& w_;
  std::vector<fault_state> state_;
  host_events events_;
};

}  // namespace net::sim

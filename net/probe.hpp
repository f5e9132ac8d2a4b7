#pragma once
// Connect probes in bulk, for scanning. A probe_source (the scan's scheduler) hands out probes and
// hears their outcomes; a driver opens the connections. The real backend drives probes from
// plain epoll loops on several threads, since a full port scan is bound by the kernel's cost of
// a connect and one core is not enough; any other context drives them with coroutines over
// connect_once. Sources know nothing of threads: each is used by exactly one driver.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "net/context.hpp"

namespace net {

struct probe_ticket {
  std::uint64_t id = 0;  ///< the source's own number for the probe
  int attempt = 0;
  socket_address to;
  std::optional<ip_address> from;  ///< leave from this address (port chosen by the system)
  duration timeout{};
};

enum class probe_verdict : std::uint8_t {
  open,          ///< the connect succeeded
  refused,       ///< RST: nobody listens
  timed_out,     ///< no answer within the ticket's timeout
  unreachable,   ///< an ICMP error or a local routing failure
  no_resources,  ///< out of descriptors, buffers or local ports: not the probe's fault
  self_connect,  ///< the connect met itself (same address and port on both ends): nobody listens
};

struct probe_report {
  probe_verdict verdict = probe_verdict::timed_out;
  int error = 0;  ///< errno behind the verdict, 0 for open and timed_out
  duration rtt{};
};

/// The verdict an errno from socket(), bind() or connect() stands for (ECONNREFUSED: refused,
/// EMFILE: no_resources, EHOSTUNREACH: unreachable...).
probe_verdict verdict_of(int error);

/// What a driver asks of a source. Each call comes from the one driver that owns the source.
class probe_source {
 public:
  virtual ~probe_source() = default;

  struct pull {
    std::optional<probe_ticket> ticket;  ///< start this now
    /// Nothing to start now: ask again at this time (time_point::max(): after a probe ends).
    clock::time_point retry_at = clock::time_point::max();
    bool finished = false;  ///< nothing left to start and nothing in flight to wait for
  };
  /// The next probe to start, given how many of this source's probes are in flight.
  virtual pull next(clock::time_point now, int in_flight) = 0;
  /// A probe ended. The source may hand the same probe out again later (retries, back-off).
  virtual void done(const probe_ticket& t, const probe_report& r, clock::time_point now) = 0;
};

/// Drives one source with raw non-blocking sockets and epoll on the calling thread, until the
/// source is finished or `stop` becomes true. Real backend only. Returns why it could not drive
/// the source at all ("epoll_create1: Too many open files"), or "".
std::string drive_probes_epoll(probe_source& src, const std::atomic<bool>& stop);

/// Drives one source with coroutines over ctx.connect_once: any backend, the mock network's way.
task<void> drive_probes_generic(context& ctx, probe_source& src);

}  // namespace net

#pragma once
// The scan's scheduler: hands out this worker's share of target x port probes, adapts timeouts to
// measured round trips, retries probes that got no answer, backs off when the system runs out of
// descriptors or ports, paces to --rate, and records each verdict. One per probe driver (thread);
// workers share only the results vector, at disjoint indices, and atomic counters.
#include <atomic>
#include <deque>
#include <memory>

#include "commands/scan/scan.hpp"
#include "net/probe.hpp"

namespace commands {

/// Counters every worker adds to, read by the progress bar from another thread.
struct scan_progress {
  std::atomic<std::uint64_t> done{0}, open{0};
  std::uint64_t planned = 0;
  bool finished = false;  ///< set by the main thread when the scan has ended
  bool drawn = false;     ///< the bar is on screen and must be cleared
};

struct scan_share {
  int worker = 0, workers = 1;  ///< this schedule takes every workers-th probe of the shard
  int concurrency = 1;          ///< its share of the connects in flight
  double rate = 0;              ///< its share of --rate
};

class scan_schedule final : public net::probe_source {
 public:
  scan_schedule(const scan_options& o, const std::vector<scan_host>& hosts,
                const std::vector<std::uint16_t>& ports, std::vector<port_result>& results,
                const scan_permutation& perm, scan_share share, scan_progress& progress);

  pull next(net::clock::time_point now, int in_flight) override;
  void done(const net::probe_ticket& t, const net::probe_report& r,
            net::clock::time_point now) override;

  std::uint64_t probes_sent() const { return probes_sent_; }
  std::uint64_t self_connects() const { return self_connects_; }
  std::uint64_t backoffs() const { return backoffs_; }
  /// Why this schedule gave up with probes left (nothing of its own in flight, and still no
  /// descriptors or ports for a new connect): "" if it did not.
  const std::string& starved() const { return starved_; }

 private:
  struct rtt_state {
    net::duration srtt{0}, rttvar{0};
    int samples = 0;
  };
  std::optional<std::uint64_t> take();
  net::duration timeout_for(const rtt_state& r, int attempt) const;
  static void measured(rtt_state& r, net::duration rtt);
  void record(std::uint64_t index, port_state s, net::duration rtt);

  const scan_options& o_;
  const std::vector<scan_host>& hosts_;
  const std::vector<std::uint16_t>& ports_;
  std::vector<port_result>& results_;
  const scan_permutation& perm_;
  scan_share share_;
  scan_progress& progress_;
  std::vector<rtt_state> rtt_;
  std::deque<net::probe_ticket> again_;  ///< retries and probes put back after a back-off
  std::uint64_t total_ = 0, next_ = 0, step_ = 1;
  bool permuted_ = false;
  int allowed_ = 1, outstanding_ = 0;
  net::clock::time_point resume_at_{}, next_slot_{}, last_backoff_{};
  std::uint64_t probes_sent_ = 0, self_connects_ = 0, backoffs_ = 0;
  std::optional<net::clock::time_point> starving_since_;
  std::string starved_;
  net::ip_address source_v4_;  ///< where loopback IPv4 probes leave from: no target has it
};

/// A loopback address that is none of `hosts` (127.255.255.254 unless that is a target).
net::ip_address loopback_source(const std::vector<scan_host>& hosts);

}  // namespace commands

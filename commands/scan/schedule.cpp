#include "commands/scan/schedule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace commands {

using namespace std::chrono_literals;

net::ip_address loopback_source(const std::vector<scan_host>& hosts) {
  // A connect from X:P to X:P meets itself (a self-connect), and two probes X:P -> X:Q and
  // X:Q -> X:P meet each other (a simultaneous open): both look open with nobody listening.
  // Neither can happen when every probe's source differs from every target.
  std::set<net::ip_address> targets;
  for (auto& h : hosts) targets.insert(h.ip);
  net::ip_address a;
  for (std::uint32_t v = 0x7ffffffe; v > 0x7f000000; --v) {
    a = net::ip_address::v4(v);
    if (!targets.contains(a)) break;
  }
  return a;
}

scan_schedule::scan_schedule(const scan_options& o, const std::vector<scan_host>& hosts,
                             const std::vector<std::uint16_t>& ports,
                             std::vector<port_result>& results, const scan_permutation& perm,
                             scan_share share, scan_progress& progress)
    : o_(o),
      hosts_(hosts),
      ports_(ports),
      results_(results),
      perm_(perm),
      share_(share),
      progress_(progress),
      rtt_(hosts.size()) {
  total_ = static_cast<std::uint64_t>(hosts.size()) * ports.size();
  permuted_ = o.randomize || o.shard_count > 1;
  // Positions shard-1, +N, +2N, ... of the (permuted) order belong to this shard; of those, this
  // worker takes every workers-th, starting at its own number.
  next_ = static_cast<std::uint64_t>(o.shard_index - 1) +
          static_cast<std::uint64_t>(share.worker) * static_cast<std::uint64_t>(o.shard_count);
  step_ = static_cast<std::uint64_t>(o.shard_count) * static_cast<std::uint64_t>(share.workers);
  allowed_ = std::max(1, share.concurrency);
  source_v4_ = loopback_source(hosts);
}

std::optional<std::uint64_t> scan_schedule::take() {
  if (next_ >= total_) return std::nullopt;
  std::uint64_t pos = next_;
  next_ += step_;
  return permuted_ ? perm_(pos) : pos;
}

net::duration scan_schedule::timeout_for(const rtt_state& r, int attempt) const {
  // The last attempt waits the full --timeout, so a slow port is not called filtered for being
  // slower than its neighbours; earlier ones wait a few round trips.
  if (attempt >= o_.retries || o_.fixed_timeout || r.samples < 3) return o_.timeout;
  auto t = std::max(r.srtt * 4, r.srtt + r.rttvar * 4);
  return std::clamp<net::duration>(t, o_.min_timeout, o_.timeout);
}

void scan_schedule::measured(rtt_state& r, net::duration rtt) {
  if (r.samples++ == 0) {
    r.srtt = rtt;
    r.rttvar = rtt / 2;
    return;
  }
  auto err = rtt > r.srtt ? rtt - r.srtt : r.srtt - rtt;
  r.rttvar = (r.rttvar * 3 + err) / 4;
  r.srtt = (r.srtt * 7 + rtt) / 8;
}

net::probe_source::pull scan_schedule::next(net::clock::time_point now, int in_flight) {
  pull p;
  if (!starved_.empty() || (again_.empty() && next_ >= total_)) {
    p.finished = outstanding_ == 0;
    return p;
  }
  if (outstanding_ >= allowed_) return p;  // after a probe ends
  if (now < resume_at_) {
    p.retry_at = resume_at_;
    return p;
  }
  if (share_.rate > 0) {
    if (now < next_slot_) {
      p.retry_at = next_slot_;
      return p;
    }
    auto interval =
        std::chrono::duration_cast<net::duration>(std::chrono::duration<double>(1.0 / share_.rate));
    next_slot_ = std::max(now, next_slot_) + interval;
  }
  net::probe_ticket t;
  if (!again_.empty()) {
    t = again_.front();
    again_.pop_front();
  } else {
    auto index = *take();
    auto h = index / ports_.size();
    t.id = index;
    t.to = net::socket_address{hosts_[h].ip, ports_[index % ports_.size()]};
    if (t.to.ip.is_v4() && t.to.ip.is_loopback()) t.from = source_v4_;
  }
  t.timeout = timeout_for(rtt_[t.id / ports_.size()], t.attempt);
  ++outstanding_;
  p.ticket = t;
  return p;
}

void scan_schedule::record(std::uint64_t index, port_state s, net::duration rtt) {
  results_[index].state = s;
  results_[index].rtt = rtt;
  progress_.done.fetch_add(1, std::memory_order_relaxed);
  if (s == port_state::open) progress_.open.fetch_add(1, std::memory_order_relaxed);
}

void scan_schedule::done(const net::probe_ticket& t, const net::probe_report& r,
                         net::clock::time_point now) {
  --outstanding_;
  ++probes_sent_;
  if (r.verdict != net::probe_verdict::no_resources) starving_since_.reset();
  rtt_state& rs = rtt_[t.id / ports_.size()];
  switch (r.verdict) {
    case net::probe_verdict::open:
      measured(rs, r.rtt);
      return record(t.id, port_state::open, r.rtt);
    case net::probe_verdict::refused:
      measured(rs, r.rtt);
      return record(t.id, port_state::closed, r.rtt);
    case net::probe_verdict::self_connect:
      ++self_connects_;
      return record(t.id, port_state::closed, r.rtt);
    case net::probe_verdict::no_resources:
      // With nothing of ours in flight, waiting frees nothing: after a while of that, give up
      // (the scan then fails, naming the cause) rather than retry forever.
      if (outstanding_ == 0) {
        if (!starving_since_) starving_since_ = now;
        if (now - *starving_since_ >= 2s) {
          starved_ = fmt::format(
              "no {} for a single connect ({})",
              r.error == EMFILE || r.error == ENFILE ? "descriptors left" : "local resources",
              std::strerror(r.error));
          return;
        }
      } else {
        starving_since_.reset();
      }
      // Fewer connects in flight from now on, and this probe again after a pause; never a
      // crash. One reduction per pause, or every probe failing at once would cut it to nothing.
      if (now - last_backoff_ >= 20ms) {
        allowed_ = std::max(1, std::min(allowed_, outstanding_ + 1) * 3 / 4);
        last_backoff_ = now;
      }
      ++backoffs_;
      resume_at_ = now + 20ms;
      again_.push_back(t);
      return;
    case net::probe_verdict::timed_out:
      if (t.attempt < o_.retries) {
        auto retry = t;
        ++retry.attempt;
        again_.push_back(retry);
        return;
      }
      return record(t.id, port_state::filtered, net::duration::zero());
    case net::probe_verdict::unreachable:
      // An unreachable network or host: as nmap says for a connect scan.
      return record(t.id, port_state::filtered, net::duration::zero());
  }
}

}  // namespace commands

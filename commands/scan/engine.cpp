// The scan's driver: splits this shard's probes between the context's probe workers (threads with
// epoll on the real backend, coroutines on the mock network), waits for them, then takes a second
// look at open ports when asked to. UDP scans go their own way (scan_udp.cpp).
#include <sys/resource.h>

#include <algorithm>

#include "commands/scan/scan.hpp"
#include "commands/scan/schedule.hpp"
#include "core/error.hpp"

namespace commands {

int scan_concurrency(const scan_options& o, std::uint64_t probes) {
  long n = o.concurrency;
  if (n <= 0) {
    rlimit r{};
    long fds = 1024;
    if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
      fds = static_cast<long>(r.rlim_cur);
    else if (r.rlim_cur == RLIM_INFINITY)
      fds = 1 << 20;
    // Keep a margin for stdio, the event loop, resolvers and whatever else the process holds.
    n = std::clamp(fds - 64, 1L, 4096L);
  }
  if (o.rate > 0) n = std::min<long>(n, std::max<long>(1, static_cast<long>(o.rate)));
  return static_cast<int>(
      std::clamp<long>(n, 1, static_cast<long>(std::max<std::uint64_t>(1, probes))));
}

net::task<scan_outcome> scan_all(net::context& ctx, const scan_options& o,
                                 std::vector<scan_host> hosts, std::vector<std::uint16_t> ports,
                                 scan_progress* progress) {
  scan_outcome r;
  r.hosts = std::move(hosts);
  r.ports = std::move(ports);
  auto total = static_cast<std::uint64_t>(r.hosts.size()) * r.ports.size();
  r.results.resize(total);
  for (auto i = static_cast<std::uint64_t>(o.shard_index - 1); i < total;
       i += static_cast<std::uint64_t>(o.shard_count))
    ++r.planned;
  scan_progress own;
  if (!progress) progress = &own;
  progress->planned = r.planned;
  auto started = ctx.now();

  if (o.udp) {
    co_await scan_udp(ctx, o, r, *progress);
  } else {
    // --rate is one schedule's pacing; otherwise the shard is dealt out among the workers, each
    // with its share of the connects in flight.
    int workers = o.rate > 0 ? 1 : std::max(1, ctx.probe_workers());
    workers =
        static_cast<int>(std::min<std::uint64_t>(workers, std::max<std::uint64_t>(1, r.planned)));
    int n = scan_concurrency(o, r.planned);
    r.concurrency = n;
    scan_permutation perm(total, o.seed);
    std::vector<std::unique_ptr<scan_schedule>> schedules;
    std::vector<net::probe_source*> sources;
    for (int w = 0; w < workers; ++w) {
      scan_share share{w, workers, std::max(1, n / workers), o.rate};
      schedules.push_back(
          std::make_unique<scan_schedule>(o, r.hosts, r.ports, r.results, perm, share, *progress));
      sources.push_back(schedules.back().get());
    }
    co_await ctx.run_probes(sources);
    for (auto& s : schedules) {
      r.probes_sent += s->probes_sent();
      r.self_connects += s->self_connects();
      r.backoffs += s->backoffs();
      if (!s->starved().empty()) vitnet::fail(core::exit_code::io, "scan: {}", s->starved());
    }
  }
  // Every planned probe has its answer, or the scan is no answer at all: a port left unscanned
  // would read as "nothing there". Only the other shards' ports stay unscanned.
  auto unscanned = static_cast<std::uint64_t>(
      std::count_if(r.results.begin(), r.results.end(),
                    [](const port_result& p) { return p.state == port_state::unscanned; }));
  if (auto missing = unscanned - (total - r.planned); missing > 0)
    vitnet::fail(core::exit_code::io,
                 "scan: {} of {} probes got no verdict; the scan is incomplete", missing,
                 r.planned);
  co_await probe_services(ctx, o, r);
  r.elapsed = ctx.now() - started;
  co_return r;
}

}  // namespace commands

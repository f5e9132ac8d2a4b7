// The probe driver for any context (the mock network's): one coroutine per probe in flight, over
// connect_once, with a timer that wakes the dispatcher when a probe ends or a paced one is due.

#include "core/exit_code.hpp"
#include "net/probe.hpp"

namespace net {

namespace {

struct generic_driver {
  context& ctx;
  probe_source& src;
  std::unique_ptr<timer> wake = ctx.make_timer();
  int in_flight = 0;
  bool waiting = false;

  task<void> probe(probe_ticket t) {
    endpoint where;
    where.host = t.to.ip.to_string();
    where.port = t.to.port;
    auto t0 = ctx.now();
    const ip_address* from = t.from ? &*t.from : nullptr;
    auto [ec, s] = co_await ctx.connect_once(where, &t.to, t.timeout, from);
    probe_report r;
    r.rtt = ctx.now() - t0;
    if (!ec) {
      r.verdict = probe_verdict::open;
      s.abort();  // RST: no TIME_WAIT
    } else {
      r.error = core::errno_of(ec);
      r.verdict = verdict_of(r.error);
      if (r.verdict == probe_verdict::timed_out) r.error = 0;
    }
    --in_flight;
    src.done(t, r, ctx.now());
    if (waiting) wake->cancel();
  }

  task<void> run() {
    for (;;) {
      auto pull = src.next(ctx.now(), in_flight);
      if (pull.ticket) {
        ++in_flight;
        ctx.start(probe(std::move(*pull.ticket)));
        continue;
      }
      if (pull.finished && in_flight == 0) co_return;
      // Wait for a probe to end, or until the source has something due.
      auto wait = pull.retry_at == clock::time_point::max()
                      ? duration(std::chrono::hours(24))
                      : std::max(duration::zero(), pull.retry_at - ctx.now());
      wake->expires_after(wait);
      waiting = true;
      co_await wake->wait();
      waiting = false;
    }
  }
};

}  // namespace

task<void> drive_probes_generic(context& ctx, probe_source& src) {
  generic_driver d{ctx, src};
  co_await d.run();
}

task<void> context::run_probes(std::vector<probe_source*> sources) {
  // One coroutine loop serves every probe here, so sources take turns; backends with threads
  // override this to drive them at once.
  for (auto* s : sources) co_await drive_probes_generic(*this, *s);
}

}  // namespace net

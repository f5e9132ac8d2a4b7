// The connect-scan engine: a pool of worker coroutines, sized from the file descriptor limit, that
// take (target, port) probes in order (or in a seeded permutation), classify each as open, closed
// or filtered, adapt their timeouts to measured round trips, and back off on EMFILE.
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <set>

#include "commands/scan.hpp"
#include "core/exit_code.hpp"
#include "net/deadline.hpp"

namespace commands {

namespace {

using namespace std::chrono_literals;

bool out_of_resources(int e) {
  // Out of descriptors, buffers or local ports: the probe is not at fault; retry it later.
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM || e == EADDRNOTAVAIL ||
         e == EAGAIN;
}

std::string printable_line(std::string_view bytes) {
  std::string s;
  for (char c : bytes) {
    if (c == '\r' || c == '\n') {
      if (!s.empty()) break;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    s += (u >= 0x20 && u < 0x7f) ? c : '.';
    if (s.size() >= 120) break;
  }
  return s;
}

struct rtt_state {
  net::duration srtt{0}, rttvar{0};
  int samples = 0;
};

class scan_engine {
 public:
  scan_engine(net::context& ctx, const scan_options& o, std::vector<scan_host> hosts,
              std::vector<std::uint16_t> ports);
  net::task<void> run();
  scan_outcome finish() &&;

 private:
  std::optional<std::uint64_t> take();
  net::duration probe_timeout(const rtt_state& r, int attempt) const;
  static void measured(rtt_state& r, net::duration rtt);
  net::task<void> pace();
  net::task<std::string> grab_banner(net::stream& s);
  net::task<void> probe(std::uint64_t index);
  net::task<void> worker();

  net::context& ctx_;
  const scan_options& o_;
  std::vector<scan_host> hosts_;
  std::vector<std::uint16_t> ports_;
  std::uint64_t total_;
  scan_permutation perm_;
  std::vector<port_result> results_;
  std::vector<rtt_state> rtt_;
  bool permuted_ = false;
  std::uint64_t next_ = 0, planned_ = 0, done_ = 0;
  std::uint64_t probes_sent_ = 0, self_connects_ = 0, backoffs_ = 0;
  int allowed_ = 0, active_ = 0, concurrency_ = 0;
  net::clock::time_point next_slot_{}, started_{}, last_backoff_{};
  net::duration elapsed_{0};
  std::unique_ptr<net::timer> done_timer_;
  net::ip_address source_v4_;  ///< where loopback IPv4 probes come from: no target has it
};

}  // namespace

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

scan_engine::scan_engine(net::context& ctx, const scan_options& o, std::vector<scan_host> hosts,
                         std::vector<std::uint16_t> ports)
    : ctx_(ctx),
      o_(o),
      hosts_(std::move(hosts)),
      ports_(std::move(ports)),
      total_(static_cast<std::uint64_t>(hosts_.size()) * ports_.size()),
      perm_(total_, o.seed),
      results_(total_),
      rtt_(hosts_.size()) {
  permuted_ = o.randomize || o.shard_count > 1;
  // Probes to 127.0.0.0/8 leave from a loopback address that is none of the targets. A connect
  // from X:P to X:P meets itself (a self-connect), and two probes X:P -> X:Q and X:Q -> X:P meet
  // each other (a simultaneous open): both look open with nobody listening. Neither can happen
  // when every probe's source differs from every target.
  std::set<net::ip_address> targets;
  for (auto& h : hosts_) targets.insert(h.ip);
  for (std::uint32_t a = 0x7ffffffe; a > 0x7f000000; --a) {
    source_v4_ = net::ip_address::v4(a);
    if (!targets.contains(source_v4_)) break;
  }
  // Positions shard_index-1, +N, +2N, ... of the (permuted) order belong to this shard.
  next_ = static_cast<std::uint64_t>(o.shard_index - 1);
  for (std::uint64_t i = next_; i < total_; i += o.shard_count) ++planned_;
}

std::optional<std::uint64_t> scan_engine::take() {
  if (next_ >= total_) return std::nullopt;
  std::uint64_t pos = next_;
  next_ += static_cast<std::uint64_t>(o_.shard_count);
  return permuted_ ? perm_(pos) : pos;
}

net::duration scan_engine::probe_timeout(const rtt_state& r, int attempt) const {
  // The last attempt waits the full --timeout, so a slow port is not called filtered for being
  // slower than its neighbours; earlier ones wait a few round trips.
  if (attempt >= o_.retries || o_.fixed_timeout || r.samples < 3) return o_.timeout;
  auto t = std::max(r.srtt * 4, r.srtt + r.rttvar * 4);
  return std::clamp<net::duration>(t, o_.min_timeout, o_.timeout);
}

void scan_engine::measured(rtt_state& r, net::duration rtt) {
  if (r.samples++ == 0) {
    r.srtt = rtt;
    r.rttvar = rtt / 2;
    return;
  }
  auto err = rtt > r.srtt ? rtt - r.srtt : r.srtt - rtt;
  r.rttvar = (r.rttvar * 3 + err) / 4;
  r.srtt = (r.srtt * 7 + rtt) / 8;
}

net::task<void> scan_engine::pace() {
  if (o_.rate <= 0) co_return;
  auto interval =
      std::chrono::duration_cast<net::duration>(std::chrono::duration<double>(1.0 / o_.rate));
  auto now = ctx_.now();
  auto slot = std::max(now, next_slot_);
  next_slot_ = slot + interval;
  if (slot > now) co_await ctx_.sleep(slot - now);
}

net::task<std::string> scan_engine::grab_banner(net::stream& s) {
  char buf[512];
  auto read_within = [&](net::duration wait) -> net::task<std::size_t> {
    net::watchdog wd(ctx_, wait, [&s] { s.cancel(); });
    auto r = co_await s.read_some(std::span<char>(buf, sizeof buf));
    wd.disarm();
    co_return r.ec ? 0 : r.n;
  };
  // A service that speaks first (SSH, SMTP, FTP, Redis errors...) says so within a short wait;
  // otherwise ask as HTTP, which most of the rest answer.
  std::size_t n = co_await read_within(o_.banner_wait);
  if (n == 0 && s.is_open()) {
    static constexpr std::string_view probe = "HEAD / HTTP/1.0\r\n\r\n";
    auto w = co_await s.write_all(std::span<const char>(probe.data(), probe.size()));
    if (!w.ec) n = co_await read_within(o_.banner_wait);
  }
  co_return printable_line(std::string_view(buf, n));
}

net::task<void> scan_engine::probe(std::uint64_t index) {
  const scan_host& h = hosts_[index / ports_.size()];
  std::uint16_t port = ports_[index % ports_.size()];
  rtt_state& r = rtt_[index / ports_.size()];
  net::socket_address to{h.ip, port};
  net::endpoint where;
  where.host = h.ip.to_string();
  where.port = port;
  port_result& out = results_[index];

  for (int attempt = 0;;) {
    co_await pace();
    auto t0 = ctx_.now();
    const net::ip_address* from = h.ip.is_v4() && h.ip.is_loopback() ? &source_v4_ : nullptr;
    auto [ec, s] = co_await ctx_.connect_once(where, &to, probe_timeout(r, attempt), from);
    auto rtt = ctx_.now() - t0;
    ++probes_sent_;
    int e = ec ? core::errno_of(ec) : 0;
    if (!ec) {
      measured(r, rtt);
      if (h.ip.is_v6() && h.ip.is_loopback()) {
        // ::1 has no other loopback address to leave from, so a connect can meet itself: from
        // ephemeral port P to [::1]:P, with nobody listening. net::stream does not show the
        // local port; confirm with a second connect, which picks another source port: a
        // listener accepts it, a self-connect does not repeat.
        s.abort();
        auto again = co_await ctx_.connect_once(where, &to, o_.timeout);
        ++probes_sent_;
        if (again.first) {
          out.state = port_state::closed;
          out.rtt = rtt;
          ++self_connects_;
          co_return;
        }
        s = std::move(again.second);
      }
      out.state = port_state::open;
      out.rtt = rtt;
      if (o_.banners) out.banner = co_await grab_banner(s);
      s.abort();  // RST: no TIME_WAIT left behind
      co_return;
    }
    if (e == ECONNREFUSED || e == ECONNRESET) {
      measured(r, rtt);
      out.state = port_state::closed;
      out.rtt = rtt;
      co_return;
    }
    if (out_of_resources(e)) {
      // Fewer workers from now on, and this probe again after a pause; never a crash.
      // One reduction per pause, or every worker failing at once would cut it to nothing.
      if (ctx_.now() - last_backoff_ >= 20ms) {
        allowed_ = std::max(1, std::min(allowed_, active_) * 3 / 4);
        last_backoff_ = ctx_.now();
      }
      ++backoffs_;
      co_await ctx_.sleep(20ms);
      continue;
    }
    if (ec == std::errc::timed_out && attempt < o_.retries) {
      ++attempt;
      continue;
    }
    // No answer in time, or an unreachable network or host: as nmap says for a connect scan.
    out.state = port_state::filtered;
    co_return;
  }
}

net::task<void> scan_engine::worker() {
  while (active_ <= allowed_) {
    auto i = take();
    if (!i) break;
    co_await probe(*i);
    ++done_;
  }
  if (--active_ == 0 && done_timer_) done_timer_->cancel();
}

net::task<void> scan_engine::run() {
  started_ = ctx_.now();
  int n = scan_concurrency(o_, planned_);
  concurrency_ = n;
  allowed_ = n;
  active_ = n;
  done_timer_ = ctx_.make_timer();
  for (int i = 0; i < n; ++i) ctx_.start(worker());
  if (active_ > 0) {
    done_timer_->expires_after(std::chrono::hours(24 * 365));
    co_await done_timer_->wait();
  }
  // Probes handed out to workers that stopped under back-off are finished by this coroutine.
  while (auto i = take()) {
    co_await probe(*i);
    ++done_;
  }
  elapsed_ = ctx_.now() - started_;
}

scan_outcome scan_engine::finish() && {
  scan_outcome r;
  r.hosts = std::move(hosts_);
  r.ports = std::move(ports_);
  r.results = std::move(results_);
  r.planned = planned_;
  r.probes_sent = probes_sent_;
  r.self_connects = self_connects_;
  r.backoffs = backoffs_;
  r.concurrency = concurrency_;
  r.elapsed = elapsed_;
  return r;
}

net::task<scan_outcome> scan_all(net::context& ctx, const scan_options& o,
                                 std::vector<scan_host> hosts, std::vector<std::uint16_t> ports) {
  scan_engine e(ctx, o, std::move(hosts), std::move(ports));
  co_await e.run();
  co_return std::move(e).finish();
}

}  // namespace commands

// The UDP proxy: each client address gets its own upstream socket (so replies find their way
// back), forgotten after a while without datagrams. Faults act on each datagram: loss, blackhole,
// duplication, reordering, latency with jitter, bandwidth.
#include <map>

#include "commands/proxy/state.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"

namespace commands::proxy {

namespace {

using net::task;
using namespace std::chrono_literals;

// Per direction and client: past this much waiting, datagrams are dropped, as a router's full
// queue drops them.
constexpr std::size_t max_queued = 4 << 20;
// How long a reordered datagram is held back (plus the jitter), so that later ones overtake it.
constexpr net::duration reorder_hold = 20ms;
constexpr net::duration default_idle = 60s;

std::string_view name_of(way w) {
  return w == way::up ? "up" : "down";
}

// Datagrams of one direction, by due time; equal times keep their order of arrival.
struct lane {
  std::multimap<net::clock::time_point, std::string> queue;
  std::size_t queued = 0;
  std::unique_ptr<net::timer> wake;
  bool waiting = false;
  net::clock::time_point waiting_until{};
  net::clock::time_point next_free{};  // bandwidth: when the next datagram may go
  std::uint64_t bytes = 0, datagrams = 0;
};

struct flow {
  std::uint64_t id = 0;
  net::socket_address client;
  net::datagram_socket up;
  fault_draw draw;
  net::clock::time_point opened;
  std::unique_ptr<net::watchdog> idle;
  lane to_up, to_client;
  std::uint64_t dropped = 0;  // datagrams: lost, blackholed, or over a full queue
  bool closed = false;

  lane& toward(way w) { return w == way::up ? to_up : to_client; }
};

class udp_proxy {
 public:
  explicit udp_proxy(std::shared_ptr<state> st) : st_(std::move(st)), ctx_(st_->ctx) {}

  task<int> run() {
    const auto& o = st_->opts;
    std::string host = o.upstream.host.empty() ? "localhost" : o.upstream.host;
    auto addrs = co_await ctx_.resolve(host, o.connect_timeout);
    upstream_ = net::socket_address{addrs.front(), o.upstream.port};
    for (auto& a : addrs)  // prefer IPv4, which "localhost" servers most often listen on
      if (a.is_v4()) {
        upstream_.ip = a;
        break;
      }
    front_ = co_await ctx_.bind_datagram(o.listen);
    announce(*st_, front_.local_endpoint());
    idle_limit_ = o.idle_timeout.value_or(default_idle);

    std::vector<char> buf(65536);
    for (;;) {
      auto r = co_await front_.receive_from(buf);
      if (r.ec) {
        if (net::is_cancelled(r.ec)) break;
        st_->io.verbose(1, "proxy: receive: {}", vitnet::describe(r.ec));
        continue;
      }
      std::shared_ptr<flow> f;
      if (auto it = flows_.find(r.from); it != flows_.end()) {
        f = it->second;
      } else {
        f = co_await open(r.from);
        if (!f) continue;
      }
      f->idle->touch();
      arrive(*f, way::up, {buf.data(), r.n});
    }
    co_return 0;
  }

 private:
  task<std::shared_ptr<flow>> open(const net::socket_address& client) {
    auto id = ++st_->next_id;
    auto t = st_->elapsed();
    auto draw = fault_draw::choose(*st_->faults, id, t, st_->random, true);
    if (auto* f = draw.refused_at(t)) {
      st_->fault_event(id, *f, fmt::format("refused a datagram from {}", client.to_string()),
                       {{"peer", client.to_string()}});
      co_return nullptr;
    }
    auto fl = std::make_shared<flow>();
    auto failure = co_await net::failure_of(
        [&]() -> task<void> { fl->up = co_await ctx_.connect_datagram(upstream_); }());
    if (failure) {
      st_->io.warn("proxy: client {}: {}; dropped its datagram", client.to_string(), *failure);
      co_return nullptr;
    }
    fl->id = id;
    fl->client = client;
    fl->draw = std::move(draw);
    fl->opened = ctx_.now();
    fl->to_up.wake = ctx_.make_timer();
    fl->to_client.wake = ctx_.make_timer();
    flow* raw = fl.get();
    fl->idle = std::make_unique<net::watchdog>(ctx_, idle_limit_, [this, raw] { expire(*raw); });
    flows_[client] = fl;

    auto kinds = fl->draw.kinds();
    if (st_->io.json()) {
      st_->event({{"event", "open"},
                  {"id", id},
                  {"peer", client.to_string()},
                  {"upstream", st_->upstream_url},
                  {"faults", kinds}});
    } else {
      st_->io.verbose(1, "proxy: client {} ({}) to {}", id, client.to_string(), st_->upstream_url);
    }
    ctx_.start(from_upstream(fl));
    ctx_.start(writer(fl, way::up));
    ctx_.start(writer(fl, way::down));
    co_return fl;
  }

  // A client quiet for the idle limit is forgotten: its upstream socket closes, and a datagram
  // from it later opens a new mapping.
  void expire(flow& f) {
    if (f.closed) return;
    f.closed = true;
    f.up.close();
    f.to_up.wake->cancel();
    f.to_client.wake->cancel();
    auto took = ctx_.now() - f.opened;
    if (st_->io.json()) {
      st_->event({{"event", "close"},
                  {"id", f.id},
                  {"peer", f.client.to_string()},
                  {"upstream", st_->upstream_url},
                  {"bytes_up", f.to_up.bytes},
                  {"bytes_down", f.to_client.bytes},
                  {"datagrams_up", f.to_up.datagrams},
                  {"datagrams_down", f.to_client.datagrams},
                  {"datagrams_dropped", f.dropped},
                  {"duration_s", core::seconds(took)},
                  {"reason", "idle_timeout"}});
    } else {
      st_->io.verbose(1, "proxy: client {} ({}) forgotten after {} idle: {} up, {} down", f.id,
                      f.client.to_string(), core::format_duration(idle_limit_),
                      core::format_size(f.to_up.bytes), core::format_size(f.to_client.bytes));
    }
    flows_.erase(f.client);  // the flow's tasks hold it until they end
  }

  task<void> from_upstream(std::shared_ptr<flow> f) {
    std::vector<char> buf(65536);
    while (!f->closed) {
      auto r = co_await f->up.receive_from(buf);
      if (f->closed) break;
      if (r.ec) {
        // The upstream port refused an earlier datagram (ICMP): nothing to pass on, go on.
        if (core::errno_of(r.ec) == ECONNREFUSED) continue;
        if (!net::is_cancelled(r.ec))
          st_->io.verbose(1, "proxy: client {}: receive from {}: {}", f->id, upstream_.to_string(),
                          vitnet::describe(r.ec));
        break;
      }
      f->idle->touch();
      arrive(*f, way::down, {buf.data(), r.n});
    }
  }

  static const net::fault_spec& cause(const shape& s, net::fault_kind k) {
    for (auto* f : s.from)
      if (f->kind == k ||
          (k == net::fault_kind::blackhole && f->kind == net::fault_kind::partition))
        return *f;
    return *s.from.front();
  }

  // A datagram arrives from one side: the faults decide whether, when and how often it goes on.
  void arrive(flow& f, way w, std::span<const char> data) {
    auto now = ctx_.now();
    auto sh = f.draw.at(now - st_->started, w, &st_->random);
    auto& r = st_->random;
    auto chance = [&](double p) {
      return p > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(r) < p;
    };
    nlohmann::ordered_json what{{"direction", name_of(w)}, {"bytes", data.size()}};
    if (sh.blocked) {
      ++f.dropped;
      st_->fault_event(f.id, cause(sh, net::fault_kind::blackhole),
                       fmt::format("blackhole: dropped a datagram going {}", name_of(w)), what);
      return;
    }
    if (chance(sh.loss)) {
      ++f.dropped;
      st_->fault_event(f.id, cause(sh, net::fault_kind::loss),
                       fmt::format("lost a datagram going {}", name_of(w)), what);
      return;
    }
    int copies = 1;
    if (chance(sh.duplicate)) {
      copies = 2;
      st_->fault_event(f.id, cause(sh, net::fault_kind::duplicate),
                       fmt::format("duplicated a datagram going {}", name_of(w)), what);
    }
    for (int i = 0; i < copies; ++i) {
      auto delay = draw_delay(sh, r);
      if (chance(sh.reorder)) {
        delay += reorder_hold + sh.jitter;
        st_->fault_event(f.id, cause(sh, net::fault_kind::reorder),
                         fmt::format("held back a datagram going {}", name_of(w)), what);
      }
      push(f, w, now + delay, std::string(data.data(), data.size()));
    }
  }

  void push(flow& f, way w, net::clock::time_point due, std::string data) {
    auto& l = f.toward(w);
    if (l.queued + data.size() > max_queued) {
      ++f.dropped;
      st_->io.verbose(1, "proxy: client {}: queue going {} is full; dropped a datagram", f.id,
                      name_of(w));
      return;
    }
    l.queued += data.size();
    l.queue.emplace(due, std::move(data));
    if (l.waiting && due < l.waiting_until) l.wake->cancel();
  }

  // Waits until `until`, or (nullopt) until a datagram is queued; either way push() may cut the
  // wait short with an earlier datagram.
  task<void> wait(lane& l, std::optional<net::clock::time_point> until) {
    auto now = ctx_.now();
    if (until && *until <= now) co_return;
    l.waiting = true;
    l.waiting_until = until.value_or(net::clock::time_point::max());
    if (until)
      l.wake->expires_after(*until - now);
    else
      l.wake->expires_never();
    co_await l.wake->wait();
    l.waiting = false;
  }

  task<void> writer(std::shared_ptr<flow> f, way w) {
    auto& l = f->toward(w);
    while (!f->closed) {
      auto now = ctx_.now();
      if (l.queue.empty()) {
        co_await wait(l, std::nullopt);
        continue;
      }
      auto ready = l.queue.begin()->first;
      auto sh = f->draw.at(now - st_->started, w);
      if (sh.bandwidth > 0) ready = std::max(ready, l.next_free);
      if (ready > now) {
        co_await wait(l, ready);
        continue;
      }
      std::string d = std::move(l.queue.begin()->second);
      l.queue.erase(l.queue.begin());
      l.queued -= d.size();
      if (sh.bandwidth > 0)
        l.next_free = std::max(now, l.next_free) +
                      net::duration(static_cast<std::int64_t>(1e9 * static_cast<double>(d.size()) /
                                                              static_cast<double>(sh.bandwidth)));
      std::error_code ec;
      if (w == way::up)
        ec = co_await f->up.send(d);
      else
        ec = co_await front_.send_to(d, f->client);
      if (ec) {
        if (f->closed) break;
        st_->io.verbose(1, "proxy: client {}: send {}: {}", f->id, name_of(w),
                        vitnet::describe(ec));
        continue;
      }
      l.bytes += d.size();
      ++l.datagrams;
    }
  }

  std::shared_ptr<state> st_;
  net::context& ctx_;
  net::socket_address upstream_;
  net::datagram_socket front_;
  net::duration idle_limit_ = default_idle;
  std::map<net::socket_address, std::shared_ptr<flow>> flows_;
};

}  // namespace

task<int> run_udp(std::shared_ptr<state> st) {
  udp_proxy p(std::move(st));
  co_return co_await p.run();
}

}  // namespace commands::proxy

// One proxied stream connection (TCP or Unix, either end): dial the upstream, relay both
// directions with half-close, and let the faults the connection drew act on the bytes in flight.
#include <deque>
#include <optional>

#include "commands/proxy/state.hpp"
#include "core/error.hpp"
#include "net/copy.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "net/quic/quic.hpp"

namespace commands::proxy {

namespace {

using net::task;
using namespace std::chrono_literals;

// A direction holds at most this much in flight; past it, reading pauses as a full TCP window
// would, so a slow or delayed direction cannot make the proxy hold unbounded memory. With a
// latency L the throughput is then at most this / L: 16 MiB at 200 ms is 80 MB/s.
constexpr std::size_t max_in_flight = 16 << 20;
// What a lost segment costs a stream: one retransmission timeout (Linux's minimum RTO).
constexpr net::duration retransmission = 200ms;
// Waits that end by cancellation; the loops around them wait again.

std::string_view name_of(way w) {
  return w == way::up ? "up" : "down";
}

struct piece {
  enum class kind { data, end, hold };
  kind k = kind::data;
  net::clock::time_point due;
  std::string bytes;
};

class session;

// One direction of a faulted connection. A reader stamps each chunk with the moment it is due
// and queues it; a writer delivers the queue in order, paced to the bandwidth. The reader goes on
// reading while the writer waits, so a latency delays bytes without cutting the throughput.
class direction {
 public:
  direction(session& s, way w, net::stream& from, net::stream& to);
  task<void> run();
  /// Wakes both halves, so that they see the session has ended.
  void stop() {
    writer_wake_->cancel();
    reader_wake_->cancel();
  }
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;

 private:
  task<void> reader();
  task<void> writer();
  task<bool> deliver(std::string_view bytes);
  task<void> pass_on_end();
  void on_data(std::span<const char> bytes);
  void push(piece p);
  task<void> sleep_until(net::clock::time_point t, net::timer& on);

  session& s_;
  way w_;
  net::stream& from_;
  net::stream& to_;
  std::deque<piece> queue_;
  std::size_t queued_ = 0;
  net::clock::time_point last_due_{};
  net::clock::time_point next_free_{};  // bandwidth: when the next slice may go
  std::unique_ptr<net::timer> writer_wake_, reader_wake_;
  bool writer_idle_ = false, reader_paused_ = false;
  bool told_blackhole_ = false;
};

class session : public live_session {
 public:
  session(std::shared_ptr<state> st, net::stream client, std::uint64_t id, fault_draw draw)
      : st_(std::move(st)),
        ctx_(st_->ctx),
        client_(std::move(client)),
        id_(id),
        draw_(std::move(draw)),
        counted_(draw_.faults().size(), 0),
        opened_(ctx_.now()),
        began_(st_->elapsed()) {
    if (st_->dynamic) st_->live.insert(this);
  }
  ~session() override { st_->live.erase(this); }

  // ---- the API changed the faults, or stopped the proxy

  void redraw() override {
    if (ended_) return;
    // Drawn as if the connection began now with the new set, except that a fault timed from
    // when it meets the connection counts from its beginning (`began_`), as it did before.
    draw_ = fault_draw::choose(*st_->faults, id_, began_, st_->random);
    counted_.assign(draw_.faults().size(), 0);
    arm_timed_resets();
  }
  void end(std::string_view reason) override { abort(std::string(reason)); }

  task<void> run() {
    open_event();
    auto t = st_->elapsed();
    if (auto* f = draw_.refused_at(t)) {
      st_->fault_event(id_, *f, "refused");
      client_.abort();
      finish("refused");
      co_return;
    }
    if (auto* f = draw_.reset_at(t)) {
      st_->fault_event(id_, *f, "reset at once");
      client_.abort();
      finish("reset");
      co_return;
    }
    if (st_->opts.idle_timeout)
      idle_ = std::make_unique<net::watchdog>(ctx_, *st_->opts.idle_timeout,
                                              [this] { abort("idle_timeout"); });
    arm_timed_resets();

    if (auto* f = st_->dynamic ? nullptr : draw_.blackhole_for_good(t)) {
      co_await blackhole(*f);
    } else if (co_await dial()) {
      direction up(*this, way::up, client_, upstream_);
      direction down(*this, way::down, upstream_, client_);
      up_ = &up, down_ = &down;
      co_await net::both(ctx_, up.run(), down.run());
      up_ = down_ = nullptr;
      bytes_up_ = up.delivered;
      bytes_down_ = down.delivered;
      bytes_dropped_ = up.dropped + down.dropped;
    }
    finish(reason_);
  }

  // ---- what the directions ask of their connection

  bool ended() const { return ended_; }
  net::context& ctx() { return ctx_; }
  state& st() { return *st_; }
  const fault_draw& draw() const { return draw_; }
  std::uint64_t id() const { return id_; }
  net::watchdog* idle() { return idle_.get(); }
  void touch() {
    if (idle_) idle_->touch();
  }

  /// Ends the connection at once: both streams closed (`abortive`: reset, so that each peer sees
  /// "connection reset" rather than an end of stream), every wait woken. The first reason stays.
  void abort(std::string reason, bool abortive = false) {
    if (ended_) return;
    ended_ = true;
    reason_ = std::move(reason);
    auto end = [abortive](net::stream& s) { abortive ? s.abort() : s.close(); };
    end(client_);
    if (has_upstream_) end(upstream_);
    if (up_) up_->stop();
    if (down_) down_->stop();
    if (hold_) hold_->notify();
  }

  void read_failed(net::stream& from, const std::error_code& ec) {
    if (ended_ || net::is_cancelled(ec)) return;
    abort(fmt::format("error: receive from {}: {}", from.peer_name(), vitnet::describe(ec)));
  }
  void write_failed(net::stream& to, const std::error_code& ec) {
    if (ended_ || net::is_cancelled(ec)) return;
    abort(fmt::format("error: send to {}: {}", to.peer_name(), vitnet::describe(ec)));
  }

  /// How many more bytes may pass on `w` at `t` before a reset fault counting bytes fires, and
  /// which fault that is.
  std::optional<std::pair<std::uint64_t, std::size_t>> reset_budget(way w, net::duration t) const {
    std::optional<std::pair<std::uint64_t, std::size_t>> best;
    const auto& fs = draw_.faults();
    for (std::size_t i = 0; i < fs.size(); ++i) {
      const auto& f = fs[i];
      if (f.kind != net::fault_kind::reset || !f.after_bytes || *f.after_bytes == 0) continue;
      if (!applies(f, w) || !f.active_at(t)) continue;
      std::uint64_t left = *f.after_bytes > counted_[i] ? *f.after_bytes - counted_[i] : 0;
      if (!best || left < best->first) best = std::pair{left, i};
    }
    return best;
  }
  void count(way w, net::duration t, std::uint64_t n) {
    const auto& fs = draw_.faults();
    for (std::size_t i = 0; i < fs.size(); ++i)
      if (fs[i].kind == net::fault_kind::reset && applies(fs[i], w) && fs[i].active_at(t))
        counted_[i] += n;
  }
  void reset_by_bytes(std::size_t fault, way w) {
    const auto& f = draw_.faults()[fault];
    st_->fault_event(id_, f,
                     fmt::format("{} after {} bytes {}", f.graceful ? "close" : "reset",
                                 *f.after_bytes, name_of(w)),
                     {{"direction", name_of(w)}, {"after_bytes", *f.after_bytes}});
    abort(f.graceful ? "limit_data" : "reset", !f.graceful);
  }

  // The resets (and the API's closes) due at a moment: one watchdog each, armed again whenever
  // the faults change. One in force already fires now.
  void arm_timed_resets() {
    timed_resets_.clear();
    auto t = st_->elapsed();
    auto fire = [this](const net::fault_spec* f) {
      st_->fault_event(
          id_, *f,
          fmt::format("{} at {}", f->graceful ? "close" : "reset", core::format_duration(f->at)),
          {{"at_s", core::seconds(f->at)}});
      abort(f->graceful ? "timeout" : "reset", !f->graceful);
    };
    if (st_->dynamic)
      if (auto* f = draw_.reset_at(t)) {
        fire(f);
        return;
      }
    for (auto [when, f] : draw_.resets_after(t))
      timed_resets_.push_back(
          std::make_unique<net::watchdog>(ctx_, when - t, [fire, f = f] { fire(f); }));
  }

 private:
  void open_event() {
    auto kinds = draw_.kinds();
    if (st_->io.json()) {
      st_->event({{"event", "open"},
                  {"id", id_},
                  {"peer", client_.peer_name()},
                  {"upstream", st_->upstream_url},
                  {"faults", kinds}});
    } else {
      std::string faults;
      for (auto& k : kinds) faults += (faults.empty() ? " with " : ", ") + k;
      st_->io.verbose(1, "{}: connection {} from {} to {}{}", st_->label(), id_,
                      client_.peer_name(), st_->upstream_url, faults);
    }
  }

  void finish(const std::string& reason) {
    st_->live.erase(this);
    if (idle_) idle_->disarm();
    for (auto& w : timed_resets_) w->disarm();
    client_.close();
    if (has_upstream_) upstream_.close();
    auto took = ctx_.now() - opened_;
    if (st_->io.json()) {
      st_->event({{"event", "close"},
                  {"id", id_},
                  {"peer", client_.peer_name()},
                  {"upstream", st_->upstream_url},
                  {"bytes_up", bytes_up_},
                  {"bytes_down", bytes_down_},
                  {"bytes_dropped", bytes_dropped_},
                  {"duration_s", core::seconds(took)},
                  {"reason", reason}});
    } else {
      st_->io.verbose(
          1, "{}: connection {} from {} closed ({}): {} up, {} down, {}", st_->label(), id_,
          client_.peer_name(), reason, core::format_size(bytes_up_), core::format_size(bytes_down_),
          core::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(took)));
    }
  }

  // A failure to reach the upstream ends this connection (the client is closed), not the proxy.
  task<bool> dial() {
    net::dial_options how{.timeout = st_->opts.connect_timeout};
    if (st_->opts.keep_source)
      if (auto a = client_.peer_address()) how.source = a->ip;
    auto failure = co_await net::failure_of([this, &how]() -> task<void> {
      if (st_->opts.upstream.quic) {
        net::quic_client_options q;
        q.tls = net::for_endpoint(st_->opts.upstream_tls, st_->opts.upstream);
        upstream_ =
            co_await net::quic_connect(ctx_, st_->opts.upstream, q, st_->opts.connect_timeout);
        has_upstream_ = true;
        co_return;
      }
      upstream_ = co_await net::dial(ctx_, st_->opts.upstream, how);
      if (st_->opts.upstream.tls) {
        auto opts = net::for_endpoint(st_->opts.upstream_tls, st_->opts.upstream);
        upstream_ =
            co_await net::tls_connect(ctx_, std::move(upstream_), opts, st_->opts.connect_timeout);
      }
      has_upstream_ = true;
    }());
    if (failure) {
      if (!ended_) {
        ended_ = true;
        reason_ = "upstream: " + *failure;
        if (!st_->io.json())
          st_->io.warn("{}: connection {} from {}: {}; closed it", st_->label(), id_,
                       client_.peer_name(), *failure);
      }
      co_return false;
    }
    if (ended_) {  // reset, or idle, while dialling
      upstream_.close();
      co_return false;
    }
    co_return true;
  }

  // Nothing is forwarded either way, for good: the upstream is not even dialled. What the client
  // sends is read and dropped; after its end of stream the connection is held open (the client
  // waits for an answer that never comes) until --idle-timeout or the proxy stops.
  task<void> blackhole(const net::fault_spec& f) {
    st_->fault_event(id_, f, "blackhole: nothing is forwarded", {{"direction", "both"}});
    auto r = co_await net::drain(client_, {.activity = idle_.get(), .counter = &bytes_dropped_});
    if (ended_) co_return;
    if (!net::is_eof(r.read_ec)) {
      read_failed(client_, r.read_ec);
      co_return;
    }
    hold_ = std::make_unique<net::event>(ctx_);
    while (!ended_) {
      bool woken = co_await hold_->wait();
      if (!woken) break;
    }
  }

  std::shared_ptr<state> st_;
  net::context& ctx_;
  net::stream client_;
  net::stream upstream_;
  bool has_upstream_ = false;
  std::uint64_t id_;
  fault_draw draw_;
  std::vector<std::uint64_t> counted_;  // bytes each reset fault has seen
  net::clock::time_point opened_;
  net::duration began_;  // since the proxy started
  std::unique_ptr<net::watchdog> idle_;
  std::vector<std::unique_ptr<net::watchdog>> timed_resets_;
  std::unique_ptr<net::event> hold_;  ///< a blackholed connection waits here for its end
  direction* up_ = nullptr;
  direction* down_ = nullptr;
  bool ended_ = false;
  std::string reason_ = "eof";
  std::uint64_t bytes_up_ = 0, bytes_down_ = 0, bytes_dropped_ = 0;  // dropped: by a blackhole
};

// ---- direction ---------------------------------------------------------------------------------

direction::direction(session& s, way w, net::stream& from, net::stream& to)
    : s_(s),
      w_(w),
      from_(from),
      to_(to),
      writer_wake_(s.ctx().make_timer()),
      reader_wake_(s.ctx().make_timer()) {}

task<void> direction::run() {
  // Under the API every connection takes the fault path: a toxic added later must act on it.
  if (s_.st().dynamic || s_.draw().touches(w_)) {
    co_await net::both(s_.ctx(), reader(), writer());
    co_return;
  }
  // No fault acts on these bytes: the plain relay, half-close included.
  auto r = co_await net::copy(from_, to_, {.activity = s_.idle()});
  delivered = r.bytes;
  if (r.write_ec)
    s_.write_failed(to_, r.write_ec);
  else if (!net::is_eof(r.read_ec))
    s_.read_failed(from_, r.read_ec);
}

task<void> direction::sleep_until(net::clock::time_point t, net::timer& on) {
  auto now = s_.ctx().now();
  if (t <= now) co_return;
  on.expires_after(t - now);
  co_await on.wait();
}

void direction::push(piece p) {
  queued_ += p.bytes.size();
  queue_.push_back(std::move(p));
  if (writer_idle_) writer_wake_->cancel();
}

void direction::on_data(std::span<const char> bytes) {
  auto& st = s_.st();
  auto now = s_.ctx().now();
  auto sh = s_.draw().at(now - st.started, w_);
  if (sh.blocked) {
    dropped += bytes.size();
    if (!told_blackhole_) {
      told_blackhole_ = true;
      const net::fault_spec* f = sh.from.front();
      for (auto* g : sh.from)
        if (g->kind == net::fault_kind::blackhole || g->kind == net::fault_kind::partition) f = g;
      st.fault_event(s_.id(), *f, fmt::format("blackhole: dropping what goes {}", name_of(w_)),
                     {{"direction", name_of(w_)}});
    }
    return;
  }
  auto delay = draw_delay(sh, st.random);
  if (sh.loss > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(st.random) < sh.loss)
    delay += retransmission;
  // A stream keeps its order: nothing is due before what was read earlier.
  last_due_ = std::max(now + delay, last_due_);
  push({piece::kind::data, last_due_, std::string(bytes.data(), bytes.size())});
}

// The end of stream follows the last byte; a blackhole swallows it while it lasts, and a slow
// close holds it back.
task<void> direction::pass_on_end() {
  auto& st = s_.st();
  auto sh = s_.draw().at(st.elapsed(), w_);
  if (sh.blocked) {
    if (!sh.blackhole_until) {
      push({piece::kind::hold, s_.ctx().now(), {}});
      co_return;
    }
    co_await sleep_until(st.started + *sh.blackhole_until, *reader_wake_);
    if (s_.ended()) co_return;
    sh = s_.draw().at(st.elapsed(), w_);
  }
  if (sh.fin_delay.count() > 0) {
    const net::fault_spec* f = nullptr;
    for (auto* g : sh.from)
      if (g->kind == net::fault_kind::slow_close) f = g;
    st.fault_event(s_.id(), *f,
                   fmt::format("slow close: the end of stream goes {} {} late", name_of(w_),
                               core::format_duration(sh.fin_delay)),
                   {{"direction", name_of(w_)}, {"delay_s", core::seconds(sh.fin_delay)}});
  }
  last_due_ = std::max(s_.ctx().now() + sh.latency + sh.fin_delay, last_due_);
  push({piece::kind::end, last_due_, {}});
}

task<void> direction::reader() {
  while (!s_.ended()) {
    if (queued_ > max_in_flight) {
      reader_paused_ = true;
      reader_wake_->expires_never();
      co_await reader_wake_->wait();
      reader_paused_ = false;
      continue;
    }
    if (auto ec = co_await from_.wait_readable(); ec) {
      s_.read_failed(from_, ec);
      co_return;
    }
    net::pooled_buffer buf;
    while (queued_ <= max_in_flight && !s_.ended()) {
      auto rd = from_.try_read_some(buf.span());
      if (net::is_would_block(rd.ec)) break;
      if (net::is_eof(rd.ec)) {
        co_await pass_on_end();
        co_return;
      }
      if (rd.ec) {
        s_.read_failed(from_, rd.ec);
        co_return;
      }
      s_.touch();
      on_data({buf.span().data(), rd.n});
    }
  }
}

task<void> direction::writer() {
  while (!s_.ended()) {
    if (queue_.empty()) {
      writer_idle_ = true;
      writer_wake_->expires_never();
      co_await writer_wake_->wait();
      writer_idle_ = false;
      continue;
    }
    if (queue_.front().due > s_.ctx().now()) {
      co_await sleep_until(queue_.front().due, *writer_wake_);
      continue;
    }
    piece p = std::move(queue_.front());
    queue_.pop_front();
    queued_ -= p.bytes.size();
    if (reader_paused_ && queued_ <= max_in_flight / 2) reader_wake_->cancel();
    if (p.k == piece::kind::end) {
      to_.shutdown_send();
      co_return;
    }
    if (p.k == piece::kind::hold) co_return;
    if (!co_await deliver(p.bytes)) co_return;
  }
}

// Writes one chunk: in slices paced to the bandwidth, and only up to a reset's byte budget.
task<bool> direction::deliver(std::string_view bytes) {
  auto& st = s_.st();
  std::size_t off = 0;
  while (off < bytes.size()) {
    if (s_.ended()) co_return false;
    auto t = st.elapsed();
    auto sh = s_.draw().at(t, w_);
    std::size_t len = bytes.size() - off;
    if (sh.bandwidth > 0) {
      // Slices of 20 ms worth keep the pace smooth without a wake-up per byte.
      len = std::min<std::size_t>(len, std::clamp<std::uint64_t>(sh.bandwidth / 50, 1, 64 << 10));
      if (next_free_ > s_.ctx().now()) {
        co_await sleep_until(next_free_, *writer_wake_);
        if (s_.ended()) co_return false;
      }
      next_free_ = std::max(s_.ctx().now(), next_free_) +
                   net::duration(static_cast<std::int64_t>(1e9 * static_cast<double>(len) /
                                                           static_cast<double>(sh.bandwidth)));
    }
    if (sh.slice_size > 0) {
      auto size = sh.slice_size;
      if (sh.slice_variation > 0)
        size += std::uniform_int_distribution<std::uint64_t>(0, 2 * sh.slice_variation)(st.random) -
                sh.slice_variation;
      len = std::min<std::size_t>(len, std::max<std::uint64_t>(size, 1));
      if (off > 0 && sh.slice_delay.count() > 0) {
        co_await sleep_until(s_.ctx().now() + sh.slice_delay, *writer_wake_);
        if (s_.ended()) co_return false;
      }
    }
    auto budget = s_.reset_budget(w_, t);
    bool cut = budget && budget->first <= len;
    if (cut) len = budget->first;
    if (len > 0) {
      auto wr = co_await to_.write_all(bytes.substr(off, len));
      delivered += wr.n;
      s_.count(w_, t, wr.n);
      if (wr.ec) {
        s_.write_failed(to_, wr.ec);
        co_return false;
      }
      s_.touch();
    }
    if (cut) {
      // "Reset after N bytes" means the peer gets N bytes, then the reset: an abort discards
      // what the kernel has not yet seen acknowledged, so wait (a little) for that first.
      for (int i = 0; i < 200 && to_.unacknowledged() > 0 && !s_.ended(); ++i)
        co_await s_.ctx().sleep(std::chrono::milliseconds(5));
      if (s_.ended()) co_return false;
      s_.reset_by_bytes(budget->second, w_);
      co_return false;
    }
    off += len;
  }
  co_return true;
}

}  // namespace

task<void> stream_session(std::shared_ptr<state> st, net::stream client, std::uint64_t id,
                          fault_draw draw) {
  if (st->tls) {
    // TLS ends here: the faults act on the plain bytes, as the upstream sees them.
    auto failure = co_await net::failure_of([&]() -> task<void> {
      client =
          co_await net::tls_accept(st->ctx, std::move(client), *st->tls, std::chrono::seconds(10));
    }());
    if (failure) {
      if (!st->io.json()) st->io.warn("{}: connection {}: {}", st->label(), id, *failure);
      st->event({{"event", "close"}, {"id", id}, {"reason", "tls: " + *failure}});
      co_return;
    }
  }
  session s(std::move(st), std::move(client), id, std::move(draw));
  co_await s.run();
}

}  // namespace commands::proxy

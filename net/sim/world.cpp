#include "net/sim/world.hpp"

#include <fmt/format.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <cmath>

#include "core/error.hpp"
#include "net/nothrow.hpp"

namespace net::sim {

// The timer never expires; notify() cancels every wait in progress, and any number may wait.
waker::waker(asio::io_context& io) : t_(io) { t_.expires_at(asio::steady_timer::time_point::max()); }

task<void> waker::wait() { co_await t_.async_wait(nothrow); }

void waker::notify() {
  t_.cancel();
}

world::world(std::uint64_t seed)
    : start_(clock::time_point{} + std::chrono::hours(1)), now_(start_), rng_(seed) {}

world::~world() {
  shutdown();
}

void world::shutdown() {
  if (!io_) return;
  for (auto& [id, fn] : std::exchange(shutdown_hooks_, {})) fn();
  // Pending events hold objects with asio timers: they go while the io_context exists.
  timers_.clear();
  timer_index_.clear();
  // Destroying the io_context destroys the coroutines suspended in it; they may still call back
  // into the world (cancelling timers, leaving host tables), which still exists.
  io_.reset();
}

std::uint64_t world::on_shutdown(std::function<void()> fn) {
  auto id = next_hook_++;
  shutdown_hooks_.emplace(id, std::move(fn));
  return id;
}

void world::forget_shutdown(std::uint64_t id) {
  shutdown_hooks_.erase(id);
}

std::uint64_t world::at(clock::time_point t, std::function<void()> fn) {
  if (!io_) return 0;  // shut down: nothing runs any more
  if (t < now_) t = now_;
  auto id = next_timer_++;
  timers_.emplace(std::pair{t, id}, std::move(fn));
  timer_index_.emplace(id, t);
  return id;
}

void world::cancel(std::uint64_t id) {
  auto it = timer_index_.find(id);
  if (it == timer_index_.end()) return;
  timers_.erase(std::pair{it->second, id});
  timer_index_.erase(it);
}

world::outcome world::run(duration limit, std::chrono::nanoseconds wall_limit) {
  auto wall_start = std::chrono::steady_clock::now();
  auto end = start_ + limit;
  for (std::uint64_t turn = 0;; ++turn) {
    if ((turn & 1023) == 0 && std::chrono::steady_clock::now() - wall_start > wall_limit)
      return outcome::wall_limit;
    io_->restart();
    if (io_->poll() > 0) continue;
    if (timers_.empty()) return outcome::idle;
    auto first = timers_.begin();
    if (first->first.first > end) {
      now_ = end;
      return outcome::time_limit;
    }
    now_ = first->first.first;
    auto fn = std::move(first->second);
    timer_index_.erase(first->first.second);
    timers_.erase(first);
    fn();
  }
}

host& world::add_host(std::string name) {
  // Scenario host N (from 1) is 127.0.0.N+1 on both backends; 127.0.0.1 is each host's own
  // loopback.
  std::size_t index = hosts_.size() + 1;
  auto addr = ip_address::v4(0x7f000001u + static_cast<std::uint32_t>(index));
  hosts_.push_back(std::make_unique<host>(*this, std::move(name), addr, index));
  return *hosts_.back();
}

host* world::find(std::string_view name) {
  for (auto& h : hosts_)
    if (h->name == name) return h.get();
  return nullptr;
}

host* world::find(const ip_address& a) {
  auto u = a.unmap();
  for (auto& h : hosts_)
    if (h->address == u) return h.get();
  return nullptr;
}

void world::spawn(task<void> t) {
  asio::co_spawn(*io_, std::move(t), asio::detached);
}

double world::random() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void world::random_bytes(std::span<std::uint8_t> out) {
  for (auto& b : out) b = static_cast<std::uint8_t>(rng_());
}

std::uint64_t world::random_below(std::uint64_t n) {
  return n == 0 ? 0 : rng_() % n;
}

void world::trace(std::string_view event) {
  trace_.push_back(
      fmt::format("{:.6f} {}", std::chrono::duration<double>(elapsed()).count(), event));
}

void world::record(wire_event e) {
  if (!record_events) return;
  if (events_.size() >= event_limit) {
    ++events_not_kept_;
    return;
  }
  e.at = elapsed();
  events_.push_back(std::move(e));
}

world::transit_result world::transit(const host& from, const host& to, std::size_t bytes,
                                     bool datagram, const flow& f, bool fin) {
  transit_result r;
  r.arrival = now_;
  if (&from == &to) return r;
  link_params p = default_link;
  if (hooks.link) hooks.link(from, to, f, p);
  if (p.blocked) {
    r.dropped = true;
    return r;
  }
  if (p.loss > 0 && random() < p.loss) {
    r.dropped = true;
    return r;
  }
  duration delay = p.latency;
  if (p.jitter.count() > 0) {
    double j;
    if (p.normal_jitter) {
      j = std::abs(
          std::normal_distribution<double>(0.0, static_cast<double>(p.jitter.count()) / 2)(rng_));
    } else {
      j = random() * static_cast<double>(p.jitter.count());
    }
    delay += duration(static_cast<std::int64_t>(j));
  }
  // Bandwidth: the link sends one thing at a time; this one starts when the link is free.
  clock::time_point depart = now_;
  if (p.bandwidth > 0) {
    auto& free_at = link_free_at_[{&from, &to}];
    depart = std::max(now_, free_at);
    auto tx = duration(static_cast<std::int64_t>(static_cast<double>(bytes) * 1e9 /
                                                 static_cast<double>(p.bandwidth)));
    free_at = depart + tx;
    depart = free_at;
  }
  if (datagram) {
    if (p.reorder > 0 && random() < p.reorder)
      delay += p.latency + std::chrono::milliseconds(1) + p.jitter;
    if (p.duplicate > 0 && random() < p.duplicate) r.duplicated = true;
  }
  r.arrival = depart + delay + (fin ? p.fin_delay : duration{0});
  return r;
}

std::uint16_t host::ephemeral_port(bool udp_port) {
  auto& next = udp_port ? next_udp_ : next_tcp_;
  for (int tries = 0; tries < 30000; ++tries) {
    std::uint16_t p = next;
    next = next >= 65000 ? 40000 : static_cast<std::uint16_t>(next + 1);
    bool taken = udp_port ? udp.count(p) > 0 : (tcp.count(p) > 0 || tcp_ports_in_use.count(p) > 0);
    if (!taken) return p;
  }
  vitnet::fail(core::exit_code::unavailable, "{}: no free ports left", name);
}

}  // namespace net::sim

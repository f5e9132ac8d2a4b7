#include "net/sim/context.hpp"

#include <fmt/format.h>

#include <asio/co_spawn.hpp>

#include "core/error.hpp"
#include "core/units.hpp"
#include "net/sim/objects.hpp"
#include "net/socket_impls.hpp"
#include "net/stream_impl.hpp"

namespace net {

namespace {

using sim::end;

class sim_timer final : public timer {
 public:
  explicit sim_timer(sim_context& ctx)
      : ctx_(ctx), w_(ctx.world()), wake_(w_.io()), serial_(w_.next_serial++) {
    ctx_.track(serial_, this);
  }
  ~sim_timer() override {
    if (id_) w_.cancel(id_);
    ctx_.untrack(serial_);
  }
  void expires_after(duration d) override { deadline_ = w_.now() + d; }
  void expires_never() override { deadline_.reset(); }
  task<bool> wait() override {
    if (ctx_.killed()) co_return false;
    fired_ = cancelled_ = false;
    if (deadline_)
      id_ = w_.at(*deadline_, [this] {
        id_ = 0;
        fired_ = true;
        wake_.notify();
      });
    while (!fired_ && !cancelled_) co_await wake_.wait();
    if (id_) w_.cancel(std::exchange(id_, 0));
    co_return fired_;
  }
  void cancel() override {
    cancelled_ = true;
    if (id_) w_.cancel(std::exchange(id_, 0));
    wake_.notify();
  }

 private:
  sim_context& ctx_;
  sim::world& w_;
  sim::waker wake_;
  std::optional<clock::time_point> deadline_ = clock::time_point{};  // nullopt: never
  std::uint64_t serial_;
  std::uint64_t id_ = 0;
  bool fired_ = false, cancelled_ = false;
};

stream make_stream(std::shared_ptr<end> e) {
  std::string name = e->peer_name;
  auto i = std::make_unique<stream::impl>(std::move(e), std::move(name));
  i->peer = std::get<std::shared_ptr<end>>(i->s)->peer;
  return stream(std::move(i));
}

// A connection attempt in progress: the SYN, its retransmissions, and the answer.
struct handshake {
  explicit handshake(asio::io_context& io) : wake(io) {}
  sim::waker wake;
  bool done = false, abandoned = false, accepted = false;
  std::error_code ec;
};

std::string unix_key(const endpoint& e) {
  return e.abstract ? "@" + e.path : e.path;
}

bool listens_for(const sim::listener_state& l, const sim::host& from, const sim::host& at) {
  // A listener bound to the loopback address answers only its own host.
  const auto& h = l.local.host;
  if (h == "127.0.0.1" || h == "localhost" || h == "::1") return &from == &at;
  return true;
}

}  // namespace

sim_context::sim_context(sim::world& w, sim::host& h, std::string input, sink out, sink err)
    : w_(w), h_(h), input_(std::move(input)), out_(std::move(out)), err_(std::move(err)) {
  // What this context owns holds asio timers, which must go before the world's io_context does.
  shutdown_hook_ = w_.on_shutdown([this] {
    in_.reset();
    out_stream_.reset();
    reload_.reset();
  });
}

sim_context::~sim_context() {
  w_.forget_shutdown(shutdown_hook_);
  in_.reset();
  out_stream_.reset();
}

void sim_context::check_alive() const {
  if (killed_) throw vitnet::error(core::exit_code::interrupted, "killed");
}

void sim_context::track(sim::end* e) {
  ends_[e->serial] = e;
}
void sim_context::untrack(sim::end* e) {
  ends_.erase(e->serial);
}
void sim_context::track(sim::listener_state* l) {
  listeners_[l->serial] = l;
}
void sim_context::untrack(sim::listener_state* l) {
  listeners_.erase(l->serial);
}
void sim_context::track(sim::datagram_state* d) {
  datagrams_[d->serial] = d;
}
void sim_context::untrack(sim::datagram_state* d) {
  datagrams_.erase(d->serial);
}

void sim_context::random(std::span<std::uint8_t> out) {
  w_.random_bytes(out);
}

std::unique_ptr<timer> sim_context::make_timer() {
  return std::make_unique<sim_timer>(*this);
}

void sim_context::start(task<void> t) {
  if (killed_) return;
  asio::co_spawn(w_.io(), std::move(t), [err = err_](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      if (err) err(fmt::format("vitnet: internal error: {}\n", x.what()));
    }
  });
}

task<bool> sim_context::wait_reload() {
  // Nothing sends a simulated process SIGHUP: wait until the process ends.
  if (!reload_) reload_ = std::make_unique<sim::waker>(w_.io());
  while (!killed_) co_await reload_->wait();
  co_return false;
}

std::unique_ptr<child_process> sim_context::spawn(const spawn_options& opts) {
  throw vitnet::error(
      core::exit_code::config,
      fmt::format("exec: '{}': child processes are not available on the mock network "
                  "(use --net loopback)",
                  opts.command));
}

std::unique_ptr<fd_watch> sim_context::watch_fd(int fd) {
  auto serial = w_.next_serial++;
  auto w = make_fd_watch(w_.io(), fd, [this, serial] { watches_.erase(serial); });
  if (killed_) w->release();
  watches_[serial] = w.get();
  return w;
}

void sim_context::kill(bool crash) {
  if (killed_) return;
  killed_ = true;
  for (auto [serial, e] : std::map(ends_)) {
    if (crash)
      e->die();
    else
      sim::close(*e);
  }
  for (auto [serial, l] : std::map(listeners_)) l->close();
  for (auto [serial, d] : std::map(datagrams_)) d->close();
  for (auto [serial, t] : std::map(timers_)) t->cancel();
  for (auto [serial, w] : std::map(watches_)) w->release();
  if (reload_) reload_->notify();
}

// ---- names
// -----------------------------------------------------------------------------------------

task<std::vector<ip_address>> sim_context::system_resolve(std::string name, duration deadline) {
  check_alive();
  if (auto ip = ip_address::parse(name)) co_return std::vector<ip_address>{*ip};
  if (w_.hooks.dns) {
    if (auto mode = w_.hooks.dns(h_, name)) {
      if (*mode == "timeout") {
        co_await sleep(deadline);
        vitnet::fail(core::exit_code::timeout, "resolve: {}: no answer within {}", name,
                     core::format_duration(deadline));
      }
      vitnet::fail(core::exit_code::no_host, "resolve: {}: temporary failure in name resolution",
                   name);
    }
  }
  if (name == "localhost") co_return std::vector<ip_address>{ip_address::v4(0x7f000001u)};
  if (auto* h = w_.find(name)) co_return std::vector<ip_address>{h->address};
  vitnet::fail(core::exit_code::no_host, "resolve: {}: unknown host", name);
}

// ---- connections
// -----------------------------------------------------------------------------------

task<std::pair<std::error_code, stream>> sim_context::connect_once(const endpoint& where,
                                                                   const socket_address* ip,
                                                                   duration timeout,
                                                                   const ip_address* source) {
  using result = std::pair<std::error_code, stream>;
  if (killed_) co_return result{asio::error::operation_aborted, stream{}};

  if (where.is_unix()) {
    auto it = h_.unix_paths.find(unix_key(where));
    if (it == h_.unix_paths.end())
      co_return result{std::make_error_code(std::errc::no_such_file_or_directory), stream{}};
    auto* l = it->second;
    if (l->backlog.size() >= l->backlog_max)
      co_return result{std::make_error_code(std::errc::resource_unavailable_try_again), stream{}};
    auto c = std::make_shared<sim::connection>(w_, &h_, &h_);
    c->unix_socket = true;
    auto client = std::make_shared<end>(w_, this);
    client->conn = c, client->side = 0, client->peer_name = where.display();
    auto server = std::make_shared<end>(w_, l->owner);
    server->conn = c, server->side = 1, server->peer_name = "unix";
    c->ends[0] = client.get(), c->ends[1] = server.get();
    l->backlog.push_back(server);
    l->wake.notify();
    w_.trace(fmt::format("connect {} unix {}", h_.name, where.display()));
    w_.record({.what = wire_event::kind::connect,
               .from = h_.name,
               .to = h_.name,
               .conn = c->id,
               .detail = where.display()});
    co_return result{std::error_code{}, make_stream(client)};
  }

  sim::host* target = sim::route(w_, h_, ip->ip);
  bool local = target == &h_;
  std::uint16_t local_port = h_.ephemeral_port(false);
  socket_address self{local ? ip_address::v4(0x7f000001u) : h_.address, local_port};
  if (local && !ip->ip.unmap().is_loopback()) self.ip = h_.address;
  if (source && sim::route(w_, h_, *source) == &h_) self.ip = source->unmap();
  socket_address remote{ip->ip.unmap(), ip->port};

  auto c = std::make_shared<sim::connection>(w_, &h_, target ? target : &h_);
  c->addrs[0] = self;
  c->addrs[1] = remote;
  auto client = std::make_shared<end>(w_, this);
  client->conn = c, client->side = 0, client->peer = remote, client->peer_name = remote.to_string();
  c->ends[0] = client.get();
  // A connection that never opened closes without a word (no FIN to send).
  auto never_opened = [&client] { client->closed = client->send_closed = true; };
  w_.trace(fmt::format("connect {}:{} -> {}", h_.name, local_port, remote.to_string()));
  w_.record({.what = wire_event::kind::connect,
             .from = h_.name,
             .to = target ? target->name : std::string(),
             .from_port = local_port,
             .to_port = remote.port,
             .conn = c->id,
             .detail = remote.to_string()});

  auto hs = std::make_shared<handshake>(w_.io());
  auto reply = [this, hs, c, target](std::error_code ec) {
    auto back = w_.transit(*target, h_, 40, false, sim::flow{c->addrs[1].port, c->addrs[0].port});
    if (back.dropped) return;  // the client retransmits its SYN
    auto at = std::max(back.arrival, c->dir[1].last_arrival);
    c->dir[1].last_arrival = at;
    w_.at(at, [hs, ec] {
      if (hs->done || hs->abandoned) return;
      hs->done = true;
      hs->ec = ec;
      hs->wake.notify();
    });
  };
  auto syn_arrives = [this, hs, c, target, remote, reply] {
    if (hs->done || hs->abandoned || !target->up) return;
    if (hs->accepted) return reply({});
    if (w_.hooks.refuse && w_.hooks.refuse(*target, remote.port)) {
      w_.trace(fmt::format("refused {} (fault)", c->name(0)));
      w_.record(c->event(0, wire_event::kind::refused, "by a fault"));
      return reply(asio::error::connection_refused);
    }
    auto it = target->tcp.find(remote.port);
    if (it == target->tcp.end() || !listens_for(*it->second, h_, *target)) {
      w_.trace(fmt::format("refused {} -> {}:{} (nothing listening)", c->name(0), target->name,
                           remote.port));
      w_.record(c->event(0, wire_event::kind::refused, "nothing listening"));
      return reply(asio::error::connection_refused);
    }
    auto* l = it->second;
    if (l->backlog.size() >= l->backlog_max) return;  // the SYN is dropped; the client retries
    auto server = std::make_shared<end>(w_, l->owner);
    server->conn = c, server->side = 1, server->peer = c->addrs[0],
    server->peer_name = c->addrs[0].to_string();
    c->ends[1] = server.get();
    hs->accepted = true;
    if (w_.hooks.on_connect) w_.hooks.on_connect(*c);
    l->backlog.push_back(server);
    l->wake.notify();
    w_.trace(fmt::format("accept {} <- {}", c->name(1), c->name(0)));
    w_.record(c->event(0, wire_event::kind::accept, ""));
    reply({});
  };

  auto deadline = w_.now() + timeout;
  duration rto = std::chrono::seconds(1);
  for (;;) {
    if (target) {
      auto r = w_.transit(h_, *target, 40, false, sim::flow{local_port, remote.port});
      if (r.dropped) {
        w_.trace(fmt::format("syn {} dropped", c->name(0)));
        w_.record(c->event(0, wire_event::kind::lost, "connection request (SYN)"));
      } else {
        w_.at(r.arrival, syn_arrives);
      }
    }
    auto retry_at = std::min(w_.now() + rto, deadline);
    auto id = w_.at(retry_at, [hs] { hs->wake.notify(); });
    while (!hs->done && !killed_ && w_.now() < retry_at) co_await hs->wake.wait();
    w_.cancel(id);
    if (hs->done) break;
    if (killed_ || w_.now() >= deadline) {
      hs->abandoned = true;
      never_opened();
      if (hs->accepted) c->do_reset("connect abandoned");
      if (killed_) co_return result{asio::error::operation_aborted, stream{}};
      w_.trace(fmt::format("connect {} timed out", c->name(0)));
      w_.record(c->event(0, wire_event::kind::timed_out, ""));
      co_return result{std::make_error_code(std::errc::timed_out), stream{}};
    }
    rto *= 2;
  }
  if (hs->ec) {
    never_opened();
    co_return result{hs->ec, stream{}};
  }
  co_return result{std::error_code{}, make_stream(client)};
}

task<listener> sim_context::listen(const endpoint& where, listen_options opts) {
  check_alive();
  auto l = std::make_unique<sim::listener_state>(w_, this);
  l->h = &h_;
  l->local = where;
  l->backlog_max = static_cast<std::size_t>(std::max(1, opts.backlog));
  if (where.is_unix()) {
    auto key = unix_key(where);
    if (h_.unix_paths.count(key))
      vitnet::fail_os("listen", where.display(), std::make_error_code(std::errc::address_in_use));
    h_.unix_paths[key] = l.get();
  } else {
    if (!where.host.empty()) {
      auto addrs = co_await context::resolve(where.host, std::chrono::seconds(10));
      auto* owner = sim::route(w_, h_, addrs.front());
      if (owner != &h_)
        vitnet::fail_os("listen", where.display(),
                        std::make_error_code(std::errc::address_not_available));
    }
    std::uint16_t port = where.port ? where.port : h_.ephemeral_port(false);
    if (h_.tcp.count(port))
      vitnet::fail_os("listen", where.display(), std::make_error_code(std::errc::address_in_use));
    l->local.port = port;
    h_.tcp[port] = l.get();
  }
  track(l.get());
  w_.trace(fmt::format("listen {} {}", h_.name, l->local.to_string()));
  w_.record({.what = wire_event::kind::listen,
             .from = h_.name,
             .from_port = l->local.port,
             .detail = l->local.to_string()});
  auto local = l->local;
  co_return listener(std::make_unique<listener::impl>(std::move(l), local));
}

task<datagram_socket> sim_context::bind_datagram(const endpoint& local) {
  check_alive();
  if (!local.host.empty()) {
    auto addrs = co_await context::resolve(local.host, std::chrono::seconds(10));
    if (sim::route(w_, h_, addrs.front()) != &h_)
      vitnet::fail_os("bind", local.display(),
                      std::make_error_code(std::errc::address_not_available));
  }
  std::uint16_t port = local.port ? local.port : h_.ephemeral_port(true);
  if (h_.udp.count(port))
    vitnet::fail_os("bind", local.display(), std::make_error_code(std::errc::address_in_use));
  auto d = std::make_unique<sim::datagram_state>(w_, this);
  d->h = &h_;
  d->port = port;
  d->local = local;
  d->local.port = port;
  h_.udp[port] = d.get();
  track(d.get());
  w_.trace(fmt::format("bind {} udp:{}", h_.name, port));
  w_.record({.what = wire_event::kind::bind, .from = h_.name, .from_port = port});
  auto ep = d->local;
  co_return datagram_socket(std::make_unique<datagram_socket::impl>(std::move(d), ep));
}

task<datagram_socket> sim_context::connect_datagram(const socket_address& peer) {
  check_alive();
  std::uint16_t port = h_.ephemeral_port(true);
  auto d = std::make_unique<sim::datagram_state>(w_, this);
  d->h = &h_;
  d->port = port;
  d->peer = peer;
  d->local = endpoint{transport::udp, h_.address.to_string(), port, {}, false};
  h_.udp[port] = d.get();
  track(d.get());
  auto ep = d->local;
  co_return datagram_socket(std::make_unique<datagram_socket::impl>(std::move(d), ep));
}

// ---- stdio
// -----------------------------------------------------------------------------------------

stream& sim_context::standard_input() {
  if (!in_) {
    auto e = std::make_shared<end>(w_, this);
    e->input = input_;
    e->peer_name = "stdin";
    in_ = std::make_unique<stream>(make_stream(std::move(e)));
  }
  return *in_;
}

stream& sim_context::standard_output() {
  if (!out_stream_) {
    auto e = std::make_shared<end>(w_, this);
    e->sink = out_;
    e->peer_name = "stdout";
    out_stream_ = std::make_unique<stream>(make_stream(std::move(e)));
  }
  return *out_stream_;
}

}  // namespace net

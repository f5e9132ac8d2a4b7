#include "net/sim/objects.hpp"

#include <fmt/format.h>

#include <cstring>

#include "core/units.hpp"
#include "net/sim/context.hpp"

namespace net::sim {

namespace {

constexpr std::size_t segment_size = 64 * 1024;
constexpr std::size_t window = 256 * 1024;  // unacknowledged plus unread bytes a sender may have
constexpr duration min_rto = std::chrono::milliseconds(200);
constexpr duration max_rto = std::chrono::seconds(8);

void send_segment(const std::shared_ptr<connection>& c, int side, segment seg);

void arrive(connection& c, int side, const segment& seg) {
  auto& d = c.dir[side];
  d.in_flight -= seg.data.size();
  if (c.reset) return;
  if (seg.rst) {
    c.do_reset(seg.why);
    return;
  }
  int r = 1 - side;
  if (c.dead[r]) {
    // A crashed host says nothing; once it is back up it knows nothing of the connection.
    if (c.hosts[r]->up && !seg.data.empty()) c.do_reset("peer restarted");
    return;
  }
  end* e = c.ends[r];
  if (!e || e->closed) {
    // The closed side answers data with a reset, which travels back like any segment.
    if (!seg.data.empty())
      send_segment(c.shared_from_this(), r, segment{{}, false, true, "data for a closed socket"});
    return;
  }
  if (!seg.data.empty()) {
    std::string_view data = seg.data;
    // A reset-after-N fault lets exactly N bytes through, then resets.
    if (c.reset_after && c.bytes_crossed + data.size() > *c.reset_after)
      data = data.substr(
          0, static_cast<std::size_t>(*c.reset_after - std::min(c.bytes_crossed, *c.reset_after)));
    d.buf += data;
    c.bytes_crossed += data.size();
    e->rd.notify();
    if (c.reset_after && c.bytes_crossed >= *c.reset_after) {
      if (c.on_reset_after) c.on_reset_after();
      c.do_reset(fmt::format("fault: reset after {} bytes", *c.reset_after));
      return;
    }
  }
  if (seg.fin) {
    d.fin_arrived = true;
    e->rd.notify();
  }
}

void pump(const std::shared_ptr<connection>& c, int side) {
  auto& d = c->dir[side];
  while (!d.outbox.empty() && !d.retry_pending) {
    if (c->reset || c->dead[side]) {
      d.outbox.clear();
      break;
    }
    auto& seg = d.outbox.front();
    net::sim::flow fl{c->addrs[side].port, c->addrs[1 - side].port, seg.fin};
    auto r = c->w.transit(*c->hosts[side], *c->hosts[1 - side], seg.data.size() + 40, false, fl,
                          seg.fin);
    if (r.dropped) {
      // TCP retransmits: the bytes come later, never lost.
      d.retry_pending = true;
      auto rto = d.rto;
      c->w.trace(fmt::format("segment {} -> {} dropped ({} bytes{}), resent in {}", c->name(side),
                             c->name(1 - side), seg.data.size(), seg.fin ? ", fin" : "",
                             core::format_duration(rto)));
      if (c->w.record_events) {
        auto e = c->event(side, wire_event::kind::lost,
                          fmt::format("segment{}, resent in {}", seg.fin ? " (fin)" : "",
                                      core::format_duration(rto)));
        e.bytes = seg.data.size();
        c->w.record(std::move(e));
      }
      d.rto = std::min(d.rto * 2, max_rto);
      c->w.at(c->w.now() + rto, [c, side] {
        c->dir[side].retry_pending = false;
        pump(c, side);
      });
      return;
    }
    d.rto = min_rto;
    auto arrival = std::max(r.arrival, d.last_arrival);
    d.last_arrival = arrival;
    if (c->w.record_events) {
      // The bytes, or the end of the stream, or a reset travelling behind the data.
      auto kind = seg.rst   ? wire_event::kind::reset
                  : seg.fin ? wire_event::kind::fin
                            : wire_event::kind::data;
      auto e = c->event(side, kind, seg.rst ? "sent: " + seg.why : std::string());
      e.bytes = seg.data.size();
      e.arrives = c->w.since_start(arrival);
      c->w.record(std::move(e));
    }
    auto moved = std::make_shared<segment>(std::move(seg));
    d.outbox.pop_front();
    c->w.at(arrival, [c, side, moved] { arrive(*c, side, *moved); });
  }
}

void send_segment(const std::shared_ptr<connection>& c, int side, segment seg) {
  c->dir[side].in_flight += seg.data.size();
  c->dir[side].outbox.push_back(std::move(seg));
  pump(c, side);
}

}  // namespace

std::string connection::name(int side) const {
  if (unix_socket) return side == 0 ? "unix-client" : "unix-server";
  return fmt::format("{}:{}", hosts[side]->name, addrs[side].port);
}

wire_event connection::event(int side, wire_event::kind what, std::string detail) const {
  return {.what = what,
          .from = hosts[side]->name,
          .to = hosts[1 - side]->name,
          .from_port = addrs[side].port,
          .to_port = addrs[1 - side].port,
          .conn = id,
          .detail = std::move(detail)};
}

void connection::do_reset(std::string_view why) {
  if (reset) return;
  reset = true;
  w.trace(fmt::format("reset {} <-> {} ({})", name(0), name(1), why));
  w.record(event(0, wire_event::kind::reset, std::string(why)));
  for (auto* e : ends)
    if (e) e->rd.notify(), e->wr.notify();
  dir[0].outbox.clear();
  dir[1].outbox.clear();
}

// ---- ends
// ------------------------------------------------------------------------------------------

end::end(world& w, sim_context* owner)
    : w(w), owner(owner), serial(w.next_serial++), rd(w.io()), wr(w.io()) {
  if (owner) owner->track(this);
}

end::~end() {
  if (conn) {
    close(*this);
    conn->ends[side] = nullptr;
  }
  if (owner) owner->untrack(this);
}

void end::die() {
  if (conn && !closed) {
    conn->dead[side] = true;
    w.trace(fmt::format("silent {} (host down)", conn->name(side)));
    w.record(conn->event(side, wire_event::kind::closed, "silent: its host went down"));
  }
  closed = true;
  rd.notify();
  wr.notify();
}

io_result try_read_some(end& e, std::span<char> buf) {
  if (e.closed) return {asio::error::bad_descriptor, 0};
  if (!e.conn) {
    if (e.input_off >= e.input.size()) return {asio::error::eof, 0};
    std::size_t n = std::min(buf.size(), e.input.size() - e.input_off);
    std::memcpy(buf.data(), e.input.data() + e.input_off, n);
    e.input_off += n;
    return {{}, n};
  }
  auto& c = *e.conn;
  auto& d = c.dir[1 - e.side];
  // As Linux does, what arrived before a reset is read first; the reset comes after it.
  if (d.unread() == 0 && c.reset) return {asio::error::connection_reset, 0};
  if (d.unread() > 0) {
    std::size_t n = std::min(buf.size(), d.unread());
    std::memcpy(buf.data(), d.buf.data() + d.off, n);
    d.off += n;
    if (d.off == d.buf.size()) {
      d.buf.clear();
      d.off = 0;
    } else if (d.off > (1u << 20)) {
      d.buf.erase(0, d.off);
      d.off = 0;
    }
    if (auto* sender = c.ends[1 - e.side]) sender->wr.notify();  // the window opened
    return {{}, n};
  }
  if (d.fin_arrived) return {asio::error::eof, 0};
  return {asio::error::would_block, 0};
}

task<io_result> read_some(end& e, std::span<char> buf) {
  auto gen = e.cancel_gen;
  for (;;) {
    auto r = try_read_some(e, buf);
    if (r.ec != asio::error::would_block) co_return r;
    co_await e.rd.wait();
    if (gen != e.cancel_gen) co_return io_result{asio::error::operation_aborted, 0};
  }
}

task<std::error_code> wait_readable(end& e) {
  auto gen = e.cancel_gen;
  for (;;) {
    if (e.closed) co_return asio::error::bad_descriptor;
    if (!e.conn) co_return std::error_code{};
    auto& c = *e.conn;
    auto& d = c.dir[1 - e.side];
    if (c.reset || d.unread() > 0 || d.fin_arrived) co_return std::error_code{};
    co_await e.rd.wait();
    if (gen != e.cancel_gen) co_return asio::error::operation_aborted;
  }
}

task<io_result> write_all(end& e, std::span<const char> data) {
  auto gen = e.cancel_gen;
  if (e.closed) co_return io_result{asio::error::bad_descriptor, 0};
  if (!e.conn) {
    if (e.send_closed) co_return io_result{asio::error::broken_pipe, 0};
    if (e.sink) e.sink(std::string_view(data.data(), data.size()));
    co_return io_result{{}, data.size()};
  }
  std::size_t done = 0;
  while (done < data.size()) {
    auto c = e.conn;
    if (c->reset) co_return io_result{asio::error::connection_reset, done};
    if (e.send_closed) co_return io_result{asio::error::broken_pipe, done};
    auto& d = c->dir[e.side];
    std::size_t used = d.in_flight + d.unread();
    if (used >= window) {
      co_await e.wr.wait();
      if (gen != e.cancel_gen) co_return io_result{asio::error::operation_aborted, done};
      if (e.closed) co_return io_result{asio::error::bad_descriptor, done};
      continue;
    }
    std::size_t n = std::min({segment_size, window - used, data.size() - done});
    send_segment(c, e.side, segment{std::string(data.data() + done, n), false});
    done += n;
  }
  co_return io_result{{}, done};
}

std::error_code shutdown_send(end& e) {
  if (e.send_closed) return {};
  e.send_closed = true;
  if (e.conn && !e.closed && !e.conn->reset) {
    e.conn->dir[e.side].fin_sent = true;
    send_segment(e.conn, e.side, segment{{}, true});
  }
  return {};
}

void cancel(end& e) {
  ++e.cancel_gen;
  e.rd.notify();
  e.wr.notify();
}

void close(end& e) {
  if (e.closed) return;
  if (e.conn && !e.conn->dead[e.side]) {
    // Closing with unread data makes TCP send a reset rather than a FIN; what was sent before
    // it still arrives first.
    if (e.conn->dir[1 - e.side].unread() > 0)
      send_segment(e.conn, e.side, segment{{}, false, true, "closed with unread data"});
    else
      shutdown_send(e);
  }
  e.send_closed = true;
  e.closed = true;
  e.rd.notify();
  e.wr.notify();
}

// ---- listeners
// -------------------------------------------------------------------------------------

listener_state::listener_state(world& w, sim_context* owner)
    : w(w), owner(owner), serial(w.next_serial++), wake(w.io()) {}

listener_state::~listener_state() {
  close();
  if (owner) owner->untrack(this);
}

void listener_state::close() {
  if (closed) return;
  closed = true;
  if (h) {
    if (local.is_unix()) {
      auto it = h->unix_paths.find(local.path);
      if (it != h->unix_paths.end() && it->second == this) h->unix_paths.erase(it);
    } else {
      auto it = h->tcp.find(local.port);
      if (it != h->tcp.end() && it->second == this) h->tcp.erase(it);
    }
  }
  for (auto& e : backlog)
    if (e->conn) e->conn->do_reset("listener closed");
  backlog.clear();
  wake.notify();
}

task<std::pair<std::error_code, std::shared_ptr<end>>> accept(listener_state& l) {
  auto gen = l.cancel_gen;
  for (;;) {
    if (l.closed)
      co_return std::pair{std::error_code(asio::error::operation_aborted), std::shared_ptr<end>{}};
    if (!l.backlog.empty()) {
      auto e = std::move(l.backlog.front());
      l.backlog.pop_front();
      co_return std::pair{std::error_code{}, std::move(e)};
    }
    co_await l.wake.wait();
    if (gen != l.cancel_gen)
      co_return std::pair{std::error_code(asio::error::operation_aborted), std::shared_ptr<end>{}};
  }
}

// ---- datagrams
// -------------------------------------------------------------------------------------

datagram_state::datagram_state(world& w, sim_context* owner)
    : w(w), owner(owner), serial(w.next_serial++), wake(w.io()) {}

datagram_state::~datagram_state() {
  close();
  if (owner) owner->untrack(this);
}

void datagram_state::close() {
  if (closed) return;
  closed = true;
  if (h) {
    auto it = h->udp.find(port);
    if (it != h->udp.end() && it->second == this) h->udp.erase(it);
  }
  wake.notify();
}

task<datagram_result> receive_from(datagram_state& d, std::span<char> buf) {
  auto gen = d.cancel_gen;
  for (;;) {
    if (d.closed) co_return datagram_result{asio::error::bad_descriptor, 0, {}};
    if (d.pending_error) {
      auto ec = std::exchange(d.pending_error, {});
      co_return datagram_result{ec, 0, {}};
    }
    if (!d.queue.empty()) {
      auto [from, data] = std::move(d.queue.front());
      d.queue.pop_front();
      std::size_t n = std::min(buf.size(), data.size());
      std::memcpy(buf.data(), data.data(), n);
      co_return datagram_result{{}, n, from};
    }
    co_await d.wake.wait();
    if (gen != d.cancel_gen) co_return datagram_result{asio::error::operation_aborted, 0, {}};
  }
}

host* route(world& w, host& self, const ip_address& to) {
  auto u = to.unmap();
  if (u.is_loopback() && (u.is_v6() || u.v4_value() == 0x7f000001u)) return &self;
  if (u.is_unspecified()) return &self;
  return w.find(u);
}

task<std::error_code> send_to(datagram_state& d, std::span<const char> data,
                              const socket_address& to) {
  if (d.closed) co_return asio::error::bad_descriptor;
  world& w = d.w;
  host* target = route(w, *d.h, to.ip);
  bool local = target == d.h;
  socket_address from{local ? ip_address::v4(0x7f000001u) : d.h->address, d.port};
  if (!target) {
    w.trace(
        fmt::format("datagram {}:{} -> {} lost (no such host)", d.h->name, d.port, to.to_string()));
    w.record({.what = wire_event::kind::lost,
              .from = d.h->name,
              .from_port = d.port,
              .to_port = to.port,
              .bytes = data.size(),
              .detail = "datagram to " + to.to_string() + " (no such host)"});
    co_return std::error_code{};
  }
  auto r = w.transit(*d.h, *target, data.size() + 28, true, flow{d.port, to.port});
  if (r.dropped) {
    w.trace(fmt::format("datagram {}:{} -> {}:{} dropped ({} bytes)", d.h->name, d.port,
                        target->name, to.port, data.size()));
    w.record({.what = wire_event::kind::lost,
              .from = d.h->name,
              .to = target->name,
              .from_port = d.port,
              .to_port = to.port,
              .bytes = data.size(),
              .detail = "datagram"});
    co_return std::error_code{};
  }
  auto payload = std::make_shared<std::string>(data.data(), data.size());
  host* sender = d.h;
  std::uint16_t sender_port = d.port;
  auto deliver = [&w, target, sender, sender_port, from, port = to.port, payload] {
    if (!target->up) return;
    auto it = target->udp.find(port);
    if (it == target->udp.end()) {
      // ICMP port unreachable: a connected sender hears of it on its next receive.
      auto back = w.transit(*target, *sender, 56, true, flow{port, sender_port});
      if (back.dropped) return;
      w.at(back.arrival, [sender, sender_port] {
        auto s = sender->udp.find(sender_port);
        if (s != sender->udp.end() && s->second->peer) {
          s->second->pending_error = asio::error::connection_refused;
          s->second->wake.notify();
        }
      });
      return;
    }
    auto* sock = it->second;
    if (sock->queue.size() >= 1024) return;  // the receive buffer is full: dropped, as UDP does
    sock->queue.emplace_back(from, *payload);
    sock->wake.notify();
  };
  w.at(r.arrival, deliver);
  wire_event sent{.what = wire_event::kind::datagram,
                  .arrives = w.since_start(r.arrival),
                  .from = d.h->name,
                  .to = target->name,
                  .from_port = d.port,
                  .to_port = to.port,
                  .bytes = data.size()};
  if (r.duplicated) {
    w.trace(fmt::format("datagram {}:{} -> {}:{} duplicated", d.h->name, d.port, target->name,
                        to.port));
    w.at(r.arrival, deliver);
    if (w.record_events) {
      w.record(sent);
      sent.detail = "a duplicate, made by a fault";
    }
  }
  if (w.record_events) w.record(std::move(sent));
  co_return std::error_code{};
}

}  // namespace net::sim

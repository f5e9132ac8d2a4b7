#include "commands/connect/ws/client.hpp"

#include <deque>
#include <vector>

#include "commands/ws/session.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "proto/http1/parser.hpp"
#include "proto/ws/handshake.hpp"

namespace commands {

using net::task;

namespace {

// stdin is read only while a connection stands and has less than this queued for sending, so a
// fast producer meets back-pressure instead of growing memory (or losing lines).
constexpr std::size_t high_water = ws_session::high_water;

struct client_state {
  ws_session* current = nullptr;
  /// Messages from stdin while no connection stands (--reconnect): sent on the next one. The
  /// pump reads no more once this passes the high-water mark.
  std::deque<std::pair<proto::ws::opcode, std::string>> waiting;
  std::size_t waiting_bytes = 0;
  bool connected_once = false;  ///< stdin is read from the first connection on
  bool stdin_done = false;
  bool user_closed = false;    ///< we closed because stdin ended
  std::uint64_t received = 0;  ///< messages so far, for --linger
};

// Whether a connection stands that takes messages.
bool live(const client_state& c) {
  return c.current && !c.current->closing();
}

// Whether stdin may be read now: from the first connection on, while the connection's queue (or,
// between connections, the messages waiting for the next one) is below the high-water mark.
bool has_room(const client_state& c) {
  if (live(c)) return c.current->queued() <= high_water;
  return c.connected_once && c.waiting_bytes <= high_water;
}

// A message from stdin: sent (encoded straight from `msg`), or kept for the next connection.
void deliver(client_state& c, proto::ws::opcode op, std::string_view msg) {
  if (live(c)) {
    c.current->send(op, msg);
    return;
  }
  c.waiting_bytes += msg.size();
  c.waiting.emplace_back(op, std::string(msg));
}

// What stdin sent while there was no connection goes first on a new one.
void send_waiting(client_state& c, ws_session& s) {
  for (auto& [op, msg] : c.waiting) s.send(op, msg);
  c.waiting.clear();
  c.waiting_bytes = 0;
}

task<void> pump_stdin(net::context& ctx, client_state& c, const ws_connect_options& o,
                      std::shared_ptr<bool> alive) {
  auto& in = ctx.standard_input();
  auto op = o.binary ? proto::ws::opcode::binary : proto::ws::opcode::text;
  std::string pending;
  // Large reads: fewer system calls, and more lines per burst, which go out in one write.
  std::vector<char> buf(256 * 1024);
  for (;;) {
    // Read only with a connection that has room: wait on its queue, or, between connections
    // (--reconnect), briefly for the next one.
    while (*alive && !has_room(c)) {
      if (live(c)) {
        auto flow = c.current->flow();  // outlives the session, should it end meanwhile
        co_await flow->room();
      } else {
        co_await ctx.sleep(std::chrono::milliseconds(2));
      }
    }
    if (!*alive) co_return;
    auto r = co_await in.read_some(std::span<char>(buf.data(), buf.size()));
    if (!*alive) co_return;
    if (r.n && o.raw) {
      deliver(c, op, std::string_view(buf.data(), r.n));
      continue;
    }
    if (r.n) {
      pending.append(buf.data(), r.n);
      split_lines(pending, false, [&](std::string_view line) { deliver(c, op, line); });
      continue;
    }
    if (!pending.empty()) deliver(c, op, pending);
    c.stdin_done = true;
    c.user_closed = true;
    // --linger: answers may still be on their way; close once none has come for a while.
    if (o.linger) {
      for (auto seen = c.received - 1; seen != c.received && *alive;) {
        seen = c.received;
        co_await ctx.sleep(*o.linger);
      }
      if (!*alive) co_return;
    }
    if (c.current) c.current->close();
    co_return;
  }
}

task<void> pinger(net::context& ctx, ws_session& s, net::duration every,
                  std::shared_ptr<bool> alive) {
  for (;;) {
    co_await ctx.sleep(every);
    if (!*alive || s.closing()) co_return;
    s.ping("vitnet");
  }
}

}  // namespace

task<std::pair<net::stream, std::string>> ws_open(net::context& ctx, const net::endpoint& where,
                                                  const ws_connect_options& o,
                                                  const net::tls_client_options& tls,
                                                  const net::dial_options& dial) {
  auto conn = co_await net::dial(ctx, where, dial);
  if (where.tls) {
    conn = co_await net::tls_connect(ctx, std::move(conn), net::for_endpoint(tls, where),
                                     dial.timeout);
  }
  std::array<std::uint8_t, 16> nonce{};
  ctx.random(nonce);
  proto::header_list extra;
  for (auto& h : o.headers) {
    auto colon = h.find(':');
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    extra.add(h.substr(0, colon), value);
  }
  // The Host field: the port only when it is not the scheme's own, IPv6 literals bracketed.
  std::string host = net::join_host_port(where.host, where.port);
  if (where.port == where.default_port()) host.resize(host.rfind(':'));
  auto req = proto::ws::make_upgrade_request(host, where.target, nonce, o.protocols, extra);
  auto bytes = proto::serialize_request(req);
  bool expired = false;
  net::watchdog wd(ctx, dial.timeout, [&] {
    expired = true;
    conn.cancel();
  });
  auto w = co_await conn.write_all(std::span<const char>(bytes.data(), bytes.size()));
  if (w.ec)
    vitnet::fail(core::exit_code::io, "ws: {}: sending the handshake: {}", where.display(),
                 vitnet::describe(w.ec));
  proto::response_parser p;
  std::string buf(16 * 1024, '\0');
  for (;;) {
    auto ev = p.poll();
    if (ev == proto::http_event::message || ev == proto::http_event::paused) break;
    if (ev == proto::http_event::error)
      vitnet::fail(core::exit_code::protocol, "ws: {}: bad handshake response: {}", where.display(),
                   p.error().message);
    if (ev == proto::http_event::end)
      vitnet::fail(core::exit_code::protocol, "ws: {}: the server closed during the handshake",
                   where.display());
    if (ev == proto::http_event::head) continue;
    auto r = co_await conn.read_some(std::span<char>(buf.data(), buf.size()));
    if (r.n) {
      p.feed(std::string_view(buf.data(), r.n));
      continue;
    }
    if (expired)
      vitnet::fail(core::exit_code::timeout, "ws: {}: no handshake response within {}",
                   where.display(), core::format_duration(dial.timeout));
    if (net::is_eof(r.ec)) {
      p.feed_eof();
      continue;
    }
    vitnet::fail(core::exit_code::io, "ws: {}: {}", where.display(), vitnet::describe(r.ec));
  }
  wd.disarm();
  auto resp = p.take();
  auto check = proto::ws::check_upgrade_response(req, resp);
  if (!check.ok)
    vitnet::fail(core::exit_code::protocol, "ws: {}: handshake refused: {}", where.display(),
                 check.error);
  co_return std::pair{std::move(conn), p.take_buffered()};
}

task<int> run_ws_connect(net::context& ctx, const net::endpoint& where, const ws_connect_options& o,
                         const net::tls_client_options& tls, const net::dial_options& dial,
                         core::io& io) {
  client_state c;
  auto alive = std::make_shared<bool>(true);
  struct stop_guard {
    std::shared_ptr<bool> a;
    net::context& ctx;
    ~stop_guard() {
      *a = false;
      ctx.standard_input().cancel();
    }
  } guard{alive, ctx};
  ctx.start(pump_stdin(ctx, c, o, alive));
  auto delay = dial.retry_delay;
  // Dialling again after a loss (--reconnect): one attempt at a time, waiting longer each time
  // (to 30 s), until interrupted, or --retry N times when that is given.
  net::dial_options again = dial;
  again.retries = 0;
  for (int round = 0;; ++round) {
    std::optional<std::pair<net::stream, std::string>> opened;
    for (int attempt = 1; !opened; ++attempt) {
      try {
        auto link = co_await ws_open(ctx, where, o, tls, round == 0 ? dial : again);
        opened = std::move(link);
      } catch (const vitnet::error& e) {
        bool transient = e.code() == core::exit_code::unavailable ||
                         e.code() == core::exit_code::timeout || e.code() == core::exit_code::io;
        if (round == 0 || !transient || (dial.retries > 0 && attempt > dial.retries)) throw;
        io.warn("ws: {}; trying again in {}", e.what(), core::format_duration(delay));
      }
      if (!opened) {
        co_await ctx.sleep(delay);
        delay = std::min<net::duration>(delay * 2, std::chrono::seconds(30));
      }
    }
    auto& [conn, leftover] = *opened;
    io.verbose(1, "ws: connected to {}", where.to_string());
    delay = dial.retry_delay;
    ws_session s(ctx, conn, proto::ws::role::client, o.max_message);
    // stdin keeps up to high_water (plus a read) queued here: reading from the server pauses only
    // beyond that, for a stdout that does not keep up (or pongs the server does not read).
    s.pause_reading_above(2 * high_water + (64 << 10));
    send_waiting(c, s);
    c.current = &s;
    c.connected_once = true;
    if (c.stdin_done) s.close();
    if (o.ping_interval) ctx.start(pinger(ctx, s, *o.ping_interval, alive));
    // Messages to stdout in order; a slow stdout pauses reading from the server.
    ordered_writer out(ctx, ctx.standard_output(), [&s] { s.drained(); });
    auto code = co_await s.run(
        std::move(leftover),
        [&](proto::ws::event& ev) {
          ++c.received;
          if (o.raw)
            out.push(std::move(ev.data));
          else
            out.push_line(std::move(ev.data));
        },
        [&out] { return out.queued(); }, [&out] { out.flush(); });
    co_await out.drain();
    c.current = nullptr;
    s.warn_sent_as_binary(io, where.display());
    io.verbose(1, "ws: {}", s.reason());
    bool normal =
        code == proto::ws::close_code::normal || code == proto::ws::close_code::going_away;
    // After stdin ended we closed; the server's answer still counts: an error code (1007 bad
    // data, 1009 too big, 1011 server error...) is a failure whatever stdin did.
    if (c.user_closed) {
      if (normal || code == proto::ws::close_code::no_status ||
          code == proto::ws::close_code::abnormal)
        co_return 0;
      vitnet::fail(core::exit_code::protocol, "ws: {}: {}", where.display(), s.reason());
    }
    if (o.reconnect) {
      io.warn("ws: {}: {}; reconnecting in {}", where.display(), s.reason(),
              core::format_duration(delay));
      co_await ctx.sleep(delay);
      delay = std::min<net::duration>(delay * 2, std::chrono::seconds(30));
      continue;
    }
    if (normal) co_return 0;
    if (code == proto::ws::close_code::abnormal)
      vitnet::fail(core::exit_code::io, "ws: {}: connection lost: {}", where.display(), s.reason());
    vitnet::fail(core::exit_code::protocol, "ws: {}: {}", where.display(), s.reason());
  }
}

}  // namespace commands

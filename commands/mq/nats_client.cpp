#include "commands/mq/nats_client.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "commands/mq/reconnect.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "proto/nats/protocol.hpp"

namespace commands::mq {

namespace nats = proto::nats;
using core::exit_code;
using net::task;

namespace {

constexpr std::size_t write_batch = 32 * 1024;   // queued bytes that start a write on their own
constexpr std::size_t publish_window = 1 << 20;  // queued bytes that make publish() wait

struct sub_record {
  std::string subject, queue;
  std::optional<std::uint64_t> max;
  std::uint64_t received = 0;
  bool own = false;  // the client's own (requests, JetStream): read with next_for(sid)
};

// -ERR texts after which the server closes the connection (the others, such as 'Invalid
// Subject' or a permissions violation, leave it open).
bool fatal_error(std::string_view text) {
  return !(text.starts_with("Invalid Subject") || text.starts_with("Permissions Violation") ||
           text.starts_with("Invalid Publish Subject") ||
           text.starts_with("Maximum Subscriptions Exceeded"));
}

exit_code code_for_error(std::string_view text) {
  if (text.starts_with("Authorization Violation") || text.starts_with("Authentication") ||
      text.starts_with("Permissions Violation"))
    return exit_code::permission;
  return exit_code::protocol;
}

}  // namespace

struct nats_client::state {
  state(net::context& c, nats_client_options opts, core::io& i)
      : ctx(c), o(std::move(opts)), io(i), changed(c) {}

  net::context& ctx;
  nats_client_options o;
  core::io& io;
  net::stream conn;
  nats::parser parser;
  bool up = false;       // connected and past CONNECT
  bool closing = false;  // close() was called
  bool dead = false;     // lost for good
  exit_code dead_code = exit_code::unavailable;
  std::string dead_why;
  std::string info;
  std::size_t max_payload = 1 << 20;
  std::string out;
  bool writing = false;
  std::map<std::string, sub_record> subs;
  std::uint64_t next_sid = 0;
  std::deque<nats_message> queue;
  std::map<std::string, std::deque<nats_message>> own_queues;  // by sid, for own subscriptions
  std::size_t queued_bytes = 0;
  std::uint64_t pings_sent = 0, pongs_got = 0;
  std::uint64_t generation = 0;  // connections made so far
  net::event changed;

  [[noreturn]] void throw_dead() const { throw vitnet::error(dead_code, dead_why); }

  void kick(const std::shared_ptr<state>& self) {
    if (writing || !up || out.empty()) return;
    writing = true;
    ctx.start(write_loop(self));
  }

  static task<void> write_loop(std::shared_ptr<state> s) {
    std::string chunk;
    while (s->up && !s->out.empty()) {
      chunk.clear();
      chunk.swap(s->out);
      net::watchdog deadline(s->ctx, std::chrono::seconds(10), [s] { s->conn.close(); });
      auto w = co_await s->conn.write_all(chunk);
      deadline.disarm();
      if (w.ec) {
        // What did not go is sent again after a reconnect, ahead of anything queued since.
        s->out.insert(0, chunk, w.n);
        s->conn.close();
        break;
      }
      s->changed.notify();
    }
    s->writing = false;
    s->changed.notify();
  }

  std::string connect_json() const {
    nlohmann::ordered_json j{
        {"verbose", false},     {"pedantic", false}, {"tls_required", o.url.where.tls},
        {"name", o.name},       {"lang", "vitnet"},  {"version", "1"},
        {"protocol", 1},        {"echo", o.echo},    {"headers", true},
        {"no_responders", true}};
    if (!o.url.token.empty()) j["auth_token"] = o.url.token;
    if (!o.url.user.empty()) {
      j["user"] = o.url.user;
      j["pass"] = o.url.password;
    }
    return j.dump();
  }

  // One connection: dial, INFO, TLS, CONNECT, `then` (subscriptions made again), PING; PONG (or
  // -ERR) within connect_timeout, so that what `then` asks is in place when this returns.
  task<void> open(std::string then = {}) {
    const auto deadline = ctx.now() + o.connect_timeout;
    auto c = co_await net::dial(ctx, o.url.where, {.timeout = o.connect_timeout});
    parser = nats::parser();
    std::vector<char> buf(16 * 1024);
    bool expired = false;
    net::watchdog wd(ctx, o.connect_timeout, [&] {
      expired = true;
      c.close();
    });
    auto read_op = [&]() -> task<std::optional<nats::operation>> {
      for (;;) {
        if (auto op = parser.next()) co_return op;
        if (parser.failure() != nats::fault::none) co_return std::nullopt;
        auto rd = co_await c.read_some(buf);
        if (rd.ec) co_return std::nullopt;
        parser.feed({buf.data(), rd.n});
      }
    };
    auto lost = [&](std::string_view when) {
      if (expired)
        return vitnet::error(exit_code::timeout,
                             fmt::format("{}: no answer {} within {}", o.url.text, when,
                                         core::format_duration(o.connect_timeout)));
      return vitnet::error(
          exit_code::protocol,
          fmt::format("{}: the connection ended {} (is it a NATS server?)", o.url.text, when));
    };
    auto first = co_await read_op();
    if (!first || first->kind != nats::op_kind::info) throw lost("before INFO");
    info = first->text;
    auto j = core::parse_peer_json(info, 16);
    bool tls_required = false;
    if (j && j->is_object()) {
      if (auto it = j->find("max_payload"); it != j->end() && it->is_number_unsigned())
        max_payload = it->get<std::size_t>();
      if (auto it = j->find("tls_required"); it != j->end() && it->is_boolean())
        tls_required = it->get<bool>();
    }
    parser.set_max_payload(std::max<std::size_t>(max_payload, 1 << 20));
    if (tls_required && !o.url.where.tls)
      throw vitnet::error(exit_code::protocol,
                          fmt::format("{}: the server requires TLS: use tls://{}", o.url.text,
                                      o.url.where.display()));
    if (o.url.where.tls) {
      if (!tls_required)
        throw vitnet::error(exit_code::protocol,
                            fmt::format("{}: the server does not offer TLS", o.url.text));
      wd.disarm();
      auto opts = net::for_endpoint(o.tls, o.url.where);
      c = co_await net::tls_connect(ctx, std::move(c), opts, deadline - ctx.now());
    }
    std::string hello = nats::write_connect(connect_json()) + then + nats::write_ping();
    auto w = co_await c.write_all(hello);
    if (w.ec) throw lost("after INFO");
    net::watchdog wd2(ctx, std::max(deadline - ctx.now(), net::duration(1)), [&] {
      expired = true;
      c.close();
    });
    for (;;) {
      auto op = co_await read_op();
      if (!op) throw lost("after CONNECT");
      if (op->kind == nats::op_kind::pong) break;
      if (op->kind == nats::op_kind::err)
        throw vitnet::error(
            code_for_error(op->text),
            fmt::format("{}: the server refused the connection: {}", o.url.text, op->text));
    }
    wd.disarm();
    wd2.disarm();
    conn = std::move(c);
    ++generation;
  }

  // The subscriptions as SUB (and UNSUB with what is left of a max), to make them again.
  std::string resubscribe() const {
    std::string again;
    for (auto& [sid, r] : subs) {
      again += nats::write_sub(r.subject, r.queue, sid);
      if (r.max) again += nats::write_unsub(sid, *r.max - std::min(*r.max, r.received));
    }
    return again;
  }

  // After a reconnect: PINGs again for those that were never answered, before what waits.
  void resume() {
    std::string again;
    for (auto n = pongs_got; n < pings_sent; ++n) again += nats::write_ping();
    out.insert(0, again);
  }

  void on_op(const std::shared_ptr<state>& self, const nats::operation_view& op) {
    switch (op.kind) {
      case nats::op_kind::msg:
      case nats::op_kind::hmsg: {
        auto it = subs.find(std::string(op.sid));
        if (it == subs.end()) return;  // unsubscribed meanwhile
        const bool own = it->second.own;
        if (it->second.max && ++it->second.received >= *it->second.max) subs.erase(it);
        nats_message m{std::string(op.subject), std::string(op.sid), std::string(op.reply),
                       std::string(op.headers), std::string(op.payload)};
        queued_bytes += m.payload.size() + m.headers.size() + m.subject.size();
        if (own)
          own_queues[m.sid].push_back(std::move(m));
        else
          queue.push_back(std::move(m));
        return;
      }
      case nats::op_kind::ping:
        out += nats::write_pong();
        kick(self);
        return;
      case nats::op_kind::pong:
        ++pongs_got;
        return;
      case nats::op_kind::err:
        if (fatal_error(op.text)) {
          dead_code = code_for_error(op.text);
          dead_why = fmt::format("{}: server error: {}", o.url.text, op.text);
        } else {
          io.warn("mq: {}: server error: {}", o.url.text, op.text);
        }
        return;
      default:
        return;  // INFO updates, +OK
    }
  }

  static task<void> ping_loop(std::shared_ptr<state> s) {
    while (!s->dead && !s->closing) {
      bool slept = co_await s->ctx.sleep(s->o.ping_interval);
      if (!slept) break;
      if (s->dead || s->closing || !s->up) continue;
      if (s->pings_sent - s->pongs_got >= 2) {
        s->io.verbose(1, "mq: {}: no PONG to two PINGs: the connection is stale", s->o.url.text);
        s->conn.close();  // the reader sees it end, and reconnects if it may
        continue;
      }
      s->out += nats::write_ping();
      ++s->pings_sent;
      s->kick(s);
    }
  }

  static task<void> read_loop(std::shared_ptr<state> s) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      std::string why;
      for (;;) {
        while (s->queued_bytes > s->o.max_queued_bytes && !s->closing) {
          bool woken = co_await s->changed.wait();
          if (!woken) break;
        }
        auto rd = co_await s->conn.read_some(buf);
        if (rd.ec) {
          why = net::is_eof(rd.ec) ? "closed by the server" : vitnet::describe(rd.ec);
          break;
        }
        s->parser.feed({buf.data(), rd.n});
        while (auto op = s->parser.next_view()) s->on_op(s, *op);
        s->changed.notify();
        if (s->parser.failure() != nats::fault::none) {
          s->dead_code = exit_code::protocol;
          s->dead_why = fmt::format("{}: the server sent what is not NATS ({})", s->o.url.text,
                                    nats::error_text(s->parser.failure()));
          why = "protocol error";
          break;
        }
      }
      s->up = false;
      s->conn.close();
      if (s->closing || !s->dead_why.empty()) break;
      if (s->o.reconnects == 0) {
        s->dead_why = fmt::format("{}: connection lost ({})", s->o.url.text, why);
        break;
      }
      s->io.warn("mq: connection to {} lost ({}); reconnecting", s->o.url.text, why);
      const backoff b{s->o.reconnects, s->o.reconnect_wait, s->o.reconnect_wait_max};
      std::function<task<void>()> again = [s] { return s->open(s->resubscribe()); };
      const bool back = co_await reconnect(s->ctx, s->io, s->o.url.text, b, s->closing, again);
      if (!back) {
        if (s->dead_why.empty())
          s->dead_why =
              fmt::format("{}: connection lost ({}) and not regained", s->o.url.text, why);
        break;
      }
      s->io.warn("mq: reconnected to {}; subscriptions made again", s->o.url.text);
      s->resume();
      s->up = true;
      s->kick(s);
      s->changed.notify();
    }
    s->dead = true;
    if (s->dead_why.empty())
      s->dead_why = fmt::format("{}: the connection is closed", s->o.url.text);
    s->changed.notify();
  }
};

nats_client::nats_client(net::context& ctx, nats_client_options o, core::io& io)
    : s_(std::make_shared<state>(ctx, std::move(o), io)) {}

nats_client::~nats_client() {
  s_->closing = true;
  s_->conn.close();
}

task<void> nats_client::connect() {
  co_await s_->open();
  s_->up = true;
  s_->ctx.start(state::read_loop(s_));
  s_->ctx.start(state::ping_loop(s_));
}

const std::string& nats_client::server_info() const {
  return s_->info;
}

std::size_t nats_client::max_payload() const {
  return s_->max_payload;
}

void nats_client::publish(std::string_view subject, std::string_view reply,
                          std::string_view headers, std::string_view payload) {
  auto& s = *s_;
  if (s.dead) s.throw_dead();
  if (headers.size() + payload.size() > s.max_payload)
    throw vitnet::error(exit_code::data,
                        fmt::format("a message of {} bytes is over the server's max_payload ({})",
                                    headers.size() + payload.size(), s.max_payload));
  if (!s.up && s.out.size() > s.o.reconnect_buffer)
    throw vitnet::error(exit_code::unavailable,
                        fmt::format("{}: disconnected, and {} bytes already wait to be sent",
                                    s.o.url.text, s.out.size()));
  if (headers.empty())
    s.out += nats::write_pub(subject, reply, payload);
  else
    s.out += nats::write_hpub(subject, reply, headers, payload);
  if (s.out.size() >= write_batch) s.kick(s_);
}

task<void> nats_client::pace() {
  auto s = s_;
  while (!s->dead && s->out.size() > publish_window) {
    s->kick(s);
    bool woken = co_await s->changed.wait();
    if (!woken) break;
  }
  if (s->dead) s->throw_dead();
}

std::string nats_client::subscribe(std::string_view subject, std::string_view queue, bool own) {
  auto& s = *s_;
  if (s.dead) s.throw_dead();
  std::string sid = std::to_string(++s.next_sid);
  s.subs[sid] = sub_record{std::string(subject), std::string(queue), {}, 0, own};
  s.out += nats::write_sub(subject, queue, sid);
  s.kick(s_);
  return sid;
}

void nats_client::unsubscribe(const std::string& sid, std::optional<std::uint64_t> max) {
  auto& s = *s_;
  auto it = s.subs.find(sid);
  if (it == s.subs.end()) return;
  if (max && *max > it->second.received) {
    it->second.max = *max;
  } else {
    s.subs.erase(it);
    s.own_queues.erase(sid);
  }
  s.out += nats::write_unsub(sid, max);
  s.kick(s_);
}

task<void> nats_client::flush(net::duration timeout) {
  auto s = s_;
  if (s->dead) s->throw_dead();
  s->out += nats::write_ping();
  const auto target = ++s->pings_sent;
  s->kick(s);
  const auto deadline = s->ctx.now() + timeout;
  while (s->pongs_got < target) {
    if (s->dead) s->throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && s->pongs_got < target)
      throw vitnet::error(exit_code::timeout,
                          fmt::format("{}: the server did not answer within {}", s->o.url.text,
                                      core::format_duration(timeout)));
  }
}

task<std::optional<nats_message>> nats_client::next(net::duration timeout) {
  auto s = s_;
  const auto deadline = s->ctx.now() + timeout;
  while (s->queue.empty()) {
    if (s->dead) s->throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && s->queue.empty()) co_return std::nullopt;
  }
  nats_message m = std::move(s->queue.front());
  s->queue.pop_front();
  const bool was_full = s->queued_bytes > s->o.max_queued_bytes;
  s->queued_bytes -= m.payload.size() + m.headers.size() + m.subject.size();
  if (was_full) s->changed.notify();
  co_return m;
}

task<std::optional<nats_message>> nats_client::next_for(const std::string& sid,
                                                        net::duration timeout) {
  auto s = s_;
  const auto deadline = s->ctx.now() + timeout;
  for (;;) {
    auto it = s->own_queues.find(sid);
    if (it != s->own_queues.end() && !it->second.empty()) {
      nats_message m = std::move(it->second.front());
      it->second.pop_front();
      const bool was_full = s->queued_bytes > s->o.max_queued_bytes;
      s->queued_bytes -= m.payload.size() + m.headers.size() + m.subject.size();
      if (was_full) s->changed.notify();
      co_return m;
    }
    if (s->dead) s->throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time) {
      auto again = s->own_queues.find(sid);
      if (again == s->own_queues.end() || again->second.empty()) co_return std::nullopt;
    }
  }
}

task<nats_message> nats_client::request(std::string_view subject, std::string_view headers,
                                        std::string_view payload, net::duration timeout) {
  const std::string inbox = new_inbox();
  const std::string sid = subscribe(inbox, "", true);
  unsubscribe(sid, 1);
  publish(subject, inbox, headers, payload);
  kick_now();
  auto m = co_await next_for(sid, timeout);
  s_->subs.erase(sid);
  s_->own_queues.erase(sid);
  if (!m)
    throw vitnet::error(exit_code::timeout, fmt::format("no reply on {} within {}", subject,
                                                        core::format_duration(timeout)));
  if (m->payload.empty() && m->headers.starts_with("NATS/1.0 503"))
    throw vitnet::error(exit_code::unavailable,
                        fmt::format("no responders: nothing subscribes to {}", subject));
  co_return std::move(*m);
}

void nats_client::kick_now() {
  s_->kick(s_);
}

std::string nats_client::new_inbox() {
  std::uint8_t r[11];
  s_->ctx.random(r);
  std::string id = "_INBOX.";
  for (auto b : r) id += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[b % 62];
  return id;
}

task<void> nats_client::close(net::duration timeout) {
  auto s = s_;
  if (s->up && !s->dead) {
    auto failed = co_await net::failure_of(flush(timeout));
    if (failed) s->io.verbose(1, "mq: closing: {}", *failed);
  }
  s->closing = true;
  s->conn.close();
}

}  // namespace commands::mq

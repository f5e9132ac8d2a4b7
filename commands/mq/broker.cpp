#include "commands/mq/broker.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "commands/mq/broker_state.hpp"
#include "commands/serve/message_service.hpp"
#include "commands/serve/serve.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "net/deadline.hpp"
#include "proto/nats/protocol.hpp"

namespace commands::mq {

namespace nats = proto::nats;
using net::task;

namespace {

constexpr std::size_t max_write = 256 * 1024;

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

// MSG or HMSG for one subscription, appended to its client's output.
void append_message(std::string& out, std::string_view subject, std::string_view sid,
                    std::string_view reply, std::string_view headers, std::string_view payload) {
  out.append(headers.empty() ? "MSG " : "HMSG ");
  out.append(subject).append(" ").append(sid).append(" ");
  if (!reply.empty()) out.append(reply).append(" ");
  if (!headers.empty()) {
    append_number(out, headers.size());
    out += ' ';
  }
  append_number(out, headers.size() + payload.size());
  out.append("\r\n").append(headers).append(payload).append("\r\n");
}

// Shared: connections and the pinger hold it, so that it outlives every coroutine of its own
// (on the mock network a process's coroutines finish after run_broker's frame is gone).
class broker final : public message_service, public std::enable_shared_from_this<broker> {
 public:
  broker(net::context& ctx, const broker_options& o, core::io& io)
      : ctx_(ctx), o_(o), io_(io), started_(ctx.now()), started_calendar_(ctx.calendar_now()) {
    std::uint8_t id[12];
    ctx_.random(id);
    for (auto b : id) server_id_ += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32];
    std::uint8_t seed[8];
    ctx_.random(seed);
    for (auto b : seed) rng_ = (rng_ << 8) | b;
    if (rng_ == 0) rng_ = 1;
    if (o_.tls) tls_ = std::make_unique<net::tls_server>(o_.tls_opts);
  }

  broker_view view() {
    return {o_, server_id_, started_, started_calendar_, port_, clients_, subs_, stats_};
  }
  void set_port(std::uint16_t p) { port_ = p; }
  const net::tls_server* tls() const { return tls_.get(); }

  task<std::string> serve_stream(net::stream& conn, conn_stats& st, net::watchdog* idle) override {
    auto self = shared_from_this();
    if (shutting_down_) co_return "server_shutdown";  // no one new while saying goodbye
    broker_client c;
    c.cid = ++next_cid_;
    c.conn = &conn;
    c.start = c.last_activity = ctx_.now();
    if (auto a = conn.peer_address()) {
      c.ip = a->ip.to_string();
      c.port = a->port;
    }
    c.wake = std::make_unique<net::event>(ctx_);
    ++stats_.total_connections;
    // INFO goes first, in the clear even when TLS is required: the client upgrades after it.
    auto hello = nats::write_info(info_json(c));
    auto w = co_await conn.write_all(hello);
    if (w.ec) co_return "error: " + vitnet::describe(w.ec);
    st.bytes_out += hello.size();
    if (tls_) {
      auto failed = co_await net::failure_of([&]() -> task<void> {
        conn = co_await net::tls_accept(ctx_, std::move(conn), *tls_, std::chrono::seconds(10));
      }());
      if (failed) co_return "error: " + *failed;
    }
    clients_[c.cid] = &c;
    std::unique_ptr<net::watchdog> auth;
    if (auth_required())
      auth = std::make_unique<net::watchdog>(ctx_, o_.auth_timeout, [this, &c] {
        if (c.connected) return;
        fail(c, "Authentication Timeout");
        flush();
      });
    co_await net::both(ctx_, reader(c, st, idle), writer(c, st));
    if (auth) auth->disarm();
    for (auto& [sid, s] : c.subs) subs_.remove(s.get());
    clients_.erase(c.cid);
    co_return c.reason.empty() ? "eof" : c.reason;
  }

  task<std::optional<std::string>> answer_http(std::string, const conn_stats&) override {
    co_return std::nullopt;
  }
  task<void> serve_ws(ws_session&, std::string, conn_stats&) override { co_return; }

  // The pinger: every ping_interval each client gets a PING; one that has not answered
  // max_pings_out of them is stale.
  task<void> ping_loop() {
    auto self = shared_from_this();
    for (;;) {
      bool slept = co_await ctx_.sleep(o_.ping_interval);
      if (!slept) co_return;
      for (auto& [cid, c] : clients_) {
        if (c->closing) continue;
        if (c->pings_out >= o_.max_pings_out) {
          fail(*c, "Stale Connection");
          continue;
        }
        ++c->pings_out;
        c->out += nats::write_ping();
        touch(*c);
      }
      flush();
    }
  }

  // Ends every connection after what is queued for it (graceful shutdown).
  void close_all() {
    shutting_down_ = true;
    for (auto& [cid, c] : clients_) {
      c->closing = true;
      if (c->reason.empty()) c->reason = "server_shutdown";
      c->wake->notify();
    }
  }

 private:
  bool auth_required() const { return !o_.token.empty() || !o_.user.empty(); }

  std::string info_json(const broker_client& c) const {
    nlohmann::ordered_json j{{"server_id", server_id_},
                             {"server_name", o_.server_name},
                             {"version", protocol_version},
                             {"proto", 1},
                             {"host", o_.where.host.empty() ? "0.0.0.0" : o_.where.host},
                             {"port", port_},
                             {"headers", true},
                             {"max_payload", o_.max_payload},
                             {"client_id", c.cid}};
    if (!c.ip.empty()) j["client_ip"] = c.ip;
    if (auth_required()) j["auth_required"] = true;
    if (o_.tls) {
      j["tls_required"] = true;
      if (!o_.tls_opts.client_ca_file.empty()) j["tls_verify"] = true;
    }
    return j.dump();
  }

  task<void> reader(broker_client& c, conn_stats& st, net::watchdog* idle) {
    nats::parser p({.max_control_line = o_.max_control_line, .max_payload = o_.max_payload});
    std::vector<char> buf(64 * 1024);
    while (!c.closing) {
      auto rd = co_await c.conn->read_some(buf);
      if (rd.ec) {
        if (c.reason.empty())
          c.reason = net::is_eof(rd.ec) || net::is_cancelled(rd.ec)
                         ? "eof"
                         : "error: " + vitnet::describe(rd.ec);
        break;
      }
      st.bytes_in += rd.n;
      if (idle) idle->touch();
      c.last_activity = ctx_.now();
      p.feed({buf.data(), rd.n});
      while (!c.closing) {
        auto op = p.next_view();
        if (!op) break;
        handle(c, *op);
      }
      if (p.failure() == nats::fault::parser_error) {
        // As nats-server: a malformed operation closes the connection without a -ERR.
        io_.verbose(1, "mq broker: {}:{} (cid {}) sent a malformed operation", c.ip, c.port, c.cid);
        close_now(c, "error: Parser Error");
      } else if (p.failure() != nats::fault::none) {
        fail(c, nats::error_text(p.failure()));
      }
      flush();
      co_await stall();
    }
    c.closing = true;
    c.wake->notify();
  }

  // Back-pressure as nats-server applies it: when a subscriber has more than three quarters of
  // --max-pending waiting, the publisher that filled it is not read for a while (until half has
  // gone, or 100 ms), so a consumer that reads, if slower, keeps up; one that does not read
  // still passes the limit and is dropped.
  task<void> stall() {
    while (!stalled_.empty()) {
      const std::uint64_t cid = stalled_.back();
      stalled_.pop_back();
      const auto until = ctx_.now() + std::chrono::milliseconds(100);
      for (;;) {
        auto it = clients_.find(cid);
        if (it == clients_.end() || it->second->closing ||
            it->second->out.size() <= o_.max_pending / 2 || ctx_.now() >= until)
          break;
        bool woken = co_await drained_.wait_until(until);
        if (!woken) break;
      }
    }
  }

  task<void> writer(broker_client& c, conn_stats& st) {
    std::string chunk;
    for (;;) {
      while (c.out.empty() && !c.closing) {
        bool woken = co_await c.wake->wait();
        if (!woken) break;
      }
      if (c.out.empty()) break;
      // At most 256 KiB a write, so that a publisher held back for this client (stall())
      // hears of progress between writes.
      chunk.clear();
      if (c.out.size() <= max_write) {
        chunk.swap(c.out);
      } else {
        chunk.assign(c.out, 0, max_write);
        c.out.erase(0, max_write);
      }
      c.writing = true;
      bool late = false;
      net::watchdog deadline(ctx_, o_.write_deadline, [&] {
        late = true;
        c.conn->close();
      });
      auto w = co_await c.conn->write_all(chunk);
      deadline.disarm();
      c.writing = false;
      st.bytes_out += w.n;
      if (late) {
        ++stats_.slow_consumers;
        io_.warn("mq broker: slow consumer {}:{} (cid {}): a write took over {}", c.ip, c.port,
                 c.cid, core::format_duration(o_.write_deadline));
        c.reason = "slow_consumer: write deadline";
        break;
      }
      if (w.ec) {
        if (c.reason.empty()) c.reason = "error: " + vitnet::describe(w.ec);
        break;
      }
      drained_.notify();
    }
    c.closing = true;
    c.out.clear();
    c.conn->close();  // ends the reader's wait too
  }

  // A fatal error: -ERR goes out after what is queued, then the connection closes.
  void fail(broker_client& c, std::string_view text) {
    if (c.closing) return;
    c.out += nats::write_err(text);
    c.closing = true;
    c.reason = "error: " + std::string(text);
    touch(c);
  }

  // A protocol violation nats-server answers by closing, without a word.
  void close_now(broker_client& c, std::string reason) {
    if (c.closing) return;
    c.closing = true;
    c.reason = std::move(reason);
    c.wake->notify();
  }

  void err(broker_client& c, std::string_view text) {
    c.out += nats::write_err(text);
    touch(c);
  }

  void ok(broker_client& c) {
    if (!c.verbose) return;
    c.out += nats::write_ok();
    touch(c);
  }

  void touch(broker_client& c) {
    if (c.touched) return;
    c.touched = true;
    touched_.push_back(&c);
  }

  // Writes what each touched client has waiting: straight into its socket when the writer is
  // idle and the socket takes it (no coroutine wakes on the fast path), else by its writer.
  void flush() {
    for (auto* c : touched_) {
      c->touched = false;
      if (c->out.empty()) continue;
      if (!c->writing && !c->closing) {
        auto w = c->conn->try_write_some(c->out);
        if (!w.ec && w.n == c->out.size()) {
          c->out.clear();
          continue;
        }
        c->out.erase(0, w.n);
      }
      c->wake->notify();
    }
    touched_.clear();
  }

  void handle(broker_client& c, const nats::operation_view& op) {
    if (!c.connected && auth_required() && op.kind != nats::op_kind::connect) {
      fail(c, "Authorization Violation");
      return;
    }
    switch (op.kind) {
      case nats::op_kind::connect:
        return on_connect(c, op.text);
      case nats::op_kind::pub:
        return on_pub(c, op);
      case nats::op_kind::hpub:
        // Headers only from a client that said it speaks them (nats-server closes otherwise).
        if (!c.headers) return close_now(c, "error: HPUB without headers support");
        return on_pub(c, op);
      case nats::op_kind::sub:
        return on_sub(c, op);
      case nats::op_kind::unsub:
        return on_unsub(c, op);
      case nats::op_kind::ping:
        c.out += nats::write_pong();
        touch(c);
        return;
      case nats::op_kind::pong:
        c.pings_out = 0;
        return;
      case nats::op_kind::ok:
      case nats::op_kind::err:
        return;  // a client has nothing to tell the server this way; ignored as nats-server does
      default:
        return fail(c, nats::error_text(nats::fault::unknown_operation));
    }
  }

  void on_connect(broker_client& c, std::string_view text) {
    auto j = core::parse_peer_json(text, 8);
    if (!j || !j->is_object()) return fail(c, "Parser Error");
    auto flag = [&](const char* k, bool def) {
      auto it = j->find(k);
      return it != j->end() && it->is_boolean() ? it->get<bool>() : def;
    };
    auto str = [&](const char* k) {
      auto it = j->find(k);
      return it != j->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (auth_required()) {
      bool good = !o_.token.empty() ? core::same_secret(str("auth_token"), o_.token)
                                    : core::same_secret(str("user"), o_.user) &&
                                          core::same_secret(str("pass"), o_.password);
      if (!good) {
        io_.verbose(1, "mq broker: authorization violation from {}:{}", c.ip, c.port);
        return fail(c, "Authorization Violation");
      }
    }
    c.verbose = flag("verbose", false);
    c.pedantic = flag("pedantic", false);
    c.echo = flag("echo", true);
    c.headers = flag("headers", false);
    c.no_responders = flag("no_responders", false);
    if (c.no_responders && !c.headers) return fail(c, "no responders requires headers support");
    c.name = core::truncate_utf8(str("name"), 256);
    c.lang = core::truncate_utf8(str("lang"), 64);
    c.version = core::truncate_utf8(str("version"), 64);
    c.connected = true;
    ok(c);
  }

  void on_sub(broker_client& c, const nats::operation_view& op) {
    if (!nats::valid_subject(op.subject, true) ||
        (!op.queue.empty() && !nats::valid_subject(op.queue, false)))
      return err(c, nats::error_text(nats::fault::invalid_subject));
    if (c.subs.count(std::string(op.sid))) return ok(c);  // the same sid again: kept as it was
    if (o_.max_subs && c.subs.size() >= o_.max_subs)
      return err(c, "Maximum Subscriptions Exceeded");
    auto s = std::make_unique<subscription>();
    s->owner = &c;
    s->subject.assign(op.subject);
    s->queue.assign(op.queue);
    s->sid.assign(op.sid);
    subs_.insert(s.get());
    c.subs.emplace(s->sid, std::move(s));
    ok(c);
  }

  void on_unsub(broker_client& c, const nats::operation_view& op) {
    auto it = c.subs.find(std::string(op.sid));
    if (it != c.subs.end()) {
      auto& s = *it->second;
      if (op.max_msgs && *op.max_msgs > s.delivered) {
        s.max = *op.max_msgs;
      } else {
        subs_.remove(&s);
        c.subs.erase(it);
      }
    }
    ok(c);
  }

  void on_pub(broker_client& c, const nats::operation_view& op) {
    if (c.pedantic && !nats::valid_subject(op.subject, false))
      return err(c, "Invalid Publish Subject");
    ++c.in_msgs;
    c.in_bytes += op.headers.size() + op.payload.size();
    ++stats_.in_msgs;
    stats_.in_bytes += op.headers.size() + op.payload.size();
    ok(c);
    const auto& m = subs_.match(op.subject);
    std::size_t reached = 0;
    for (auto* s : m.plain)
      if (eligible(c, *s)) {
        deliver(*s, op);
        ++reached;
      }
    for (const auto& g : m.groups) {
      // One member of the group, chosen at random among those that may take it.
      const std::size_t n = g.size(), first = next_random() % n;
      for (std::size_t i = 0; i < n; ++i) {
        auto* s = g[(first + i) % n];
        if (!eligible(c, *s)) continue;
        deliver(*s, op);
        ++reached;
        break;
      }
    }
    if (reached == 0 && !op.reply.empty() && c.no_responders) no_responders(c, op.reply);
    // Subscriptions that reached their UNSUB max go now that the match is no longer in use.
    for (auto* s : finished_) {
      subs_.remove(s);
      s->owner->subs.erase(s->sid);  // destroys s
    }
    finished_.clear();
  }

  bool eligible(const broker_client& from, const subscription& s) const {
    if (s.owner->closing) return false;
    if (s.owner == &from && !from.echo) return false;
    return !(s.max && s.delivered >= s.max);
  }

  void deliver(subscription& s, const nats::operation_view& op) {
    auto& to = *s.owner;
    // A client that did not ask for headers gets the payload alone.
    const std::string_view headers = to.headers ? op.headers : std::string_view();
    append_message(to.out, op.subject, s.sid, op.reply, headers, op.payload);
    ++to.out_msgs;
    to.out_bytes += headers.size() + op.payload.size();
    ++stats_.out_msgs;
    stats_.out_bytes += headers.size() + op.payload.size();
    if (++s.delivered == s.max) finished_.push_back(&s);
    touch(to);
    if (to.out.size() > o_.max_pending)
      slow_consumer(to);
    else if (to.out.size() > o_.max_pending / 4 * 3 &&
             std::find(stalled_.begin(), stalled_.end(), to.cid) == stalled_.end())
      stalled_.push_back(to.cid);
  }

  // A request nobody subscribes to: the requester's own subscription to its reply subject gets
  // a 503 status with no payload.
  void no_responders(broker_client& c, std::string_view reply) {
    for (auto& [sid, s] : c.subs) {
      if (!nats::subject_matches(s->subject, reply)) continue;
      append_message(c.out, reply, sid, "", "NATS/1.0 503\r\n\r\n", "");
      touch(c);
      return;
    }
  }

  void slow_consumer(broker_client& c) {
    ++stats_.slow_consumers;
    io_.warn("mq broker: slow consumer {}:{} (cid {}): over {} bytes pending", c.ip, c.port, c.cid,
             o_.max_pending);
    // What it has not been sent is dropped (at most once); it is told why, then closed.
    c.out.clear();
    fail(c, "Slow Consumer");
    c.reason = "slow_consumer: pending bytes";
  }

  std::uint64_t next_random() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  }

  net::context& ctx_;
  const broker_options& o_;
  core::io& io_;
  net::clock::time_point started_;
  std::chrono::system_clock::time_point started_calendar_;
  std::string server_id_;
  std::uint16_t port_ = 0;
  std::unique_ptr<net::tls_server> tls_;
  std::uint64_t rng_ = 0;
  std::uint64_t next_cid_ = 0;
  std::unordered_map<std::uint64_t, broker_client*> clients_;
  sublist subs_;
  broker_stats stats_;
  std::vector<broker_client*> touched_;
  std::vector<subscription*> finished_;
  std::vector<std::uint64_t> stalled_;  ///< clients over 3/4 of max_pending, by cid
  net::event drained_{ctx_};            ///< a writer wrote something
  bool shutting_down_ = false;
};

}  // namespace

task<int> run_broker(net::context& ctx, const broker_options& o, core::io& io) {
  auto b = std::make_shared<broker>(ctx, o, io);
  serve_options so;
  so.where = o.where;
  so.keep_open = true;
  so.max_conns = o.max_conns;
  so.ready_file = o.ready_file;
  so.service = b;
  so.scheme = "nats";
  so.on_listening = [b](const net::endpoint& local) { b->set_port(local.port); };
  if (!o.monitor.empty()) {
    auto where = net::parse_endpoint(o.monitor);
    auto l = co_await ctx.listen(where);
    auto shown = l.local_endpoint();
    if (shown.host.empty()) shown.host = "0.0.0.0";
    io.note("mq broker: monitoring on http://{}", shown.display());
    ctx.start(run_monitor(
        ctx, std::move(l),
        [&ctx, b](std::string_view path, std::string_view query) {
          return monitor_answer(b->view(), ctx, path, query);
        },
        io));
  }
  ctx.start(b->ping_loop());
  auto id = ctx.on_shutdown([b] { b->close_all(); });
  int rc = co_await run_serve(ctx, so, io);
  ctx.forget_shutdown(id);
  co_return rc;
}

}  // namespace commands::mq

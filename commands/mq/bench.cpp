#include "commands/mq/bench.hpp"

#include <nlohmann/json.hpp>

#include "commands/mq/session.hpp"
#include "commands/rpc/bench.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "proto/nats/protocol.hpp"

namespace commands::mq {

namespace nats = proto::nats;
using core::exit_code;
using net::task;
using json = nlohmann::ordered_json;

namespace {

// One raw NATS connection: the handshake, then bytes. The bench reads and writes the protocol
// itself, so that what it measures is the broker and not a client's queues.
struct raw_conn {
  net::stream s;
  nats::parser p;
  std::vector<char> buf = std::vector<char>(256 * 1024);

  // The next operation, reading as needed; nullopt when the connection ends.
  task<std::optional<nats::operation_view>> next() {
    for (;;) {
      if (auto op = p.next_view()) co_return op;
      if (p.failure() != nats::fault::none) co_return std::nullopt;
      auto rd = co_await s.read_some(buf);
      if (rd.ec) co_return std::nullopt;
      p.feed({buf.data(), rd.n});
    }
  }
  // Reads until a PONG, answering PINGs; false when the connection ends first.
  task<bool> until_pong() {
    for (;;) {
      auto op = co_await next();
      if (!op) co_return false;
      if (op->kind == nats::op_kind::pong) co_return true;
      if (op->kind == nats::op_kind::ping) co_await s.write_all(nats::write_pong());
      if (op->kind == nats::op_kind::err)
        vitnet::fail(exit_code::protocol, "mq bench: the server said: {}", op->text);
    }
  }
};

task<std::unique_ptr<raw_conn>> open(net::context& ctx, const bench_options& o) {
  auto c = std::make_unique<raw_conn>();
  c->s = co_await net::dial(ctx, o.url.where, {.timeout = o.connect_timeout});
  auto info = co_await c->next();
  if (!info || info->kind != nats::op_kind::info)
    vitnet::fail(exit_code::protocol, "mq bench: {} sent no INFO", o.url.text);
  if (info->text.find("\"tls_required\":true") != std::string_view::npos)
    vitnet::fail(exit_code::usage, "mq bench: {} requires TLS; the bench speaks plain NATS only",
                 o.url.text);
  json connect{{"verbose", false}, {"pedantic", false}, {"name", "vitnet-bench"},
               {"lang", "vitnet"}, {"version", "1"},    {"protocol", 1},
               {"echo", false},    {"headers", true},   {"no_responders", true}};
  if (!o.url.token.empty()) connect["auth_token"] = o.url.token;
  if (!o.url.user.empty()) connect["user"] = o.url.user, connect["pass"] = o.url.password;
  std::string hello = nats::write_connect(connect.dump()) + nats::write_ping();
  co_await c->s.write_all(hello);
  if (!(co_await c->until_pong()))
    vitnet::fail(exit_code::protocol, "mq bench: {} closed the connection after CONNECT",
                 o.url.text);
  co_return c;
}

struct sample {
  std::uint64_t msgs = 0;
  net::duration took{};
  double rate() const {
    auto s = std::chrono::duration<double>(took).count();
    return s > 0 ? double(msgs) / s : 0;
  }
};

task<void> publish(raw_conn& c, const bench_options& o, std::uint64_t n, sample& out,
                   net::context& ctx) {
  const std::string payload(o.size, 'x');
  const std::string one = nats::write_pub(o.subject, "", payload);
  // Whole messages, about 64 KiB at a time, as a buffered client writes them.
  const std::size_t per_chunk = std::max<std::size_t>(1, (64 * 1024) / one.size());
  std::string chunk;
  for (std::size_t i = 0; i < per_chunk; ++i) chunk += one;
  const auto start = ctx.now();
  std::uint64_t left = n;
  while (left > 0) {
    const std::size_t k = std::min<std::uint64_t>(left, per_chunk);
    auto w = co_await c.s.write_all(std::span<const char>(chunk.data(), k * one.size()));
    if (w.ec)
      vitnet::fail(exit_code::unavailable, "mq bench: publishing: {}", vitnet::describe(w.ec));
    left -= k;
  }
  co_await c.s.write_all(nats::write_ping());
  if (!(co_await c.until_pong()))
    vitnet::fail(exit_code::unavailable, "mq bench: the server closed a publisher's connection");
  out.msgs = n;
  out.took = ctx.now() - start;
}

task<void> receive(raw_conn& c, std::uint64_t n, sample& out, net::context& ctx,
                   net::clock::time_point t0) {
  std::uint64_t got = 0;
  while (got < n) {
    auto op = co_await c.next();
    if (!op)
      vitnet::fail(exit_code::unavailable,
                   "mq bench: a subscriber's connection ended after {} of {} messages", got, n);
    if (op->kind == nats::op_kind::msg || op->kind == nats::op_kind::hmsg)
      ++got;
    else if (op->kind == nats::op_kind::ping)
      co_await c.s.write_all(nats::write_pong());
  }
  out.msgs = got;
  out.took = ctx.now() - t0;
}

// Runs one client's part; counts it finished, and keeps the first failure.
task<void> tracked(task<void> t, int& finished, std::optional<std::string>& failure,
                   net::event& done) {
  auto f = co_await net::failure_of(std::move(t));
  if (f && !failure) failure = std::move(f);
  ++finished;
  done.notify();
}

json stats(std::string_view role, const std::vector<sample>& v, net::duration wall) {
  std::uint64_t msgs = 0;
  json each = json::array();
  double lo = 0, hi = 0;
  for (auto& s : v) {
    msgs += s.msgs;
    const double r = s.rate();
    each.push_back(json{{"msgs", s.msgs}, {"msgs_per_sec", std::llround(r)}});
    lo = lo == 0 ? r : std::min(lo, r);
    hi = std::max(hi, r);
  }
  const double secs = std::chrono::duration<double>(wall).count();
  return json{{"role", role},
              {"clients", v.size()},
              {"msgs", msgs},
              {"msgs_per_sec", secs > 0 ? std::llround(double(msgs) / secs) : 0},
              {"min", std::llround(lo)},
              {"max", std::llround(hi)},
              {"each", std::move(each)}};
}

std::string human(double r) {
  if (r >= 1e6) return fmt::format("{:.2f}M", r / 1e6);
  if (r >= 1e3) return fmt::format("{:.1f}K", r / 1e3);
  return fmt::format("{:.0f}", r);
}

// Rates per role and in total, as text or one JSON object.
void report(core::io& io, const bench_options& o, const std::vector<sample>& pub_samples,
            const std::vector<sample>& sub_samples, net::duration wall) {
  json pub = stats("pub", pub_samples, wall), sub = stats("sub", sub_samples, wall);
  const double secs = std::chrono::duration<double>(wall).count();
  const std::uint64_t total = pub["msgs"].get<std::uint64_t>() + sub["msgs"].get<std::uint64_t>();
  if (io.json()) {
    json j{{"url", o.url.text},
           {"pubs", o.pubs},
           {"subs", o.subs},
           {"msgs", o.msgs},
           {"size", o.size},
           {"seconds", secs},
           {"pub", pub},
           {"sub", sub},
           {"msgs_per_sec", secs > 0 ? std::llround(double(total) / secs) : 0}};
    io.out(j.dump() + "\n");
    return;
  }
  io.out(fmt::format("{} publisher{}, {} subscriber{}, {} messages of {} B, {}\n", o.pubs,
                     o.pubs == 1 ? "" : "s", o.subs, o.subs == 1 ? "" : "s", o.msgs, o.size,
                     o.url.text));
  auto line = [&](const char* role, const json& j) {
    if (j["clients"].get<std::size_t>() == 0) return;
    io.out(fmt::format("{:<6}{:>10} msgs/s  (per client: min {}, max {})\n", role,
                       human(j["msgs_per_sec"].get<double>()), human(j["min"].get<double>()),
                       human(j["max"].get<double>())));
  };
  line("pub", pub);
  line("sub", sub);
  io.out(fmt::format("{:<6}{:>10} msgs/s in {:.3f}s\n", "total",
                     human(secs > 0 ? double(total) / secs : 0), secs));
}

task<int> pubsub(net::context& ctx, const bench_options& o, core::io& io) {
  std::vector<std::unique_ptr<raw_conn>> subs, pubs;
  for (int i = 0; i < o.subs; ++i) {
    auto c = co_await open(ctx, o);
    const std::string s = nats::write_sub(o.subject, "", "1") + nats::write_ping();
    co_await c->s.write_all(s);
    bool ok = co_await c->until_pong();
    if (!ok) vitnet::fail(exit_code::protocol, "mq bench: {} refused a subscription", o.url.text);
    subs.push_back(std::move(c));
  }
  for (int i = 0; i < o.pubs; ++i) pubs.push_back(co_await open(ctx, o));
  std::vector<sample> pub_samples(o.pubs), sub_samples(o.subs);
  int finished = 0;
  std::optional<std::string> failure;
  net::event done(ctx);
  bool late = false;
  net::watchdog limit(ctx, o.timeout, [&] {
    late = true;
    for (auto& c : subs) c->s.close();
    for (auto& c : pubs) c->s.close();
  });
  const auto t0 = ctx.now();
  for (int i = 0; i < o.subs; ++i)
    ctx.start(tracked(receive(*subs[i], o.msgs, sub_samples[i], ctx, t0), finished, failure, done));
  for (int i = 0; i < o.pubs; ++i) {
    const std::uint64_t n = o.msgs / o.pubs + (std::uint64_t(i) < o.msgs % o.pubs ? 1 : 0);
    ctx.start(tracked(publish(*pubs[i], o, n, pub_samples[i], ctx), finished, failure, done));
  }
  while (finished < o.subs + o.pubs) {
    bool woken = co_await done.wait();
    if (!woken) break;
  }
  limit.disarm();
  const auto wall = ctx.now() - t0;
  if (late)
    vitnet::fail(exit_code::timeout, "mq bench: not done within {}",
                 core::format_duration(o.timeout));
  if (failure) throw vitnet::error(exit_code::unavailable, *failure);
  report(io, o, pub_samples, sub_samples, wall);
  co_return 0;
}

// Any system through its mq session (MQTT, Redis): the same method, for the record; slower than
// the raw NATS path, since each message goes through the client's queues.
task<void> session_publish(session& s, const bench_options& o, std::uint64_t n, sample& out,
                           net::context& ctx) {
  message m;
  m.subject = o.subject;
  m.data.assign(o.size, 'x');
  const auto start = ctx.now();
  for (std::uint64_t i = 0; i < n; ++i) co_await s.publish(m);
  co_await s.flush(o.timeout);
  out.msgs = n;
  out.took = ctx.now() - start;
}

task<void> session_receive(session& s, const bench_options& o, sample& out, net::context& ctx,
                           net::clock::time_point t0) {
  std::uint64_t got = 0;
  while (got < o.msgs) {
    auto m = co_await s.next(o.timeout);
    if (!m)
      vitnet::fail(exit_code::timeout, "mq bench: a subscriber got {} of {} messages", got, o.msgs);
    ++got;
  }
  out.msgs = got;
  out.took = ctx.now() - t0;
}

task<int> session_pubsub(net::context& ctx, const bench_options& o, core::io& io) {
  std::vector<std::unique_ptr<session>> subs, pubs;
  for (int i = 0; i < o.subs; ++i) {
    auto s = make_session(ctx, o.session, io);
    co_await s->connect();
    co_await s->subscribe(o.subject, "");
    co_await s->flush(o.timeout);
    subs.push_back(std::move(s));
  }
  for (int i = 0; i < o.pubs; ++i) {
    auto s = make_session(ctx, o.session, io);
    co_await s->connect();
    pubs.push_back(std::move(s));
  }
  std::vector<sample> pub_samples(o.pubs), sub_samples(o.subs);
  int finished = 0;
  std::optional<std::string> failure;
  net::event done(ctx);
  const auto t0 = ctx.now();
  for (int i = 0; i < o.subs; ++i)
    ctx.start(
        tracked(session_receive(*subs[i], o, sub_samples[i], ctx, t0), finished, failure, done));
  for (int i = 0; i < o.pubs; ++i) {
    const std::uint64_t n = o.msgs / o.pubs + (std::uint64_t(i) < o.msgs % o.pubs ? 1 : 0);
    ctx.start(
        tracked(session_publish(*pubs[i], o, n, pub_samples[i], ctx), finished, failure, done));
  }
  while (finished < o.subs + o.pubs) {
    bool woken = co_await done.wait();
    if (!woken) break;
  }
  const auto wall = ctx.now() - t0;
  if (failure) throw vitnet::error(exit_code::unavailable, *failure);
  report(io, o, pub_samples, sub_samples, wall);
  for (auto& s : subs) co_await s->close();
  for (auto& s : pubs) co_await s->close();
  co_return 0;
}

// The answering side of --req: every request comes back with its payload.
task<void> answer(raw_conn& c, const std::uint64_t n) {
  for (std::uint64_t i = 0; i < n;) {
    auto op = co_await c.next();
    if (!op) co_return;
    if (op->kind == nats::op_kind::ping) {
      co_await c.s.write_all(nats::write_pong());
    } else if (op->kind == nats::op_kind::msg && !op->reply.empty()) {
      const std::string back = nats::write_pub(op->reply, "", op->payload);
      co_await c.s.write_all(back);
      ++i;
    }
  }
}

task<int> request_reply(net::context& ctx, const bench_options& o, core::io& io) {
  auto replier = co_await open(ctx, o);
  const std::string s = nats::write_sub(o.subject, "", "1") + nats::write_ping();
  co_await replier->s.write_all(s);
  bool ok = co_await replier->until_pong();
  if (!ok) vitnet::fail(exit_code::protocol, "mq bench: {} refused a subscription", o.url.text);
  auto req = co_await open(ctx, o);
  const std::string inbox = "_INBOX.vitnet-bench";
  const std::string s2 = nats::write_sub(inbox, "", "1") + nats::write_ping();
  co_await req->s.write_all(s2);
  ok = co_await req->until_pong();
  if (!ok) vitnet::fail(exit_code::protocol, "mq bench: {} refused a subscription", o.url.text);
  ctx.start(answer(*replier, o.requests));
  bool late = false;
  net::watchdog limit(ctx, o.timeout, [&] {
    late = true;
    req->s.close();
    replier->s.close();
  });
  const std::string payload(o.size, 'x');
  const std::string one = nats::write_pub(o.subject, inbox, payload);
  commands::latency_histogram h;
  const auto t0 = ctx.now();
  for (std::uint64_t i = 0; i < o.requests; ++i) {
    const auto sent = ctx.now();
    auto w = co_await req->s.write_all(one);
    if (w.ec) break;
    bool answered = false;
    while (!answered) {
      auto op = co_await req->next();
      if (!op) break;
      if (op->kind == nats::op_kind::msg || op->kind == nats::op_kind::hmsg) answered = true;
      if (op->kind == nats::op_kind::ping) co_await req->s.write_all(nats::write_pong());
    }
    if (!answered) break;
    h.add(std::chrono::duration_cast<std::chrono::microseconds>(ctx.now() - sent).count());
  }
  limit.disarm();
  const double secs = std::chrono::duration<double>(ctx.now() - t0).count();
  replier->s.close();
  if (late)
    vitnet::fail(exit_code::timeout, "mq bench: not done within {}",
                 core::format_duration(o.timeout));
  if (h.count() < o.requests)
    vitnet::fail(exit_code::unavailable, "mq bench: the connection ended after {} of {} requests",
                 h.count(), o.requests);
  const double rate = secs > 0 ? double(h.count()) / secs : 0;
  if (io.json()) {
    json j{{"url", o.url.text},
           {"requests", h.count()},
           {"size", o.size},
           {"seconds", secs},
           {"requests_per_sec", std::llround(rate)},
           {"latency_us", json{{"avg", h.mean()},
                               {"p50", h.quantile(0.5)},
                               {"p99", h.quantile(0.99)},
                               {"max", h.max()}}}};
    io.out(j.dump() + "\n");
    co_return 0;
  }
  io.out(
      fmt::format("{} requests of {} B, one at a time, {}\n{:>10} req/s  latency avg {:.0f}us "
                  "p50 {:.0f}us p99 {:.0f}us max {}us\n",
                  h.count(), o.size, o.url.text, human(rate), h.mean(), h.quantile(0.5),
                  h.quantile(0.99), h.max()));
  co_return 0;
}

}  // namespace

task<int> run_bench(net::context& ctx, const bench_options& o, core::io& io) {
  if (o.url.system != system::nats || o.url.where.tls) {
    if (o.requests)
      vitnet::fail(exit_code::usage, "mq bench: --req measures plain NATS brokers (nats://) only");
    co_return co_await session_pubsub(ctx, o, io);
  }
  if (o.requests) co_return co_await request_reply(ctx, o, io);
  co_return co_await pubsub(ctx, o, io);
}

}  // namespace commands::mq

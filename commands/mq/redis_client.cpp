#include "commands/mq/redis_client.hpp"

#include "commands/mq/reconnect.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"

namespace commands::mq {

namespace resp = proto::resp;
using core::exit_code;
using net::task;

namespace {

constexpr std::size_t write_batch = 64 * 1024;   // bytes handed to one write
constexpr std::size_t publish_window = 1 << 20;  // unsent bytes that make pace() wait
constexpr std::uint64_t command_window = 4096;   // commands unanswered that make pace() wait
constexpr auto write_deadline = std::chrono::seconds(10);

std::string encode(const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  return resp::write_command(views);
}

bool is_bulk(const resp::value& v, std::string_view text) {
  return v.type == resp::kind::bulk_string && v.text == text;
}

// A RESP2 pub/sub message: ["message", channel, payload] or ["pmessage", pattern, channel,
// payload]. Anything else on a subscribed connection (confirmations, ["pong", ""]) is a reply.
std::optional<redis_message> as_message(resp::value& v) {
  if (v.type != resp::kind::array && v.type != resp::kind::push) return std::nullopt;
  auto& c = v.children;
  if (c.size() == 3 && is_bulk(c[0], "message") && c[1].type == resp::kind::bulk_string)
    return redis_message{std::move(c[1].text), {}, std::move(c[2].text)};
  if (c.size() == 4 && is_bulk(c[0], "pmessage") && c[2].type == resp::kind::bulk_string)
    return redis_message{std::move(c[2].text), std::move(c[1].text), std::move(c[3].text)};
  return std::nullopt;
}

}  // namespace

exit_code redis_error_code(std::string_view text) {
  for (std::string_view refusal : {"WRONGPASS", "NOAUTH", "NOPERM", "DENIED"})
    if (text.starts_with(refusal)) return exit_code::permission;
  return exit_code::protocol;
}

struct redis_client::state {
  struct slot {
    bool done = false;
    redis_reply reply;
  };
  struct command {
    std::string bytes;
    std::shared_ptr<slot> waiter;  // null: nobody waits for the reply
  };
  struct subscription {
    std::string channel;
    bool pattern = false;
  };

  state(net::context& c, redis_client_options opts, core::io& i)
      : ctx(c), o(std::move(opts)), io(i), changed(c) {}

  net::context& ctx;
  redis_client_options o;
  core::io& io;
  net::stream conn;
  resp::parser parser;
  bool up = false, closing = false, dead = false, writing = false;
  exit_code dead_code = exit_code::unavailable;
  std::string dead_why;
  std::deque<command> unsent;  // not yet handed to a write
  std::size_t unsent_bytes = 0;
  std::deque<std::shared_ptr<slot>> inflight;  // written, reply awaited, in order
  std::uint64_t issued = 0, settled = 0;       // commands queued; replied to or lost
  std::optional<std::string> first_error;
  std::vector<subscription> subs;
  std::deque<redis_message> queue;
  std::size_t queued_bytes = 0;
  std::uint64_t generation = 0;
  net::event changed;

  void queue_command(std::string bytes, std::shared_ptr<slot> waiter,
                     const std::shared_ptr<state>& self) {
    ++issued;
    unsent_bytes += bytes.size();
    unsent.push_back(command{std::move(bytes), std::move(waiter)});
    kick(self);
  }

  void kick(const std::shared_ptr<state>& self) {
    if (writing || !up || unsent.empty()) return;
    writing = true;
    ctx.start(write_loop(self));
  }

  static task<void> write_loop(std::shared_ptr<state> s) {
    std::string chunk;
    while (s->up && !s->unsent.empty()) {
      chunk.clear();
      // The commands of a chunk count as written from here: if the write fails, whether they
      // ran is unknown, and they are reported lost rather than sent twice.
      while (!s->unsent.empty() && chunk.size() < write_batch) {
        auto& c = s->unsent.front();
        chunk += c.bytes;
        s->unsent_bytes -= c.bytes.size();
        s->inflight.push_back(std::move(c.waiter));
        s->unsent.pop_front();
      }
      net::watchdog deadline(s->ctx, write_deadline, [s] { s->conn.close(); });
      auto w = co_await s->conn.write_all(chunk);
      deadline.disarm();
      if (w.ec) {
        s->conn.close();
        break;
      }
      s->changed.notify();
    }
    s->writing = false;
    s->changed.notify();
  }

  void settle_front(redis_reply r) {
    auto w = std::move(inflight.front());
    inflight.pop_front();
    ++settled;
    if (w) {
      w->done = true;
      w->reply = std::move(r);
    } else if (r.error() && !first_error) {
      first_error = r.value.text;
    }
  }

  void on_value(resp::value v) {
    if (!subs.empty()) {
      if (auto m = as_message(v)) {
        queued_bytes += m->channel.size() + m->pattern.size() + m->payload.size();
        queue.push_back(std::move(*m));
        return;
      }
    }
    if (inflight.empty()) {
      io.verbose(1, "mq: {}: a reply to no command, ignored: {}", o.url.text, resp::describe(v));
      return;
    }
    settle_front(redis_reply{redis_reply::outcome::ok, std::move(v)});
  }

  // Everything written and unanswered is lost with the connection; returns how many of those
  // had nobody waiting (messages that may or may not have been taken).
  std::size_t lose_inflight() {
    std::size_t unanswered = 0;
    while (!inflight.empty()) {
      if (!inflight.front()) ++unanswered;
      settle_front(redis_reply{redis_reply::outcome::lost, {}});
    }
    return unanswered;
  }

  // One connection: dial, TLS, then AUTH, SELECT, CLIENT SETNAME, the subscriptions to make
  // again, and PING, pipelined; every reply within connect_timeout.
  task<void> open(bool again) {
    const auto deadline = ctx.now() + o.connect_timeout;
    net::dial_options dopts{.timeout = o.connect_timeout};
    auto c = co_await net::dial(ctx, o.url.where, dopts);
    if (o.url.where.tls) {
      auto topts = net::for_endpoint(o.tls, o.url.where);
      c = co_await net::tls_connect(ctx, std::move(c), topts, deadline - ctx.now());
    }
    parser = resp::parser(resp::limits{.max_bulk = std::size_t{64} << 20});
    bool expired = false;
    net::watchdog wd(ctx, std::max(deadline - ctx.now(), net::duration(1)), [&] {
      expired = true;
      c.close();
    });
    enum class step { auth, select, setname, subscribe, ping };
    std::vector<step> steps;
    std::string hello;
    auto add = [&](step st, std::vector<std::string> args) {
      steps.push_back(st);
      hello += encode(args);
    };
    if (!o.password.empty()) {
      if (o.user.empty())
        add(step::auth, {"AUTH", o.password});
      else
        add(step::auth, {"AUTH", o.user, o.password});
    }
    if (o.database != 0) add(step::select, {"SELECT", std::to_string(o.database)});
    if (!o.name.empty()) {
      std::string name = o.name;
      for (auto& ch : name)
        if (ch == ' ' || ch == '\n' || ch == '\r') ch = '-';
      add(step::setname, {"CLIENT", "SETNAME", name});
    }
    if (again)
      for (auto& sub : subs)
        add(step::subscribe, {sub.pattern ? "PSUBSCRIBE" : "SUBSCRIBE", sub.channel});
    add(step::ping, {"PING"});
    auto lost = [&](std::string_view when) {
      if (expired)
        return vitnet::error(exit_code::timeout,
                             fmt::format("{}: no answer {} within {}", o.url.text, when,
                                         core::format_duration(o.connect_timeout)));
      return vitnet::error(
          exit_code::protocol,
          fmt::format("{}: the connection ended {} (is it a Redis server?)", o.url.text, when));
    };
    auto w = co_await c.write_all(hello);
    if (w.ec) throw lost("before the first reply");
    std::vector<char> buf(16 * 1024);
    for (auto st : steps) {
      std::optional<resp::value> v;
      while (!(v = parser.next())) {
        if (parser.failure() != resp::fault::none)
          throw vitnet::error(exit_code::protocol,
                              fmt::format("{}: the server sent what is not RESP ({}): is it a "
                                          "Redis server?",
                                          o.url.text, resp::error_text(parser.failure())));
        auto rd = co_await c.read_some(buf);
        if (rd.ec) throw lost("before the replies to AUTH, SELECT and PING");
        parser.feed({buf.data(), rd.n});
      }
      if (v->type != resp::kind::error && v->type != resp::kind::bulk_error) continue;
      const std::string& text = v->text;
      const auto code = redis_error_code(text);
      switch (st) {
        case step::auth:
          throw vitnet::error(code, fmt::format("{}: AUTH refused: {}", o.url.text, text));
        case step::select:
          throw vitnet::error(
              code, fmt::format("{}: SELECT {} refused: {}", o.url.text, o.database, text));
        case step::setname:
          if (code == exit_code::permission)
            throw vitnet::error(code, fmt::format("{}: refused: {}", o.url.text, text));
          io.verbose(1, "mq: {}: CLIENT SETNAME refused: {}", o.url.text, text);
          break;
        case step::subscribe:
          io.warn("mq: {}: subscribing again refused: {}", o.url.text, text);
          break;
        case step::ping:
          throw vitnet::error(code, fmt::format("{}: the server refused: {}", o.url.text, text));
      }
    }
    wd.disarm();
    conn = std::move(c);
    ++generation;
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
        while (auto v = s->parser.next()) s->on_value(std::move(*v));
        s->changed.notify();
        if (s->parser.failure() != resp::fault::none) {
          s->dead_code = exit_code::protocol;
          s->dead_why = fmt::format("{}: the server sent what is not RESP ({})", s->o.url.text,
                                    resp::error_text(s->parser.failure()));
          why = "protocol error";
          break;
        }
      }
      s->up = false;
      s->conn.close();
      const auto unanswered = s->lose_inflight();
      s->changed.notify();
      if (s->closing || !s->dead_why.empty()) break;
      if (s->o.reconnects == 0) {
        s->dead_why = fmt::format("{}: connection lost ({})", s->o.url.text, why);
        break;
      }
      s->io.warn("mq: connection to {} lost ({}); reconnecting", s->o.url.text, why);
      if (unanswered)
        s->io.warn("mq: {} command{} sent just before got no answer: they may not have run",
                   unanswered, unanswered == 1 ? "" : "s");
      const backoff b{s->o.reconnects, s->o.reconnect_wait, s->o.reconnect_wait_max};
      std::function<task<void>()> again = [s] { return s->open(true); };
      const bool back = co_await reconnect(s->ctx, s->io, s->o.url.text, b, s->closing, again);
      if (!back) {
        if (s->dead_why.empty())
          s->dead_why =
              fmt::format("{}: connection lost ({}) and not regained", s->o.url.text, why);
        break;
      }
      s->io.warn("mq: reconnected to {}{}", s->o.url.text,
                 s->subs.empty() ? "" : "; subscriptions made again");
      s->up = true;
      s->kick(s);
      s->changed.notify();
    }
    s->dead = true;
    if (s->dead_why.empty())
      s->dead_why = fmt::format("{}: the connection is closed", s->o.url.text);
    // Nothing more will be written: what waits is lost too.
    while (!s->unsent.empty()) {
      s->inflight.push_back(std::move(s->unsent.front().waiter));
      s->unsent.pop_front();
    }
    s->unsent_bytes = 0;
    s->lose_inflight();
    s->changed.notify();
  }
};

redis_client::redis_client(net::context& ctx, redis_client_options o, core::io& io)
    : s_(std::make_shared<state>(ctx, std::move(o), io)) {}

redis_client::~redis_client() {
  s_->closing = true;
  s_->conn.close();
}

task<void> redis_client::connect() {
  co_await s_->open(false);
  s_->up = true;
  s_->ctx.start(state::read_loop(s_));
}

void redis_client::send(std::vector<std::string> args) {
  if (s_->dead) throw_dead();
  s_->queue_command(encode(args), nullptr, s_);
}

task<redis_reply> redis_client::call(const std::vector<std::string>& args, net::duration timeout) {
  auto s = s_;
  if (s->dead) co_return redis_reply{redis_reply::outcome::lost, {}};
  auto w = std::make_shared<state::slot>();
  s->queue_command(encode(args), w, s);
  const auto deadline = s->ctx.now() + timeout;
  while (!w->done) {
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && !w->done) co_return redis_reply{redis_reply::outcome::timeout, {}};
  }
  co_return std::move(w->reply);
}

task<void> redis_client::pace() {
  auto s = s_;
  while (!s->dead &&
         (s->unsent_bytes > publish_window || s->issued - s->settled > command_window)) {
    s->kick(s);
    bool woken = co_await s->changed.wait();
    if (!woken) break;
  }
  if (s->dead) throw_dead();
}

task<void> redis_client::settle(net::duration timeout) {
  auto s = s_;
  const auto target = s->issued;
  const auto deadline = s->ctx.now() + timeout;
  while (s->settled < target) {
    if (s->dead) throw_dead();
    s->kick(s);
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && s->settled < target)
      throw vitnet::error(exit_code::timeout,
                          fmt::format("{}: the server did not answer within {}", s->o.url.text,
                                      core::format_duration(timeout)));
  }
}

const std::optional<std::string>& redis_client::first_error() const {
  return s_->first_error;
}

task<void> redis_client::subscribe(const std::string& channel, bool pattern,
                                   net::duration timeout) {
  auto s = s_;
  s->subs.push_back({channel, pattern});
  const std::vector<std::string> cmd{pattern ? "PSUBSCRIBE" : "SUBSCRIBE", channel};
  auto r = co_await call(cmd, timeout);
  if (r.status == redis_reply::outcome::timeout)
    throw vitnet::error(exit_code::timeout,
                        fmt::format("{}: {} {} got no answer within {}", s->o.url.text, cmd[0],
                                    channel, core::format_duration(timeout)));
  if (r.status == redis_reply::outcome::lost && s->dead) throw_dead();
  // (lost with reconnects to come: the reconnect subscribes again)
  if (r.error())
    throw vitnet::error(
        redis_error_code(r.value.text),
        fmt::format("{}: {} {} refused: {}", s->o.url.text, cmd[0], channel, r.value.text));
}

task<std::optional<redis_message>> redis_client::next_message(net::duration timeout) {
  auto s = s_;
  const auto deadline = s->ctx.now() + timeout;
  while (s->queue.empty()) {
    if (s->dead) throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && s->queue.empty()) co_return std::nullopt;
  }
  redis_message m = std::move(s->queue.front());
  s->queue.pop_front();
  const bool was_full = s->queued_bytes > s->o.max_queued_bytes;
  s->queued_bytes -= m.channel.size() + m.pattern.size() + m.payload.size();
  if (was_full) s->changed.notify();
  co_return m;
}

bool redis_client::up() const {
  return s_->up;
}

std::uint64_t redis_client::generation() const {
  return s_->generation;
}

task<bool> redis_client::wait_up(net::clock::time_point deadline) {
  auto s = s_;
  while (!s->up) {
    if (s->dead) throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && !s->up) co_return false;
  }
  co_return true;
}

void redis_client::throw_dead() const {
  throw vitnet::error(s_->dead_code, s_->dead_why);
}

bool redis_client::dead() const {
  return s_->dead;
}

task<void> redis_client::close(net::duration timeout) {
  auto s = s_;
  if (s->up && !s->dead) {
    auto failed = co_await net::failure_of(settle(timeout));
    if (failed) s->io.verbose(1, "mq: closing: {}", *failed);
  }
  s->closing = true;
  s->conn.close();
}

}  // namespace commands::mq

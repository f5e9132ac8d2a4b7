#include "commands/mq/mqtt_client.hpp"

#include <deque>
#include <map>
#include <set>
#include <vector>

#include "commands/mq/mqtt_reasons.hpp"
#include "commands/mq/reconnect.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "net/tls/tls.hpp"

namespace commands::mq {

namespace mqtt = proto::mqtt;
using core::exit_code;
using net::task;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t max_incoming = 16 << 20;      // the largest packet read (5.0: announced)
constexpr std::size_t write_batch = 32 * 1024;      // queued bytes that start a write on their own
constexpr std::size_t publish_window = 1 << 20;     // queued bytes that make publish() wait
constexpr std::size_t reconnect_buffer = 8 << 20;   // QoS 0 bytes kept while disconnected
constexpr std::size_t max_queued_bytes = 64 << 20;  // received, not yet taken by next()
// QoS 1/2 unacknowledged, at most: 5.0 within the broker's Receive Maximum; 3.1.1 has none to tell,
// and mosquitto closes a 3.1.1 client with more than its max_inflight_messages (20, libmosquitto's
// own window too) QoS 2 messages unfinished.
constexpr std::size_t own_inflight_max = 100, v311_inflight_max = 20;
constexpr std::uint16_t keep_alive_seconds = 60;
constexpr net::duration write_deadline = 10s;
constexpr net::duration ack_deadline = 30s;  // for room in the in-flight window
constexpr net::duration suback_deadline = 10s;
constexpr net::duration reconnect_wait = 250ms, reconnect_wait_max = 5s;

struct outgoing {
  mqtt::packet pub;       // the PUBLISH, kept to be sent again after a reconnect
  bool released = false;  // QoS 2: PUBREC came and PUBREL went; PUBCOMP awaited
};

}  // namespace

struct mqtt_client::state : std::enable_shared_from_this<state> {
  state(net::context& c, session_options opts, core::io& i)
      : ctx(c), o(std::move(opts)), io(i), parser(o.mqtt_version, max_incoming), changed(c) {}

  net::context& ctx;
  session_options o;
  core::io& io;
  net::stream conn;
  mqtt::parser parser;
  std::string client_id;
  bool up = false, closing = false, dead = false;
  bool paused = false;  // the reader waits for room in the queue
  exit_code dead_code = exit_code::unavailable;
  std::string dead_why, lost_why;
  std::optional<vitnet::error> refused;  // the first publication the broker refused (5.0)
  std::string out;
  bool writing = false;
  net::clock::time_point last_sent;
  std::vector<std::string> subs;                      // filters, in order
  std::map<std::uint16_t, std::string> pending_subs;  // SUBSCRIBE sent, SUBACK awaited
  std::map<std::uint16_t, outgoing> inflight;         // QoS 1/2 sent, not yet done
  std::set<std::uint16_t> qos2_in;                    // delivered, PUBREL awaited
  std::uint16_t last_id = 0;
  std::deque<mqtt::packet> queue;
  std::size_t queued_bytes = 0;
  std::uint64_t pings_sent = 0, pongs_got = 0;
  std::uint64_t generation = 0;  // connections made so far
  std::uint16_t keep_alive = keep_alive_seconds;
  std::size_t send_max = 268435460;  // the broker's Maximum Packet Size (5.0)
  std::size_t inflight_max = own_inflight_max;
  std::optional<std::uint8_t> max_qos;
  bool retain_available = true, session_present = false;
  std::shared_ptr<net::timer> ka_timer;
  net::event changed;

  int version() const { return o.mqtt_version == 5 ? 5 : 4; }
  std::string bytes(const mqtt::packet& p) const { return mqtt::write(p, version()); }
  [[noreturn]] void throw_dead() const { throw vitnet::error(dead_code, dead_why); }
  // A default-constructed net::stream (before the first connection) cannot be closed.
  void close_conn() {
    if (generation > 0) conn.close();
  }
  // Lost for good, or about to be (fail() was called; the reader has yet to notice).
  bool over() const { return dead || !dead_why.empty(); }

  // Ends the session for good: next(), flush() and publish() throw this from now on.
  void fail(exit_code code, std::string why) {
    if (dead_why.empty()) dead_code = code, dead_why = std::move(why);
    close_conn();
    changed.notify();
  }

  void kick() {
    if (writing || !up || out.empty()) return;
    writing = true;
    ctx.start(write_loop(shared_from_this()));
  }

  void send(const mqtt::packet& p) {
    out += bytes(p);
    kick();
  }

  void send_ack(mqtt::packet_type t, std::uint16_t id) {
    mqtt::packet a{.type = t};
    a.packet_id = id;
    send(a);
  }

  void send_ping() {
    ++pings_sent;
    if (up) send(mqtt::packet{.type = mqtt::packet_type::pingreq});
  }

  std::uint16_t new_id() {
    do {
      last_id = last_id == 65535 ? 1 : last_id + 1;
    } while (inflight.contains(last_id) || pending_subs.contains(last_id));
    return last_id;
  }

  void send_subscribe(const std::string& filter) {
    mqtt::packet p{.type = mqtt::packet_type::subscribe};
    p.packet_id = new_id();
    p.subscriptions.push_back({.filter = filter, .qos = static_cast<std::uint8_t>(o.qos)});
    pending_subs[p.packet_id] = filter;
    out += bytes(p);
  }

  static task<void> write_loop(std::shared_ptr<state> s) {
    const auto gen = s->generation;
    std::string chunk;
    while (s->up && s->generation == gen && !s->out.empty()) {
      chunk.clear();
      chunk.swap(s->out);
      net::watchdog deadline(s->ctx, write_deadline, [s] {
        s->lost_why = "a write took longer than " + core::format_duration(write_deadline);
        s->conn.close();
      });
      auto w = co_await s->conn.write_all(chunk);
      deadline.disarm();
      if (w.ec) {
        // What the chunk held goes with the connection: QoS 1/2 publications are sent again
        // from `inflight` after a reconnect, QoS 0 ones are lost (at most once).
        if (s->generation == gen) s->conn.close();
        break;
      }
      s->last_sent = s->ctx.now();
      s->changed.notify();
    }
    s->writing = false;
    s->changed.notify();
    if (s->up && !s->out.empty()) s->kick();
  }

  mqtt::packet connect_packet() const {
    mqtt::packet p{.type = mqtt::packet_type::connect};
    p.client_id = client_id;
    p.clean_start = o.clean;
    p.keep_alive = keep_alive_seconds;
    if (!o.url.user.empty()) p.username = o.url.user;
    if (!o.url.password.empty()) p.password = o.url.password;
    if (!o.will_topic.empty())
      p.will = mqtt::will_message{.topic = o.will_topic,
                                  .payload = o.will_message,
                                  .qos = static_cast<std::uint8_t>(o.will_qos),
                                  .retain = o.will_retain};
    if (version() == 5) {
      // A kept session (--keep-session) outlives the connection unless told how long.
      if (o.session_expiry)
        p.props.session_expiry_interval = *o.session_expiry;
      else if (!o.clean)
        p.props.session_expiry_interval = 0xFFFFFFFF;
      p.props.maximum_packet_size = static_cast<std::uint32_t>(max_incoming);
    }
    return p;
  }

  // One connection: dial, TLS, CONNECT; CONNACK within connect_timeout.
  task<void> open() {
    const auto deadline = ctx.now() + o.connect_timeout;
    auto c = co_await net::dial(ctx, o.url.where, {.timeout = o.connect_timeout});
    if (o.url.where.tls) {
      auto opts = net::for_endpoint(o.tls, o.url.where);
      c = co_await net::tls_connect(ctx, std::move(c), opts,
                                    std::max(deadline - ctx.now(), net::duration(1ms)));
    }
    parser = mqtt::parser(version(), max_incoming);
    bool expired = false;
    net::watchdog wd(ctx, std::max(deadline - ctx.now(), net::duration(1ms)), [&] {
      expired = true;
      c.close();
    });
    auto lost = [&](std::string_view when) {
      if (expired)
        return vitnet::error(exit_code::timeout,
                             fmt::format("{}: no CONNACK within {}", o.url.text,
                                         core::format_duration(o.connect_timeout)));
      return vitnet::error(
          exit_code::protocol,
          fmt::format("{}: the connection ended {} (is it an MQTT broker?)", o.url.text, when));
    };
    const std::string hello = bytes(connect_packet());
    auto w = co_await c.write_all(hello);
    if (w.ec) throw lost("while sending CONNECT");
    std::vector<char> buf(16 * 1024);
    std::optional<mqtt::packet> ack;
    while (!ack) {
      ack = parser.next();
      if (ack) break;
      if (parser.failure() != mqtt::fault::none)
        throw vitnet::error(
            exit_code::protocol,
            fmt::format("{}: the answer to CONNECT is not MQTT {} ({})", o.url.text,
                        version() == 5 ? "5" : "3.1.1", mqtt::error_text(parser.failure())));
      auto rd = co_await c.read_some(buf);
      if (rd.ec) throw lost("after CONNECT");
      parser.feed({buf.data(), rd.n});
    }
    wd.disarm();
    if (ack->type != mqtt::packet_type::connack)
      throw vitnet::error(exit_code::protocol,
                          fmt::format("{}: the broker answered CONNECT with packet type {}",
                                      o.url.text, static_cast<int>(ack->type)));
    if (ack->reason_code != 0) {
      const auto code = version() == 5 ? ack->reason_code : connack_as_v5(ack->reason_code);
      throw vitnet::error(code_for_refusal(code),
                          fmt::format("{}: the broker refused the connection: {}", o.url.text,
                                      describe_reason(code, ack->props)));
    }
    const auto& p = ack->props;
    if (p.assigned_client_identifier) client_id = *p.assigned_client_identifier;
    if (p.server_keep_alive) keep_alive = *p.server_keep_alive;
    if (p.maximum_packet_size) send_max = *p.maximum_packet_size;
    inflight_max = version() == 5
                       ? std::min<std::size_t>(own_inflight_max, p.receive_maximum.value_or(65535))
                       : v311_inflight_max;
    max_qos = p.maximum_qos;
    retain_available = p.retain_available.value_or(true);
    session_present = ack->session_present;
    conn = std::move(c);
    ++generation;
    last_sent = ctx.now();
  }

  // After a reconnect: subscriptions, unfinished QoS 1/2 exchanges and unanswered PINGREQs again,
  // ahead of what was published meanwhile.
  void resume() {
    std::string queued;
    queued.swap(out);
    pending_subs.clear();
    for (const auto& f : subs) send_subscribe(f);
    if (!session_present) qos2_in.clear();
    for (auto it = inflight.begin(); it != inflight.end();) {
      if (it->second.released) {
        // A new session knows no packet id; the broker has the message already.
        if (!session_present) {
          it = inflight.erase(it);
          continue;
        }
        mqtt::packet rel{.type = mqtt::packet_type::pubrel};
        rel.packet_id = it->first;
        out += bytes(rel);
      } else {
        auto again = it->second.pub;
        again.dup = session_present;
        out += bytes(again);
      }
      ++it;
    }
    for (auto n = pongs_got; n < pings_sent; ++n)
      out += bytes(mqtt::packet{.type = mqtt::packet_type::pingreq});
    out += queued;
  }

  void refuse(const mqtt::packet& pub, const mqtt::packet& ack) {
    if (refused) return;
    refused =
        vitnet::error(code_for_refusal(ack.reason_code),
                      fmt::format("{}: the broker refused the message to '{}': {}", o.url.text,
                                  pub.topic, describe_reason(ack.reason_code, ack.props)));
  }

  void on_packet(mqtt::packet& p) {
    using t = mqtt::packet_type;
    switch (p.type) {
      case t::publish: {
        if (p.qos == 1) send_ack(t::puback, p.packet_id);
        if (p.qos == 2) {
          send_ack(t::pubrec, p.packet_id);
          if (!qos2_in.insert(p.packet_id).second) return;  // delivered already
        }
        queued_bytes += p.topic.size() + p.payload.size();
        queue.push_back(std::move(p));
        return;
      }
      case t::puback:
      case t::pubcomp: {
        auto it = inflight.find(p.packet_id);
        if (it == inflight.end()) return;
        if (p.reason_code >= 0x80) refuse(it->second.pub, p);
        inflight.erase(it);
        return;
      }
      case t::pubrec: {
        auto it = inflight.find(p.packet_id);
        if (it == inflight.end()) return;
        if (p.reason_code >= 0x80) {  // 5.0: refused; no PUBREL follows
          refuse(it->second.pub, p);
          inflight.erase(it);
          return;
        }
        it->second.released = true;
        send_ack(t::pubrel, p.packet_id);
        return;
      }
      case t::pubrel:
        qos2_in.erase(p.packet_id);
        send_ack(t::pubcomp, p.packet_id);
        return;
      case t::suback: {
        auto it = pending_subs.find(p.packet_id);
        if (it == pending_subs.end()) return;
        const std::string filter = it->second;
        pending_subs.erase(it);
        const std::uint8_t code = p.reason_codes.empty() ? 0x80 : p.reason_codes.front();
        if (code >= 0x80)
          fail(exit_code::protocol,
               fmt::format("{}: the broker refused the subscription to '{}': {}", o.url.text,
                           filter, describe_reason(code, p.props)));
        else if (code < o.qos)
          io.verbose(1, "mq: {}: '{}' granted QoS {} (asked {})", o.url.text, filter, code, o.qos);
        return;
      }
      case t::pingresp:
        ++pongs_got;
        return;
      case t::disconnect:
        lost_why = "the broker disconnected: " + describe_reason(p.reason_code, p.props);
        return;
      default:
        return;  // UNSUBACK, AUTH: not asked for
    }
  }

  // PINGREQ once nothing was sent for the keep-alive interval; the PINGRESP within it (unless the
  // reader is paused for room in the queue), else the connection is taken as lost.
  static task<void> keepalive(std::shared_ptr<state> s) {
    if (s->keep_alive == 0) co_return;
    const auto gen = s->generation;
    const net::duration ka = std::chrono::seconds(s->keep_alive);
    std::shared_ptr<net::timer> t = s->ctx.make_timer();
    if (s->ka_timer) s->ka_timer->cancel();
    s->ka_timer = t;
    auto current = [&] { return s->generation == gen && s->up && !s->closing; };
    for (;;) {
      const auto idle = s->ctx.now() - s->last_sent;
      t->expires_after(std::max(ka - idle, net::duration(1ms)));
      bool expired = co_await t->wait();
      if (!expired || !current()) co_return;
      if (s->ctx.now() - s->last_sent < ka) continue;
      s->send_ping();
      const auto target = s->pings_sent;
      s->last_sent = s->ctx.now();  // a write that never ends is the write deadline's business
      t->expires_after(std::min(ka, net::duration(30s)));
      expired = co_await t->wait();
      if (!expired || !current()) co_return;
      if (s->pongs_got < target && !s->paused) {
        s->lost_why =
            "no PINGRESP within " + core::format_duration(std::min(ka, net::duration(30s)));
        s->conn.close();
        co_return;
      }
    }
  }

  static task<void> read_loop(std::shared_ptr<state> s) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      std::string why;
      for (;;) {
        while (s->queued_bytes > max_queued_bytes && !s->closing) {
          s->paused = true;
          bool woken = co_await s->changed.wait();
          if (!woken) break;
        }
        s->paused = false;
        auto rd = co_await s->conn.read_some(buf);
        if (rd.ec) {
          why = !s->lost_why.empty() ? s->lost_why
                : net::is_eof(rd.ec) ? "closed by the broker"
                                     : vitnet::describe(rd.ec);
          break;
        }
        s->parser.feed({buf.data(), rd.n});
        while (auto p = s->parser.next()) s->on_packet(*p);
        s->changed.notify();
        if (s->parser.failure() != mqtt::fault::none) {
          s->fail(exit_code::protocol,
                  fmt::format("{}: the broker sent what is not MQTT ({})", s->o.url.text,
                              mqtt::error_text(s->parser.failure())));
          why = "protocol error";
          break;
        }
      }
      s->up = false;
      s->lost_why.clear();
      s->conn.close();
      s->out.clear();  // partial packets must not reach the next connection
      if (s->closing || !s->dead_why.empty()) break;
      if (s->o.reconnects == 0) {
        s->dead_why = fmt::format("{}: connection lost ({})", s->o.url.text, why);
        break;
      }
      s->io.warn("mq: connection to {} lost ({}); reconnecting", s->o.url.text, why);
      const backoff b{s->o.reconnects, reconnect_wait, reconnect_wait_max};
      std::function<task<void>()> again = [s] { return s->open(); };
      const bool back = co_await reconnect(s->ctx, s->io, s->o.url.text, b, s->closing, again);
      if (!back) {
        if (s->dead_why.empty())
          s->dead_why =
              fmt::format("{}: connection lost ({}) and not regained", s->o.url.text, why);
        break;
      }
      s->io.warn("mq: reconnected to {}{}; subscriptions made again", s->o.url.text,
                 s->session_present ? " (session kept)" : "");
      s->resume();
      s->up = true;
      s->ctx.start(keepalive(s));
      s->kick();
      s->changed.notify();
    }
    s->dead = true;
    if (s->dead_why.empty())
      s->dead_why = fmt::format("{}: the connection is closed", s->o.url.text);
    s->changed.notify();
  }
};

mqtt_client::mqtt_client(net::context& ctx, session_options o, core::io& io)
    : s_(std::make_shared<state>(ctx, std::move(o), io)) {
  s_->client_id = s_->o.client_id.empty() ? "vitnet-" + random_text(8) : s_->o.client_id;
}

mqtt_client::~mqtt_client() {
  s_->closing = true;
  if (s_->ka_timer) s_->ka_timer->cancel();
  s_->close_conn();
}

int mqtt_client::version() const {
  return s_->version();
}

std::string mqtt_client::random_text(std::size_t n) {
  std::vector<std::uint8_t> r(n);
  s_->ctx.random(r);
  std::string out;
  for (auto b : r) out += "0123456789abcdefghijklmnopqrstuvwxyz"[b % 36];
  return out;
}

task<void> mqtt_client::connect() {
  co_await s_->open();
  s_->up = true;
  s_->ctx.start(state::read_loop(s_));
  s_->ctx.start(state::keepalive(s_));
}

task<void> mqtt_client::publish(mqtt::packet p) {
  auto s = s_;
  if (s->over()) s->throw_dead();
  if (p.retain && !s->retain_available)
    throw vitnet::error(exit_code::data,
                        fmt::format("{}: the broker keeps no retained messages", s->o.url.text));
  if (s->max_qos && p.qos > *s->max_qos) {
    s->io.verbose(1, "mq: {}: the broker takes QoS {} at most", s->o.url.text, *s->max_qos);
    p.qos = *s->max_qos;
  }
  p.packet_id = p.qos ? 1 : 0;
  if (const auto size = s->bytes(p).size(); size > s->send_max)
    throw vitnet::error(exit_code::data,
                        fmt::format("a message of {} bytes is over the broker's Maximum Packet "
                                    "Size ({})",
                                    size, s->send_max));
  if (p.qos > 0) {
    const auto deadline = s->ctx.now() + ack_deadline;
    while (s->inflight.size() >= s->inflight_max) {
      if (s->over()) s->throw_dead();
      s->kick();  // what waits in `out` may be what the acknowledgements are for
      bool in_time = co_await s->changed.wait_until(deadline);
      if (!in_time && s->inflight.size() >= s->inflight_max)
        throw vitnet::error(
            exit_code::timeout,
            fmt::format("{}: the broker acknowledged none of {} messages in "
                        "flight within {}",
                        s->o.url.text, s->inflight.size(), core::format_duration(ack_deadline)));
    }
    if (s->over()) s->throw_dead();
    p.packet_id = s->new_id();
    auto& entry = s->inflight[p.packet_id];
    entry.pub = std::move(p);
    // While disconnected, `inflight` alone keeps it: resume() sends it.
    if (s->up) s->out += s->bytes(entry.pub);
  } else {
    if (!s->up && s->out.size() > reconnect_buffer)
      throw vitnet::error(exit_code::unavailable,
                          fmt::format("{}: disconnected, and {} bytes already wait to be sent",
                                      s->o.url.text, s->out.size()));
    s->out += s->bytes(p);
  }
  if (s->out.size() >= write_batch) s->kick();
  while (!s->over() && s->out.size() > publish_window) {
    s->kick();
    bool woken = co_await s->changed.wait();
    if (!woken) break;
  }
  if (s->over()) s->throw_dead();
}

task<void> mqtt_client::subscribe(std::string filter) {
  auto s = s_;
  if (s->over()) s->throw_dead();
  s->subs.push_back(filter);
  if (!s->up) co_return;  // made on reconnecting
  s->send_subscribe(filter);
  const auto id = s->last_id;
  s->kick();
  const auto deadline = s->ctx.now() + suback_deadline;
  while (s->pending_subs.contains(id)) {
    if (s->over()) s->throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && s->pending_subs.contains(id))
      throw vitnet::error(exit_code::timeout,
                          fmt::format("{}: no SUBACK for '{}' within {}", s->o.url.text, filter,
                                      core::format_duration(suback_deadline)));
  }
  if (s->over()) s->throw_dead();
}

task<void> mqtt_client::flush(net::duration timeout) {
  auto s = s_;
  if (s->over()) s->throw_dead();
  s->send_ping();
  const auto target = s->pings_sent;
  s->kick();
  const auto deadline = s->ctx.now() + timeout;
  while (s->pongs_got < target || !s->inflight.empty()) {
    if (s->over()) s->throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && (s->pongs_got < target || !s->inflight.empty()))
      throw vitnet::error(
          exit_code::timeout,
          fmt::format("{}: the broker did not acknowledge everything within {} ({} message{} "
                      "unacknowledged)",
                      s->o.url.text, core::format_duration(timeout), s->inflight.size(),
                      s->inflight.size() == 1 ? "" : "s"));
  }
  if (s->refused) throw *s->refused;
}

task<std::optional<mqtt::packet>> mqtt_client::next(net::duration timeout) {
  auto s = s_;
  const auto deadline = s->ctx.now() + timeout;
  while (s->queue.empty()) {
    if (s->over()) s->throw_dead();
    bool in_time = co_await s->changed.wait_until(deadline);
    if (!in_time && s->queue.empty()) co_return std::nullopt;
  }
  mqtt::packet p = std::move(s->queue.front());
  s->queue.pop_front();
  const bool was_full = s->queued_bytes > max_queued_bytes;
  s->queued_bytes -= p.topic.size() + p.payload.size();
  if (was_full) s->changed.notify();
  co_return p;
}

task<void> mqtt_client::close() {
  auto s = s_;
  if (s->up && !s->over()) {
    auto failed = co_await net::failure_of(flush(5s));
    if (failed) s->io.verbose(1, "mq: closing: {}", *failed);
  }
  if (s->up && !s->over()) {
    s->send(mqtt::packet{.type = mqtt::packet_type::disconnect});
    const auto deadline = s->ctx.now() + 2s;
    while (s->up && (s->writing || !s->out.empty())) {
      bool in_time = co_await s->changed.wait_until(deadline);
      if (!in_time) break;
    }
  }
  s->closing = true;
  if (s->ka_timer) s->ka_timer->cancel();
  s->close_conn();
}

}  // namespace commands::mq

// The Redis implementation of mq's session, over redis_client.
//
// Pub/sub (the default): pub is PUBLISH, sub is SUBSCRIBE, or PSUBSCRIBE when the subject holds
// a glob character (* ? [; a backslash escapes one, as redis' own globs do). NATS's '>' means
// nothing here: a subject is a Redis channel or a Redis glob. Redis pub/sub carries no headers
// and no reply subject (pub refuses both with 65), has no queue groups (--queue: 64) and no
// request/reply (new_inbox() is empty: req exits 64).
//
// Streams (--stream; the key is --stream NAME, else SUBJECT): pub is XADD KEY * data DATA
// [HEADER VALUE]..., so headers survive as fields. sub reads with XREAD, --from start (0), new
// (the default: what is added after sub starts), last (the last entry, then what follows) or an
// entry id (that entry, if it exists, and those after); --until-end stops (exit 0) once the
// entries there were when sub started have been read. Each message's `id` is the entry id; the
// field `data` is its data and the other fields its headers (an entry without `data` gives the
// fields as a JSON object for data, so that something readable is printed).
//
// Consumer groups (--group G, or --queue G with --stream): XGROUP CREATE KEY G <--from> MKSTREAM
// when G is new (--from then applies; an existing group keeps its position). The consumer is
// --consumer, else NAME-<random> so that several subs share the group. Reading: first this
// consumer's own pending entries (XREADGROUP ... 0), then entries idle for more than a minute in
// any consumer of the group (XAUTOCLAIM, redis >= 6.2: those of a consumer that died), then new
// ones (XREADGROUP ... >). A group reader takes one entry per read, so that --count N takes
// exactly N from the group and members share evenly. --ack: XACK once a message has been
// printed (when the next is asked for, or at exit); without it entries stay pending.
//
// Reconnects: subscriptions are made again (messages published meanwhile are lost: pub/sub
// keeps nothing); a stream is read again after the last id delivered, a group from this
// consumer's pending entries after it.
#include <nlohmann/json.hpp>

#include "commands/mq/redis_client.hpp"
#include "commands/mq/session.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/units.hpp"

namespace commands::mq {

namespace resp = proto::resp;
using core::exit_code;
using net::task;

namespace {

constexpr auto command_timeout = std::chrono::seconds(10);  // a non-blocking command's answer
constexpr auto block_max = std::chrono::seconds(2);         // longest XREAD BLOCK
constexpr std::size_t read_batch = 100;                     // XREAD COUNT
constexpr auto claim_idle = std::chrono::minutes(1);        // XAUTOCLAIM's min-idle-time

struct entry_id {
  std::uint64_t ms = 0, seq = 0;
  auto operator<=>(const entry_id&) const = default;
  std::string text() const { return fmt::format("{}-{}", ms, seq); }
};

// "MS-SEQ", or "MS" (SEQ 0).
std::optional<entry_id> parse_id(std::string_view s) {
  auto number = [](std::string_view d, std::uint64_t& out) {
    if (d.empty() || d.size() > 20) return false;
    out = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return false;
      const std::uint64_t next = out * 10 + std::uint64_t(c - '0');
      if (next / 10 != out) return false;
      out = next;
    }
    return true;
  };
  entry_id id;
  const auto dash = s.find('-');
  if (!number(s.substr(0, dash), id.ms)) return std::nullopt;
  if (dash != std::string_view::npos && !number(s.substr(dash + 1), id.seq)) return std::nullopt;
  return id;
}

// The id just before `id`, for reading from `id` itself with XREAD's "after" ids.
entry_id before(entry_id id) {
  if (id.seq > 0) return {id.ms, id.seq - 1};
  if (id.ms > 0) return {id.ms - 1, UINT64_MAX};
  return id;
}

std::string random_suffix(net::context& ctx) {
  std::uint8_t r[8];
  ctx.random(r);
  std::string out;
  for (auto b : r) out += "0123456789abcdefghijklmnopqrstuvwxyz"[b % 36];
  return out;
}

exit_code code_for(std::string_view error) {
  if (error.starts_with("WRONGTYPE")) return exit_code::data;
  return redis_error_code(error);
}

bool bulk(const resp::value& v) {
  return v.type == resp::kind::bulk_string || v.type == resp::kind::simple_string;
}

bool list(const resp::value& v) {
  return v.type == resp::kind::array;
}

class redis_session final : public session {
 public:
  redis_session(net::context& ctx, const session_options& o, core::io& io, redis_client_options co)
      : ctx_(ctx), o_(o), io_(io), c_(ctx, std::move(co), io) {}

  task<void> connect() override { co_await c_.connect(); }

  task<void> publish(const message& m) override {
    if (!m.reply.empty())
      throw vitnet::error(exit_code::data,
                          "redis has no reply subjects: drop --reply (and \"reply\" in envelopes)");
    std::vector<std::string> cmd;
    if (!o_.stream) {
      if (!m.headers.empty())
        throw vitnet::error(exit_code::data,
                            fmt::format("redis pub/sub carries no headers ('{}'): drop -H, or use "
                                        "--stream, where XADD keeps them as fields",
                                        m.headers.front().first));
      cmd = {"PUBLISH", m.subject, m.data};
    } else {
      cmd = {"XADD", o_.stream_name.empty() ? m.subject : o_.stream_name, "*", "data", m.data};
      for (auto& [k, v] : m.headers) {
        cmd.push_back(k);
        cmd.push_back(v);
      }
    }
    check();
    c_.send(std::move(cmd));
    co_await c_.pace();
    check();
  }

  task<void> subscribe(const std::string& subject, const std::string& queue) override {
    if (!o_.stream) {
      if (!queue.empty())
        throw vitnet::error(exit_code::usage,
                            "redis pub/sub has no queue groups (every subscriber gets every "
                            "message): with --stream, --group G shares entries");
      const bool pattern = subject.find_first_of("*?[") != std::string::npos;
      co_await c_.subscribe(subject, pattern, command_timeout);
      co_return;
    }
    if (!key_.empty())
      throw vitnet::error(exit_code::usage, "redis streams: read one stream at a time");
    key_ = o_.stream_name.empty() ? subject : o_.stream_name;
    group_ = o_.group;
    if (!queue.empty()) {
      if (!group_.empty() && group_ != queue)
        throw vitnet::error(exit_code::usage, "--queue and --group name different groups");
      group_ = queue;
    }
    if (o_.ack && group_.empty())
      throw vitnet::error(exit_code::usage, "--ack acknowledges entries read in a --group");
    if (group_.empty())
      co_await start_reading();
    else
      co_await start_group();
    generation_ = c_.generation();
  }

  task<std::optional<message>> next(net::duration timeout) override {
    const auto deadline = ctx_.now() + timeout;
    acknowledge();
    if (key_.empty()) {
      auto m = co_await c_.next_message(timeout);
      if (!m) co_return std::nullopt;
      message out;
      out.subject = std::move(m->channel);
      out.data = std::move(m->payload);
      co_return out;
    }
    for (;;) {
      if (!ready_.empty()) {
        message m = std::move(ready_.front());
        ready_.pop_front();
        delivered_ = m.id;
        if (o_.ack) unacked_ = m.id;
        co_return m;
      }
      if (ended_) co_return std::nullopt;
      bool more = co_await fetch(deadline);
      if (!more && ready_.empty()) co_return std::nullopt;
    }
  }

  bool at_end() const override { return ended_ && ready_.empty(); }

  task<void> flush(net::duration timeout) override {
    co_await c_.settle(timeout);
    check();
  }

  std::string new_inbox() override { return {}; }

  task<void> close() override {
    acknowledge();
    co_await c_.close();
    if (auto& e = c_.first_error()) io_.warn("mq: {}: {}", o_.url.text, *e);
  }

 private:
  void check() const {
    if (auto& e = c_.first_error())
      throw vitnet::error(code_for(*e), fmt::format("{}: {}", o_.url.text, *e));
  }

  void acknowledge() {
    if (unacked_.empty() || c_.dead()) return;
    c_.send({"XACK", key_, group_, std::exchange(unacked_, {})});
  }

  // A command that must be answered: its reply, or an exit.
  task<resp::value> must(const std::vector<std::string>& cmd, net::duration timeout) {
    auto r = co_await c_.call(cmd, timeout);
    if (r.status == redis_reply::outcome::timeout)
      throw vitnet::error(exit_code::timeout,
                          fmt::format("{}: {} got no answer within {}", o_.url.text, cmd[0],
                                      core::format_duration(timeout)));
    if (r.status == redis_reply::outcome::lost) {
      if (c_.dead()) c_.throw_dead();
      throw vitnet::error(
          exit_code::unavailable,
          fmt::format("{}: the connection was lost during {}", o_.url.text, cmd[0]));
    }
    if (r.error())
      throw vitnet::error(code_for(r.value.text),
                          fmt::format("{}: {} {}: {}", o_.url.text, cmd[0], key_, r.value.text));
    co_return std::move(r.value);
  }

  // The stream's last entry id, if it has any.
  task<std::optional<entry_id>> last_id() {
    const std::vector<std::string> cmd{"XREVRANGE", key_, "+", "-", "COUNT", "1"};
    auto v = co_await must(cmd, command_timeout);
    if (!list(v) || v.children.empty()) co_return std::nullopt;
    auto& e = v.children.front();
    if (!list(e) || e.children.empty()) co_return std::nullopt;
    co_return parse_id(e.children.front().text);
  }

  // XREAD: where reading starts, and (--until-end) where it ends.
  task<void> start_reading() {
    auto last = co_await last_id();
    const entry_id none{};
    if (o_.until_end) {
      end_ = last;
      if (!last) ended_ = true;
    }
    const std::string& from = o_.from;
    if (from == "start") {
      after_ = none;
    } else if (from.empty() || from == "new") {
      after_ = last.value_or(none);
      if (o_.until_end) ended_ = true;  // nothing there is new
    } else if (from == "last") {
      after_ = last ? before(*last) : none;
    } else {
      after_ = before(*parse_id(from));
    }
    if (end_ && after_ >= *end_) ended_ = true;
    io_.verbose(1, "mq sub: reading stream {} after {}", key_, after_.text());
  }

  task<void> start_group() {
    consumer_ = o_.consumer.empty() ? o_.name + "-" + random_suffix(ctx_) : o_.consumer;
    std::string at = "$";
    if (o_.from == "start") {
      at = "0";
    } else if (o_.from == "last") {
      auto last = co_await last_id();
      at = last ? before(*last).text() : "0";
    } else if (!o_.from.empty() && o_.from != "new") {
      at = before(*parse_id(o_.from)).text();
    }
    const std::vector<std::string> create{"XGROUP", "CREATE", key_, group_, at, "MKSTREAM"};
    auto r = co_await c_.call(create, command_timeout);
    if (r.error() && r.value.text.starts_with("BUSYGROUP")) {
      io_.verbose(1, "mq sub: group {} of {} exists: it keeps its position", group_, key_);
    } else if (!r.ok() || r.error()) {
      co_await must(create, command_timeout);  // the same failure, as an exit
    }
    io_.verbose(1, "mq sub: reading stream {} in group {} as {}", key_, group_, consumer_);
    phase_ = phase::own;
    cursor_ = "0";
  }

  enum class phase { own, claim, fresh };

  // One read into ready_; false when `deadline` passed first.
  task<bool> fetch(net::clock::time_point deadline) {
    const auto now = ctx_.now();
    if (now >= deadline) co_return false;
    if (c_.generation() != generation_) resume();
    const auto block =
        std::clamp<net::duration>(deadline - now, std::chrono::milliseconds(1), block_max);
    const auto block_ms = std::to_string(std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::milliseconds>(block).count()));
    std::vector<std::string> cmd;
    const bool blocking = !o_.until_end && (group_.empty() || phase_ == phase::fresh);
    if (group_.empty()) {
      cmd = {"XREAD", "COUNT", std::to_string(read_batch)};
    } else if (phase_ == phase::claim) {
      cmd = {
          "XAUTOCLAIM",
          key_,
          group_,
          consumer_,
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(claim_idle).count()),
          cursor_,
          "COUNT",
          "1"};
    } else {
      cmd = {"XREADGROUP", "GROUP", group_, consumer_, "COUNT", "1"};
    }
    if (phase_ != phase::claim || group_.empty()) {
      if (blocking) {
        cmd.push_back("BLOCK");
        cmd.push_back(block_ms);
      }
      cmd.push_back("STREAMS");
      cmd.push_back(key_);
      cmd.push_back(group_.empty() ? after_.text() : phase_ == phase::own ? cursor_ : ">");
    }
    auto r = co_await c_.call(cmd, (blocking ? block : net::duration::zero()) + command_timeout);
    if (r.status == redis_reply::outcome::timeout)
      throw vitnet::error(exit_code::timeout,
                          fmt::format("{}: {} got no answer within {}", o_.url.text, cmd[0],
                                      core::format_duration(block + command_timeout)));
    if (r.status == redis_reply::outcome::lost) {
      bool back = co_await c_.wait_up(deadline);
      co_return back;
    }
    if (r.error() && phase_ == phase::claim) {
      io_.verbose(1, "mq sub: no XAUTOCLAIM ({}): idle entries of other consumers stay there",
                  r.value.text);
      phase_ = phase::fresh;
      co_return true;
    }
    if (r.error())
      throw vitnet::error(code_for(r.value.text),
                          fmt::format("{}: {} {}: {}", o_.url.text, cmd[0], key_, r.value.text));
    take(r.value);
    co_return true;
  }

  // After a reconnect: read again after the last entry delivered.
  void resume() {
    generation_ = c_.generation();
    if (group_.empty()) {
      io_.warn("mq sub: reading stream {} again after {}", key_, after_.text());
      return;
    }
    // Entries whose reply the lost connection took are pending for this consumer.
    phase_ = phase::own;
    cursor_ = delivered_.empty() ? "0" : delivered_;
    io_.warn("mq sub: reading stream {} in group {} again, pending entries after {} first", key_,
             group_, cursor_);
  }

  void take(resp::value& v) {
    resp::value* entries = nullptr;
    const phase read_in = phase_;
    if (phase_ == phase::claim && !group_.empty()) {
      // [next cursor, entries, deleted ids (redis 7)]
      if (list(v) && v.children.size() >= 2 && bulk(v.children[0])) {
        cursor_ = v.children[0].text;
        entries = &v.children[1];
      }
      if (cursor_ == "0-0" || !entries) phase_ = phase::fresh;
    } else if (list(v) && !v.children.empty()) {
      // [[key, entries]]
      auto& s = v.children.front();
      if (list(s) && s.children.size() == 2) entries = &s.children[1];
    }
    std::size_t n = 0;
    if (entries && list(*entries))
      for (auto& e : entries->children) {
        if (!list(e) || e.children.size() != 2 || !bulk(e.children[0])) continue;
        auto id = parse_id(e.children[0].text);
        if (!id) continue;
        ++n;
        if (group_.empty()) {
          if (end_ && *id > *end_) {
            ended_ = true;
            break;
          }
          after_ = *id;
        } else if (read_in == phase::own) {
          cursor_ = e.children[0].text;
        }
        if (!list(e.children[1])) {
          // Deleted while pending: nothing to deliver; acknowledged with --ack, else it stays.
          if (o_.ack) c_.send({"XACK", key_, group_, e.children[0].text});
          continue;
        }
        ready_.push_back(to_message(e.children[0].text, e.children[1]));
      }
    if (n == 0) {
      if (read_in == phase::own && !group_.empty())
        phase_ = phase::claim, cursor_ = "0-0";
      else if (o_.until_end && (group_.empty() || read_in == phase::fresh))
        ended_ = true;
    }
    if (group_.empty() && end_ && after_ >= *end_) ended_ = true;
  }

  message to_message(const std::string& id, resp::value& fields) {
    message m;
    m.subject = key_;
    m.id = id;
    bool has_data = false;
    auto& f = fields.children;
    for (std::size_t i = 0; i + 1 < f.size(); i += 2) {
      if (!has_data && f[i].text == "data") {
        m.data = std::move(f[i + 1].text);
        has_data = true;
      } else {
        m.headers.emplace_back(std::move(f[i].text), std::move(f[i + 1].text));
      }
    }
    if (!has_data && !m.headers.empty()) {
      nlohmann::ordered_json j = nlohmann::ordered_json::object();
      for (auto& [k, v] : m.headers) j[core::valid_utf8(k)] = core::valid_utf8(v);
      m.data = j.dump();
      m.headers.clear();
    }
    return m;
  }

  net::context& ctx_;
  session_options o_;
  core::io& io_;
  redis_client c_;
  std::string key_, group_, consumer_;
  entry_id after_;               // XREAD: the last entry read
  std::optional<entry_id> end_;  // --until-end: the last entry when reading began
  bool ended_ = false;
  phase phase_ = phase::fresh;
  std::string cursor_;     // own: the last pending id read; claim: XAUTOCLAIM's cursor
  std::string delivered_;  // the id of the last message returned by next()
  std::string unacked_;    // --ack: delivered and not yet acknowledged
  std::uint64_t generation_ = 0;
  std::deque<message> ready_;
};

}  // namespace

// redis://PASS@HOST is a password, as in redis-cli (parse_mq_url puts a lone user part of a
// redis URL there), redis://USER:PASS@HOST is an ACL user; redis://HOST/N selects database N.
std::unique_ptr<session> make_redis_session(net::context& ctx, const session_options& o,
                                            core::io& io) {
  auto usage = [](std::string why) { return vitnet::error(exit_code::usage, std::move(why)); };
  redis_client_options co;
  co.url = o.url;
  co.connect_timeout = o.connect_timeout;
  co.tls = o.tls;
  co.name = o.name;
  co.reconnects = o.reconnects;
  co.user = o.url.user;
  co.password = o.url.password;
  if (!o.url.path.empty()) {
    auto db = parse_id(o.url.path);
    if (!db || o.url.path.find('-') != std::string::npos || db->ms > 1'000'000)
      throw usage(fmt::format("{}: the path of a redis URL is a database number (redis://HOST/2)",
                              o.url.text));
    co.database = static_cast<int>(db->ms);
  }
  if (!o.durable.empty()) throw usage("--durable is for jetstream (nats://)");
  if (!o.stream &&
      (!o.group.empty() || !o.consumer.empty() || !o.from.empty() || o.until_end || o.ack))
    throw usage(
        "--group, --consumer, --from, --until-end and --ack read a redis stream: add "
        "--stream");
  if (!o.consumer.empty() && o.group.empty()) throw usage("--consumer needs --group");
  if (!o.from.empty() && o.from != "start" && o.from != "new" && o.from != "last" &&
      !parse_id(o.from))
    throw usage(
        fmt::format("--from {}: give start, new, last or an entry id (1700000000000-0)", o.from));
  if (o.until_end && !o.group.empty() && o.from.empty())
    io.verbose(1, "mq: --until-end in a new group reads nothing unless --from start or an id");
  return std::make_unique<redis_session>(ctx, o, io, std::move(co));
}

}  // namespace commands::mq

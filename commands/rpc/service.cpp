#include "commands/rpc/service.hpp"

#include <csignal>
#include <list>
#include <map>

#include "commands/rpc/methods.hpp"
#include "commands/rpc/openrpc.hpp"
#include "commands/ws/session.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "net/event.hpp"
#include "proto/jsonrpc/message.hpp"
#include "proto/msgpack_rpc/codec.hpp"

namespace commands {

namespace {

using net::task;
namespace rpc = proto::jsonrpc;
namespace mp = proto::msgpack_rpc;
using json = nlohmann::json;

// Answers queued for a peer past this make the server stop reading from it until it catches up.
constexpr std::size_t max_queued = 8 << 20;

// One conversation: a connection, a WebSocket session or an HTTP request. Calls that wait (a
// delay, a command, a stream) run on their own and are counted, so that the conversation ends
// only when none is left holding a reference to it.
struct link {
  link(net::context& ctx, const conn_stats& s) : settled(ctx), st(s) {}

  std::function<void(const std::string&)> send;  ///< one message to the peer (framed by send)
  bool msgpack = false;  ///< messages are MessagePack-RPC, else JSON-RPC texts
  bool streams = true;   ///< notifications can follow a reply
  bool alive = true;
  std::size_t in_flight = 0;
  net::event settled;  ///< a call finished, or the peer took queued bytes
  std::function<void()> on_settle;
  std::list<net::timer*> timers;
  std::list<net::child_process*> children;
  const conn_stats& st;

  // The peer is gone: waits end now, children get SIGTERM.
  void end() {
    alive = false;
    for (auto* t : timers) t->cancel();
    for (auto* c : children) c->kill(SIGTERM);
  }
  void done() {
    --in_flight;
    settled.notify();
    if (on_settle) on_settle();
  }
  task<void> quiesce() {
    while (in_flight > 0) {
      bool woken = co_await settled.wait();
      if (!woken) break;
    }
  }
  // Waits `d`, or less when the peer goes; false when it went.
  task<bool> pause(net::context& ctx, core::duration d) {
    auto t = ctx.make_timer();
    timers.push_back(t.get());
    t->expires_after(d);
    co_await t->wait();
    timers.remove(t.get());
    co_return alive;
  }
};

// What a call came to: a result or an error, and a stream to start after the reply.
struct outcome {
  std::optional<json> result;
  std::optional<rpc::error> failure;
  const rpc_mock::method_spec* stream = nullptr;
  std::uint64_t count = 0;
};

rpc::error error_from(const json& e) {
  rpc::error err;
  err.code = e.contains("code") && e["code"].is_number_integer() ? e["code"].get<int>() : -32000;
  err.message = e.contains("message") && e["message"].is_string()
                    ? e["message"].get<std::string>()
                    : std::string(rpc::standard_message(err.code));
  if (e.contains("data")) err.data = e["data"];
  return err;
}

// MessagePack-RPC has no error object of its own; Neovim's convention, which its clients read,
// is [type, message] with type 0 (an exception) or 1 (a validation error: what the caller sent
// was wrong), and nothing else (Neovim says "unknown error" otherwise). The JSON-RPC code and
// data have no place in it and are left out.
std::string msgpack_response(const rpc::response& r) {
  mp::message m;
  m.type = mp::kind::response;
  m.id = r.id.is_number_unsigned() ? r.id.get<std::uint32_t>() : 0;
  if (r.failure) {
    int c = r.failure->code;
    bool validation =
        c == rpc::invalid_params || c == rpc::method_not_found || c == rpc::invalid_request;
    m.error = json::array({validation ? 1 : 0, r.failure->message});
  } else {
    m.result = r.result.value_or(json());
  }
  return mp::encode(m);
}

// A MessagePack-RPC message read as the JSON-RPC text it means: requests and notifications
// become rpc requests (params always by position); responses are not for a server.
rpc::incoming from_msgpack(mp::message&& m) {
  rpc::incoming in;
  if (m.type == mp::kind::response) {
    rpc::response r;
    r.id = m.id;
    in.messages.emplace_back(std::move(r));
    return in;
  }
  rpc::request q;
  q.method = std::move(m.method);
  q.params = std::move(m.params);
  if (m.type == mp::kind::request) q.id = json(m.id);
  in.messages.emplace_back(std::move(q));
  return in;
}

class rpc_service final : public message_service {
 public:
  rpc_service(net::context& ctx, const rpc_serve_options& o, core::io& io)
      : ctx_(ctx), o_(o), io_(io) {
    if (!o.methods_file.empty())
      methods_ = std::make_unique<rpc_mock::method_table>(rpc_mock::load_methods(o.methods_file));
    if (!o.openrpc_file.empty())
      openrpc_ = std::make_unique<openrpc::document>(openrpc::document::load(o.openrpc_file));
    for (auto& [name, cmd] : o.execs) execs_.emplace(name, cmd);
    echo_ = !methods_ && !openrpc_ && execs_.empty();
    discovery_ = discover_document();
  }

  task<std::string> serve_stream(net::stream& conn, conn_stats& st, net::watchdog* idle) override {
    link l(ctx_, st);
    ordered_writer out(ctx_, conn, [&l] { l.settled.notify(); });
    // Answers made while one read's texts are handled go out together, written at once when
    // nothing is queued before them: no coroutine and no wake-up per answer on the fast path.
    std::string batch;
    bool batching = false;
    l.msgpack = o_.protocol == rpc_protocol::msgpack;
    l.send = [&](const std::string& text) {
      if (!l.alive) return;
      auto framed = l.msgpack ? text : rpc::frame(o_.framing, text);
      st.bytes_out += framed.size();
      if (batching) {
        batch += framed;
      } else {
        out.push(std::move(framed));
        out.flush();
      }
    };
    rpc::deframer frames(o_.framing, o_.max_message);
    mp::decoder unpacker(o_.max_message, o_.max_depth);
    // The next message read, whichever the protocol; nullopt when more bytes are needed.
    auto next = [&]() -> std::optional<rpc::incoming> {
      if (!l.msgpack) {
        auto body = frames.next();
        if (!body) return std::nullopt;
        return rpc::decode(*body, o_.max_depth);
      }
      auto m = unpacker.next();
      for (auto& why : unpacker.skipped())
        io_.verbose(1, "rpc: {} sent a value that is not MessagePack-RPC: {}", st.peer, why);
      unpacker.skipped().clear();
      if (!m) return std::nullopt;
      return from_msgpack(std::move(*m));
    };
    std::vector<char> buf(64 * 1024);
    std::string reason = "eof";
    for (;;) {
      // Back-pressure: a peer that does not read its answers, or has too many calls waiting,
      // is not read from.
      while (l.in_flight >= o_.max_in_flight || out.queued() > max_queued) {
        bool woken = co_await l.settled.wait();
        if (!woken) break;
      }
      // read_some, not wait_readable + try_read_some: asio's readiness wait re-arms the socket
      // with epoll_ctl each time, which measured 30 % more CPU per call than the read that
      // finds nothing between calls.
      auto rd = co_await conn.read_some(buf);
      if (rd.ec) {
        if (!net::is_eof(rd.ec) && !net::is_cancelled(rd.ec))
          reason = "error: " + vitnet::describe(rd.ec);
        break;
      }
      st.bytes_in += rd.n;
      if (idle) idle->touch();
      if (l.msgpack)
        unpacker.feed({buf.data(), rd.n});
      else
        frames.feed({buf.data(), rd.n});
      batching = true;
      while (auto got = next()) {
        auto in = std::move(*got);
        if (waits(in)) {
          ++l.in_flight;
          ctx_.start(on_its_own(std::move(in), l));
        } else {
          answer_now(in, l);
        }
      }
      batching = false;
      if (!batch.empty()) {
        std::size_t sent = 0;
        if (out.queued() == 0) {
          auto wr = conn.try_write_some(batch);
          if (!wr.ec) sent = wr.n;
        }
        if (sent < batch.size()) {
          out.push(batch.substr(sent));
          out.flush();
        }
        batch.clear();
      }
      if (!unpacker.error().empty()) {
        reason = "error: " + unpacker.error();  // MessagePack-RPC has no message to say so
        break;
      }
      if (!frames.error().empty()) {
        // The stream cannot be read on: say why (a parse error) and end.
        auto whole = rpc::failure(nullptr, rpc::parse_error, frames.error());
        l.send(rpc::encode(whole));
        reason = "error: " + frames.error();
        break;
      }
    }
    l.end();
    co_await l.quiesce();
    co_await out.drain();
    co_return reason;
  }

  task<std::optional<std::string>> answer_http(std::string body, const conn_stats& st) override {
    link l(ctx_, st);
    l.streams = false;
    std::optional<std::string> reply;
    l.send = [&reply](const std::string& text) { reply = text; };
    auto in = rpc::decode(body, o_.max_depth);
    co_await answer(in, l);
    co_return reply;
  }

  task<void> serve_ws(ws_session& s, std::string buffered, conn_stats& st) override {
    link l(ctx_, st);
    l.send = [&l, &s](const std::string& text) {
      if (l.alive) s.send(proto::ws::opcode::text, text);
    };
    l.on_settle = [&s] { s.drained(); };
    auto limit = o_.max_in_flight;
    co_await s.run(
        std::move(buffered),
        [&](proto::ws::event& ev) {
          ++l.in_flight;
          auto in = rpc::decode(ev.data, o_.max_depth);
          ctx_.start(on_its_own(std::move(in), l));
        },
        // Reading pauses while too many calls wait: reported as a backlog past the high water.
        [&l, limit] { return l.in_flight >= limit ? std::size_t(1) << 40 : 0; });
    l.end();
    co_await l.quiesce();
  }

 private:
  // Whether answering `in` may wait (a delay, a command): such texts are answered on their own,
  // so that the connection goes on being read meanwhile.
  bool waits(const rpc::incoming& in) const {
    for (auto& m : in.messages) {
      auto* q = std::get_if<rpc::request>(&m);
      if (!q || rpc::reserved_method(q->method)) continue;
      if (methods_)
        if (auto* spec = methods_->find(q->method)) {
          if (spec->answer.delay > core::duration::zero()) return true;
          for (auto& a : spec->sequence)
            if (a.delay > core::duration::zero()) return true;
          continue;
        }
      if (execs_.count(q->method)) return true;
    }
    return false;
  }

  task<void> on_its_own(rpc::incoming in, link& l) {
    co_await answer(in, l);
    l.done();
  }

  // Answers one text: each request in it (in order), then the reply — one response, or an array
  // for a batch, or nothing when it held only notifications — then the streams its calls began.
  task<void> answer(const rpc::incoming& in, link& l) {
    std::vector<outcome> outcomes;
    for (auto& m : in.messages)
      if (auto* q = std::get_if<rpc::request>(&m)) {
        auto started = ctx_.now();
        outcome o = co_await invoke(*q, l);
        log(*q, o, l, ctx_.now() - started);
        outcomes.push_back(std::move(o));
      }
    reply(in, outcomes, l);
  }

  // answer() for a text none of whose calls waits: no coroutine, no suspension.
  void answer_now(const rpc::incoming& in, link& l) {
    std::vector<outcome> outcomes;
    for (auto& m : in.messages)
      if (auto* q = std::get_if<rpc::request>(&m)) {
        auto started = ctx_.now();
        outcome o = *invoke_now(*q);
        log(*q, o, l, ctx_.now() - started);
        outcomes.push_back(std::move(o));
      }
    reply(in, outcomes, l);
  }

  // Sends what `in` is owed, given the outcome of each of its requests in order.
  void reply(const rpc::incoming& in, std::vector<outcome>& outcomes, link& l) {
    if (in.whole) {
      l.send(rpc::encode(*in.whole));
      return;
    }
    if (!l.alive) return;
    std::string text;
    std::size_t members = 0, next = 0;
    std::vector<std::pair<outcome*, const rpc::request*>> streams;
    for (auto& m : in.messages) {
      std::string member;
      if (auto* q = std::get_if<rpc::request>(&m)) {
        outcome& o = outcomes[next++];
        if (q->is_notification()) continue;
        rpc::response r;
        r.id = *q->id;
        r.result = std::move(o.result);
        r.failure = std::move(o.failure);
        if (o.stream) streams.emplace_back(&o, q);
        if (l.msgpack) {  // no batches: each answer is a message of its own
          l.send(msgpack_response(r));
          continue;
        }
        member = rpc::encode(r);
      } else if (auto* bad = std::get_if<rpc::invalid>(&m)) {
        member = rpc::encode(bad->reply);
      } else {
        io_.verbose(1, "rpc: {} sent a response; this server asks nothing, passed over", l.st.peer);
        continue;
      }
      text += members++ ? "," : "";
      text += member;
    }
    if (members > 0) l.send(in.batch ? "[" + text + "]" : text);
    for (auto& [o, q] : streams) {
      if (!l.streams) {
        io_.verbose(1, "rpc: {}: no notifications over HTTP; {} streams nothing", l.st.peer,
                    q->method);
        continue;
      }
      ++l.in_flight;
      ctx_.start(stream(*o->stream, q->params.value_or(json()), *q->id, o->count, l));
    }
  }

  task<void> stream(const rpc_mock::method_spec& m, json params, json id, std::uint64_t count,
                    link& l) {
    const auto& sp = *m.stream;
    for (std::uint64_t n = 1; n <= sp.count; ++n) {
      bool on = co_await l.pause(ctx_, sp.interval);
      if (!on) break;
      rpc_mock::template_scope scope{&params, &m.params, &id, m.name, count, n};
      rpc::request note;
      note.method = sp.method;
      note.params = sp.params ? rpc_mock::expand(*sp.params, scope) : json::array({n});
      if (l.msgpack) {
        mp::message m;
        m.type = mp::kind::notification;
        m.method = note.method;
        m.params = note.params->is_array() ? *note.params : json::array({*note.params});
        l.send(mp::encode(m));
      } else {
        l.send(rpc::dump(rpc::to_json(note)));
      }
    }
    l.done();
  }

  // The answer to a call that needs no waiting; nullopt for one that does (a delay, a command).
  std::optional<outcome> invoke_now(const rpc::request& q) {
    outcome o;
    if (q.method == "rpc.discover") {
      o.result = discovery_;
      return o;
    }
    if (!rpc::reserved_method(q.method)) {
      if (methods_)
        if (auto* m = methods_->find(q.method)) {
          auto& count = counts_[m->name];
          if (rpc_mock::answer_for(*m, count + 1).delay > core::duration::zero())
            return std::nullopt;
          return mock(*m, ++count, q);
        }
      if (execs_.count(q.method)) return std::nullopt;
      if (openrpc_)
        if (auto* m = openrpc_->method(q.method)) {
          const json given = q.params.value_or(json::array());
          if (auto why = openrpc_->check_params(*m, given)) {
            o.failure = rpc::error{rpc::invalid_params, "Invalid params: " + *why,
                                   json{{"method", q.method}}};
            return o;
          }
          auto a = openrpc_->answer(*m, given);
          if (a && a->error)
            o.failure = error_from(*a->error);
          else
            o.result = a && a->result ? *a->result : json();
          return o;
        }
      if (echo_ && q.method == "echo") {
        o.result = q.params.value_or(json());
        return o;
      }
    }
    o.failure = rpc::error{rpc::method_not_found, "Method not found: " + q.method, std::nullopt};
    return o;
  }

  task<outcome> invoke(const rpc::request& q, link& l) {
    if (auto now = invoke_now(q)) co_return std::move(*now);
    if (auto it = execs_.find(q.method); it != execs_.end()) {
      outcome o;
      co_await run_command(it->first, it->second, q, l, o);
      co_return o;
    }
    // A mock method whose answer comes after a delay.
    const auto& m = *methods_->find(q.method);
    auto count = ++counts_[m.name];
    co_await l.pause(ctx_, rpc_mock::answer_for(m, count).delay);
    co_return mock(m, count, q);
  }

  // Call number `count` of a mock method.
  outcome mock(const rpc_mock::method_spec& m, std::uint64_t count, const rpc::request& q) {
    outcome o;
    const auto& a = rpc_mock::answer_for(m, count);
    const json params = q.params.value_or(json());
    const json id = q.id.value_or(json());
    rpc_mock::template_scope scope{&params, &m.params, &id, m.name, count, 0};
    if (a.error)
      o.failure = error_from(rpc_mock::expand(*a.error, scope));
    else
      o.result = a.result ? rpc_mock::expand(*a.result, scope) : json();
    if (m.stream) {
      o.stream = &m;
      o.count = count;
    }
    return o;
  }

  // --exec NAME=CMD: the params as one JSON line on the command's stdin; its stdout (JSON, else
  // text) the result; a non-zero exit an error. It has --exec-timeout, and ends with the peer.
  task<void> run_command(const std::string& name, const std::string& cmd, const rpc::request& q,
                         link& l, outcome& o) {
    net::spawn_options so{cmd, {{"VITNET_RPC_METHOD", q.method}}};
    if (q.id) so.env["VITNET_RPC_ID"] = rpc::dump(*q.id);
    auto child = ctx_.spawn(so);
    l.children.push_back(child.get());
    std::string input = rpc::dump(q.params.value_or(json())) + "\n";
    std::string output;
    bool too_big = false, timed_out = false;
    net::watchdog limit(ctx_, o_.exec_timeout, [&] {
      timed_out = true;
      child->kill(SIGTERM);
    });
    auto feed = [](net::child_process& c, const std::string& in) -> task<void> {
      co_await c.stdin_stream().write_all(std::span<const char>(in.data(), in.size()));
      c.stdin_stream().close();
    };
    auto collect = [](net::child_process& c, std::string& out, std::size_t max,
                      bool& over) -> task<void> {
      std::vector<char> buf(16 * 1024);
      for (;;) {
        auto rd = co_await c.stdout_stream().read_some(buf);
        if (rd.ec || rd.n == 0) break;
        if (out.size() + rd.n > max) {
          over = true;
          c.kill(SIGTERM);
          break;
        }
        out.append(buf.data(), rd.n);
      }
    };
    co_await net::both(ctx_, feed(*child, input), collect(*child, output, o_.max_message, too_big));
    int status = 0;
    {
      net::watchdog grace(ctx_, std::chrono::seconds(2), [&] { child->kill(SIGKILL); });
      status = co_await child->wait();
    }
    limit.disarm();
    l.children.remove(child.get());
    if (timed_out || too_big || status != 0) {
      std::string why = timed_out      ? "timed out after " + core::format_duration(o_.exec_timeout)
                        : too_big      ? "wrote more than the largest message allowed"
                        : status > 128 ? fmt::format("was killed by signal {}", status - 128)
                                       : fmt::format("exited with {}", status);
      json data = {{"exit", status}};
      if (!output.empty()) data["output"] = core::truncate_utf8(output, 4096);
      o.failure = rpc::error{-32000, name + ": '" + cmd + "' " + why, data};
      co_return;
    }
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
    if (output.empty()) {
      o.result = nullptr;
    } else if (auto v = core::parse_peer_json(output, o_.max_depth)) {
      o.result = std::move(*v);
    } else {
      o.result = output;
    }
  }

  void log(const rpc::request& q, const outcome& o, const link& l, net::duration took) {
    if (!o_.log || io_.options().quiet) return;
    double ms = std::chrono::duration<double, std::milli>(took).count();
    std::string what = q.is_notification() ? "notification"
                       : o.failure         ? fmt::format("error {}", o.failure->code)
                                           : "result";
    if (io_.json()) {
      nlohmann::ordered_json j = {{"event", "call"},
                                  {"conn", l.st.id},
                                  {"peer", l.st.peer},
                                  {"method", q.method},
                                  {"id", q.id.value_or(json())},
                                  {"outcome", what},
                                  {"duration_ms", ms}};
      if (o.failure) j["code"] = o.failure->code;
      io_.event(rpc::dump(j));
      return;
    }
    std::string method = q.method;
    for (auto& c : method)
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    io_.out(fmt::format("{} {} {} {} {:.3f}ms\n", l.st.peer, core::truncate_utf8(method, 200),
                        q.id ? core::truncate_utf8(rpc::dump(*q.id), 100) : "-", what, ms));
  }

  json discover_document() const {
    json methods = json::array();
    std::string title = o_.service_name, version = o_.service_version;
    if (methods_) {
      for (auto& m : methods_->methods)
        methods.push_back(openrpc::describe_method(m.name, m.summary, m.params));
      if (title.empty()) title = methods_->service_name;
      if (version.empty()) version = methods_->service_version;
    }
    for (auto& [name, cmd] : execs_)
      methods.push_back(openrpc::describe_method(name, "runs " + cmd, {}));
    if (openrpc_) {
      const auto& raw = openrpc_->raw();
      for (auto& m : raw["methods"]) methods.push_back(m);
      if (auto info = raw.find("info"); info != raw.end() && info->is_object()) {
        if (title.empty() && info->contains("title") && (*info)["title"].is_string())
          title = (*info)["title"];
        if (version.empty() && info->contains("version") && (*info)["version"].is_string())
          version = (*info)["version"];
      }
    }
    if (echo_) methods.push_back(openrpc::describe_method("echo", "returns its params", {}));
    json doc = openrpc::make_document(title.empty() ? "vitnet rpc serve" : title,
                                      version.empty() ? "0.0.0" : version, std::move(methods));
    if (openrpc_ && openrpc_->raw().contains("components"))
      doc["components"] = openrpc_->raw()["components"];
    return doc;
  }

  net::context& ctx_;
  const rpc_serve_options& o_;
  core::io& io_;
  std::unique_ptr<rpc_mock::method_table> methods_;
  std::unique_ptr<openrpc::document> openrpc_;
  std::map<std::string, std::string, std::less<>> execs_;
  bool echo_ = false;
  json discovery_;
  std::map<std::string, std::uint64_t, std::less<>> counts_;
};

}  // namespace

std::shared_ptr<message_service> make_rpc_service(net::context& ctx, const rpc_serve_options& o,
                                                  core::io& io) {
  return std::make_shared<rpc_service>(ctx, o, io);
}

}  // namespace commands

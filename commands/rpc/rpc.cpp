#include "commands/rpc/rpc.hpp"

#include <csignal>
#include <deque>

#include "commands/connect/ws/client.hpp"
#include "commands/rpc/openrpc.hpp"
#include "commands/rpc/over_nats.hpp"
#include "commands/ws/session.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "net/http_client/http_client.hpp"
#include "proto/jsonrpc/message.hpp"
#include "proto/msgpack_rpc/codec.hpp"

namespace commands {

namespace {

using core::exit_code;
using net::task;
namespace rpc = proto::jsonrpc;
namespace mp = proto::msgpack_rpc;
using json = nlohmann::json;

bool param_name(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
          c == '$'))
      return false;
  return true;
}

// Requests servers send their clients that a client may answer with null and lose nothing
// (LSP's progress tokens, capability registrations, configuration asks).
bool harmless(std::string_view method) {
  return method == "window/workDoneProgress/create" || method == "client/registerCapability" ||
         method == "client/unregisterCapability" || method == "workspace/configuration" ||
         method == "window/showMessageRequest";
}

// ---- what the server said, one message at a time ------------------------------------------------

struct heard {
  enum class kind { message, end, quiet } what = kind::message;
  std::string text;  ///< a JSON-RPC text (MessagePack-RPC messages are turned into one)
};

// A MessagePack-RPC message as the JSON-RPC text it means, so that one logic reads both. An
// error object that is not JSON-RPC's (Neovim's is [type, "message"]) keeps its form as data.
std::string as_jsonrpc(const mp::message& m) {
  json out = {{"jsonrpc", "2.0"}};
  switch (m.type) {
    case mp::kind::request:
      out["id"] = m.id;
      [[fallthrough]];
    case mp::kind::notification:
      out["method"] = m.method;
      out["params"] = m.params;
      break;
    case mp::kind::response:
      out["id"] = m.id;
      if (m.error.is_null()) {
        out["result"] = m.result;
      } else {
        std::string message = m.error.is_string() ? m.error.get<std::string>() : rpc::dump(m.error);
        if (m.error.is_array() && m.error.size() == 2 && m.error[1].is_string())
          message = m.error[1].get<std::string>();
        out["error"] = {{"code", -32000}, {"message", message}, {"data", m.error}};
      }
      break;
  }
  return rpc::dump(out);
}

// {"bytes": [...], "subtype": N} — how a MessagePack bin or ext (Neovim's Buffer, Window and
// Tabpage handles) is printed — goes back as that bin or ext, so a handle can be passed on.
json binaries(const json& v, int depth = 0) {
  if (depth > 128) return v;
  if (v.is_object() && v.size() == 2 && v.contains("bytes") && v.contains("subtype") &&
      v["bytes"].is_array()) {
    json::binary_t::container_type bytes;
    for (auto& b : v["bytes"]) {
      if (!b.is_number_unsigned() || b.get<std::uint64_t>() > 255) return v;
      bytes.push_back(b.get<std::uint8_t>());
    }
    if (v["subtype"].is_number_unsigned() && v["subtype"].get<std::uint64_t>() <= 255)
      return json::binary(std::move(bytes), v["subtype"].get<std::uint8_t>());
    if (v["subtype"].is_null()) return json::binary(std::move(bytes));
    return v;
  }
  if (v.is_array()) {
    json out = json::array();
    for (auto& e : v) out.push_back(binaries(e, depth + 1));
    return out;
  }
  if (v.is_object()) {
    json out = json::object();
    for (auto& [k, e] : v.items()) out[k] = binaries(e, depth + 1);
    return out;
  }
  return v;
}

// A JSON-RPC message as MessagePack-RPC bytes. Params go by position there.
std::string as_msgpack(const json& m) {
  mp::message out;
  if (m.contains("method")) {
    out.type = m.contains("id") ? mp::kind::request : mp::kind::notification;
    out.method = m["method"].get<std::string>();
    if (m.contains("params")) {
      if (!m["params"].is_array())
        vitnet::fail(exit_code::data,
                     "rpc: MessagePack-RPC params go by position (JSON values), "
                     "not by name");
      out.params = binaries(m["params"]);
    }
  } else {
    out.type = mp::kind::response;
    if (m.contains("error")) {
      const auto& e = m["error"];
      out.error = e.contains("data")
                      ? e["data"]
                      : json::array({e.value("code", -32000), e.value("message", "")});
    } else {
      out.result = m.value("result", json());
    }
  }
  if (m.contains("id")) {
    const auto& id = m["id"];
    if (!id.is_number_unsigned() || id.get<std::uint64_t>() > UINT32_MAX)
      vitnet::fail(exit_code::data, "rpc: MessagePack-RPC ids are unsigned 32-bit numbers");
    out.id = id.get<std::uint32_t>();
  }
  return mp::encode(out);
}

// ---- the conversation: one connection, a program, HTTP POSTs or a WebSocket session ------------

class conversation {
 public:
  virtual ~conversation() = default;
  /// Sends one message (a JSON-RPC message or batch as JSON).
  virtual task<void> send(const json& message) = 0;
  /// The next message from the server; `quiet` after --timeout without a byte, `end` when the
  /// server has closed (or, over HTTP, has nothing more to say).
  virtual task<heard> next() = 0;
  /// The end: the connection closes; a program gets its end of input, then SIGTERM, SIGKILL.
  virtual task<void> finish() = 0;
  /// Server requests and notifications can reach us (not over HTTP).
  virtual bool duplex() const { return true; }
  std::string peer;
};

// The two ends of a byte stream: one connection, or a child's stdout and stdin.
class stream_conversation final : public conversation {
 public:
  stream_conversation(net::context& ctx, const rpc_options& o, core::io& io)
      : ctx_(ctx), o_(o), io_(io), frames_(o.framing, o.max_message), unpacker_(o.max_message) {}

  void start_program() {
    child_ = ctx_.spawn(net::spawn_options{o_.exec, {}});
    peer = "'" + o_.exec + "'";
  }
  void adopt(net::stream conn, const net::endpoint& where) {
    conn_ = std::move(conn);
    peer = where.display();
  }

  task<void> send(const json& message) override {
    std::string bytes =
        o_.msgpack ? as_msgpack(message) : rpc::frame(o_.framing, rpc::dump(message));
    io_.verbose(2, "rpc: > {}", rpc::dump(message));
    // A server that takes nothing for --timeout is given up on, as one that says nothing is.
    net::watchdog stalled(ctx_, o_.timeout, [this] { close(); });
    auto wr = co_await writer().write_all(bytes);
    if (stalled.fired())
      vitnet::fail(exit_code::timeout, "rpc: {} took nothing for {}", peer,
                   core::format_duration(o_.timeout));
    if (wr.ec) failed("sending to", wr.ec);
  }

  task<heard> next() override {
    for (;;) {
      if (auto h = take()) co_return std::move(*h);
      if (ended_) co_return heard{heard::kind::end, {}};
      bool quiet = false;
      net::watchdog watch(ctx_, o_.timeout, [this, &quiet] {
        quiet = true;
        reader().cancel();
      });
      auto rd = co_await reader().read_some(buf_);
      watch.disarm();
      if (quiet) co_return heard{heard::kind::quiet, {}};
      if (rd.ec) {
        if (!net::is_eof(rd.ec)) failed("receiving from", rd.ec);
        ended_ = true;
        continue;
      }
      if (o_.msgpack)
        unpacker_.feed({buf_.data(), rd.n});
      else
        frames_.feed({buf_.data(), rd.n});
    }
  }

  task<void> finish() override {
    if (!child_) {
      conn_.shutdown_send();
      conn_.close();
      co_return;
    }
    child_->stdin_stream().close();
    {
      net::watchdog patience(ctx_, std::chrono::seconds(2), [this] { child_->kill(SIGTERM); });
      net::watchdog grace(ctx_, std::chrono::seconds(4), [this] { child_->kill(SIGKILL); });
      co_await child_->wait();
    }
  }

 private:
  // The next whole message held, if any; a stream that cannot be read on ends the call.
  std::optional<heard> take() {
    if (o_.msgpack) {
      auto m = unpacker_.next();
      for (auto& why : unpacker_.skipped())
        io_.warn("rpc: {} sent something that is not MessagePack-RPC, passed over: {}", peer, why);
      unpacker_.skipped().clear();
      if (m) return heard{heard::kind::message, as_jsonrpc(*m)};
      if (!unpacker_.error().empty())
        vitnet::fail(exit_code::protocol, "rpc: {}: {}", peer, unpacker_.error());
      return std::nullopt;
    }
    if (auto body = frames_.next()) return heard{heard::kind::message, std::move(*body)};
    if (!frames_.error().empty())
      vitnet::fail(exit_code::protocol, "rpc: {}: {}", peer, frames_.error());
    return std::nullopt;
  }

  // What TLS said beats "protocol error" (a server that wants a client certificate says so only
  // once the handshake is over, at the first read).
  [[noreturn]] void failed(const char* doing, std::error_code ec) {
    if (auto detail = conn_.failure_detail(); !child_ && !detail.empty())
      vitnet::fail(exit_code::protocol, "tls: {}: {}{}", peer, detail,
                   detail.find("certificate required") != std::string::npos
                       ? "; the server wants a client certificate: pass --cert and --key"
                       : "");
    vitnet::fail(exit_code::unavailable, "rpc: {} {}: {}", doing, peer, vitnet::describe(ec));
  }

  net::stream& reader() { return child_ ? child_->stdout_stream() : conn_; }
  net::stream& writer() { return child_ ? child_->stdin_stream() : conn_; }
  void close() {
    if (child_) {
      child_->stdin_stream().close();
      child_->stdout_stream().close();
    } else {
      conn_.close();
    }
  }

  net::context& ctx_;
  const rpc_options& o_;
  core::io& io_;
  net::stream conn_;
  std::unique_ptr<net::child_process> child_;
  rpc::deframer frames_;
  mp::decoder unpacker_;
  std::vector<char> buf_ = std::vector<char>(64 * 1024);
  bool ended_ = false;
};

// One POST per message; the body of the answer is the next message heard. A notification is
// done when the server accepts it (any 2xx). The answer is the JSON-RPC response in the body
// whatever the status (servers send errors with 500 as well as with 200).
class http_conversation final : public conversation {
 public:
  /// `servers`: tried in order until one is reached (a POST that could not connect was not
  /// delivered, so the next server may have it).
  http_conversation(net::context& ctx, const rpc_options& o, core::io& io,
                    std::vector<net::endpoint> servers)
      : ctx_(ctx), o_(o), io_(io), servers_(std::move(servers)), session_(ctx) {
    peer = servers_.front().display();
  }

  bool duplex() const override { return false; }

  task<void> send(const json& message) override {
    namespace hc = net::http_client;
    hc::options ho;
    ho.json_body = true;
    ho.connect_timeout = o_.connect_timeout;
    ho.idle_timeout = o_.timeout;
    ho.who = "rpc";
    ho.idle_option = "--timeout";
    ho.tls = o_.tls;
    hc::sink out(io_, hc::sink::kind::memory);
    out.memory_limit = o_.max_message;
    const std::string body = rpc::dump(message);
    io_.verbose(2, "rpc: > {}", body);
    auto keep = [](const hc::response&) { return hc::fate::keep; };
    hc::response r;
    for (;;) {
      hc::request rq{servers_[current_], "POST", true, &body, o_.headers};
      std::optional<vitnet::error> failed;
      try {
        r = co_await hc::exchange(session_, ho, io_, out, rq, keep, std::nullopt);
      } catch (const vitnet::error& e) {
        failed = e;
      }
      if (!failed) break;
      if (failed->code() != exit_code::unavailable || current_ + 1 >= servers_.size())
        throw *failed;
      io_.warn("{}; trying {}", failed->what(), servers_[current_ + 1].display());
      peer = servers_[++current_].display();
    }
    bool expects_answer = message.is_array() || message.contains("id");
    if (!expects_answer) {
      if (r.status < 200 || r.status > 299)
        vitnet::fail(exit_code::protocol, "rpc: {} refused the notification: HTTP {}", peer,
                     r.status);
      co_return;
    }
    if (r.body.empty())
      vitnet::fail(exit_code::protocol, "rpc: {} answered HTTP {} without a JSON-RPC response",
                   peer, r.status);
    answers_.push_back(std::move(r.body));
  }

  task<heard> next() override {
    if (answers_.empty()) co_return heard{heard::kind::end, {}};
    heard h{heard::kind::message, std::move(answers_.front())};
    answers_.pop_front();
    co_return h;
  }

  task<void> finish() override { co_return; }

 private:
  net::context& ctx_;
  const rpc_options& o_;
  core::io& io_;
  std::vector<net::endpoint> servers_;
  std::size_t current_ = 0;
  net::http_client::session session_;
  std::deque<std::string> answers_;
};

// One text message per message; the session runs on its own, its messages queued for next().
class ws_conversation final : public conversation {
 public:
  ws_conversation(net::context& ctx, const rpc_options& o, core::io& io)
      : ctx_(ctx), o_(o), io_(io), arrived_(ctx), done_(ctx) {}

  task<void> open(const net::endpoint& where, const net::dial_options& d) {
    ws_connect_options wo;
    wo.headers = o_.headers;
    wo.max_message = o_.max_message;
    auto link = co_await ws_open(ctx_, where, wo, o_.tls, d);
    conn_ = std::move(link.first);
    peer = where.display();
    session_ = std::make_unique<ws_session>(ctx_, conn_, proto::ws::role::client, o_.max_message);
    ctx_.start(run(std::move(link.second)));
  }

  task<void> send(const json& message) override {
    io_.verbose(2, "rpc: > {}", rpc::dump(message));
    if (!session_->send(proto::ws::opcode::text, rpc::dump(message)))
      vitnet::fail(exit_code::protocol, "rpc: {} ended the session ({})", peer, session_->reason());
    co_return;
  }

  task<heard> next() override {
    net::watchdog watch(ctx_, o_.timeout, [this] {
      quiet_ = true;
      arrived_.notify();
    });
    while (texts_.empty() && running_ && !quiet_) {
      bool woken = co_await arrived_.wait();
      if (!woken) break;
    }
    watch.disarm();
    if (!texts_.empty()) {
      heard h{heard::kind::message, std::move(texts_.front())};
      texts_.pop_front();
      co_return h;
    }
    if (quiet_) {
      quiet_ = false;
      co_return heard{heard::kind::quiet, {}};
    }
    co_return heard{heard::kind::end, {}};
  }

  task<void> finish() override {
    session_->close();
    while (running_) {
      bool woken = co_await done_.wait();
      if (!woken) break;
    }
  }

 private:
  task<void> run(std::string early) {
    co_await session_->run(std::move(early), [this](proto::ws::event& ev) {
      texts_.push_back(std::move(ev.data));
      arrived_.notify();
    });
    running_ = false;
    arrived_.notify();
    done_.notify();
  }

  net::context& ctx_;
  const rpc_options& o_;
  core::io& io_;
  net::stream conn_;
  std::unique_ptr<ws_session> session_;
  std::deque<std::string> texts_;
  net::event arrived_, done_;
  bool running_ = true, quiet_ = false;
};

// ---- the client
// ----------------------------------------------------------------------------------

class caller {
 public:
  caller(net::context& ctx, const rpc_options& o, core::io& io) : ctx_(ctx), o_(o), io_(io) {}

  task<int> run() {
    co_await open();
    int rc = 0;
    if (o_.mcp) co_await mcp_handshake();
    if (o_.what == rpc_options::mode::list) {
      rc = co_await list();
    } else if (!o_.script.empty()) {
      rc = co_await script();
    } else if (o_.batch) {
      rc = co_await batch();
    } else {
      rc = co_await single();
    }
    co_await conv_->finish();
    co_return rc;
  }

 private:
  // Connects to the first URL that answers (in order, or shuffled with --balance random).
  task<void> open() {
    if (!o_.exec.empty()) {
      auto s = std::make_unique<stream_conversation>(ctx_, o_, io_);
      s->start_program();
      conv_ = std::move(s);
      co_return;
    }
    std::vector<net::endpoint> order = o_.urls;
    if (o_.shuffle) {
      // From the context's random source: reproducible by seed on the mock network.
      std::uint8_t r[8];
      ctx_.random(r);
      std::uint64_t x = 0;
      for (auto b : r) x = x << 8 | b;
      std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(x % order.size()),
                  order.end());
    }
    for (std::size_t i = 0; i < order.size(); ++i) {
      const auto& where = order[i];
      bool last = i + 1 == order.size();
      if (where.is_http()) {
        // HTTP connects per POST: the first send tells whether a server answers.
        std::vector<net::endpoint> rest;
        for (std::size_t j = i; j < order.size(); ++j)
          if (order[j].is_http()) rest.push_back(order[j]);
        conv_ = std::make_unique<http_conversation>(ctx_, o_, io_, std::move(rest));
        co_return;
      }
      std::unique_ptr<conversation> c;
      std::optional<vitnet::error> failed;
      try {
        co_await connect(where, c);
      } catch (const vitnet::error& e) {
        failed = e;
      }
      if (!failed) {
        conv_ = std::move(c);
        io_.verbose(1, "rpc: connected to {}", where.display());
        co_return;
      }
      // Another server may answer when this one cannot be reached; a TLS or handshake failure
      // is this client's problem, and is said as it is.
      auto code = failed->code();
      if (last || (code != exit_code::unavailable && code != exit_code::timeout)) throw *failed;
      io_.warn("{}; trying {}", failed->what(), order[i + 1].display());
    }
  }

  task<void> connect(const net::endpoint& where, std::unique_ptr<conversation>& out) {
    if (where.tls && net::for_endpoint(o_.tls, where).insecure)
      io_.warn("tls: certificate verification is off (--insecure)");
    net::dial_options d{o_.connect_timeout, o_.retry, std::chrono::seconds(1),
                        [this](int attempt, const std::string& why, net::duration wait) {
                          io_.warn("{} (retry {}/{} in {})", why, attempt, o_.retry,
                                   core::format_duration(wait));
                        }};
    if (where.is_ws()) {
      auto w = std::make_unique<ws_conversation>(ctx_, o_, io_);
      co_await w->open(where, d);
      out = std::move(w);
      co_return;
    }
    auto conn = co_await net::dial(ctx_, where, d);
    if (where.tls)
      conn = co_await net::tls_connect(ctx_, std::move(conn), net::for_endpoint(o_.tls, where),
                                       o_.connect_timeout);
    auto s = std::make_unique<stream_conversation>(ctx_, o_, io_);
    s->adopt(std::move(conn), where);
    out = std::move(s);
  }

  json request(const std::string& method, const std::optional<json>& params, bool notify) {
    rpc::request req;
    req.method = method;
    req.params = params;
    if (!notify) req.id = json(++next_id_);
    return rpc::to_json(req);
  }

  // Sends a call and reads until its answer, answering the server's requests meanwhile.
  task<rpc::response> call(const json& sent) {
    co_await conv_->send(sent);
    for (;;) {
      auto h = co_await conv_->next();
      if (h.what == heard::kind::quiet)
        vitnet::fail(exit_code::timeout, "rpc: no answer from {} within {}", conv_->peer,
                     core::format_duration(o_.timeout));
      if (h.what == heard::kind::end)
        vitnet::fail(exit_code::protocol, "rpc: {} closed the connection without answering",
                     conv_->peer);
      std::vector<json> replies;
      auto found = sort(h.text, sent["id"], replies, false);
      for (const auto& reply : replies) co_await conv_->send(reply);
      if (found) co_return std::move(*found);
    }
  }

  // What one text from the server holds: the response to `id` if it is there; the answers owed
  // to requests the server made meanwhile go into `replies`; with `print_notes`, notifications go
  // to stdout as NDJSON (--follow) and are counted. Texts and members that are not JSON-RPC are
  // passed over with a warning.
  std::optional<rpc::response> sort(std::string_view text, const json& id,
                                    std::vector<json>& replies, bool print_notes) {
    auto in = rpc::decode(text);
    if (in.whole)
      io_.warn("rpc: {} sent something that is not JSON-RPC ({} bytes), passed over", conv_->peer,
               text.size());
    std::optional<rpc::response> found;
    for (auto& m : in.messages) {
      if (auto* r = std::get_if<rpc::response>(&m)) {
        if (!found && r->id == id)
          found = std::move(*r);
        else
          io_.verbose(1, "rpc: a response to id {} nobody asked for, passed over",
                      rpc::dump(r->id));
      } else if (auto* q = std::get_if<rpc::request>(&m)) {
        if (q->is_notification() && print_notes) {
          json note = {{"method", q->method}};
          if (q->params) note["params"] = *q->params;
          io_.out(rpc::dump(note) + "\n");
          ++notes_;
        } else if (q->is_notification() && !wait_for_.empty() && q->method == wait_for_) {
          wait_for_.clear();
        } else if (auto reply = reply_to(*q)) {
          replies.push_back(std::move(*reply));
        }
      } else {
        io_.warn("rpc: {} sent an invalid message: {}", conv_->peer,
                 std::get<rpc::invalid>(m).reply.failure->data.value_or(json("")).dump());
      }
    }
    return found;
  }

  // The server asked something of its client (LSP servers do): an answer, so that it does not
  // wait on us; notifications need none.
  std::optional<json> reply_to(const rpc::request& q) {
    if (q.is_notification()) {
      io_.verbose(1, "rpc: notification {} {}", q.method, q.params ? rpc::dump(*q.params) : "");
      return std::nullopt;
    }
    rpc::response reply;
    reply.id = *q.id;
    if (harmless(q.method)) {
      reply.result = nullptr;
    } else {
      reply = rpc::failure(*q.id, rpc::method_not_found,
                           "vitnet rpc call answers no requests ('" + q.method + "')");
    }
    io_.verbose(1, "rpc: {} asked {}; answered {}", conv_->peer, q.method,
                reply.failure ? "method not found" : "null");
    return rpc::to_json(reply);
  }

  // Prints an answer: the result, or the error object (exit 1); with --json the whole exchange.
  bool show(const json& sent, const rpc::response& answer, net::clock::time_point started) {
    const bool failed = answer.failure.has_value();
    json got = rpc::to_json(answer);
    if (io_.json()) {
      io_.out(rpc::dump(json{{"request", sent},
                             {"response", got},
                             {"id", answer.id},
                             {"time_s", core::seconds(ctx_.now() - started)}}) +
              "\n");
    } else if (failed) {
      io_.out(rpc::dump(got["error"]) + "\n");  // the error object, as data
      io_.warn("rpc: {} answered error {}: {}", conv_->peer, answer.failure->code,
               answer.failure->message);
    } else {
      io_.out(rpc::dump(*answer.result) + "\n");
    }
    return !failed;
  }

  task<int> single() {
    json sent = request(o_.method, o_.params, o_.notify());
    auto started = ctx_.now();
    if (o_.notify()) {
      co_await conv_->send(sent);
      co_return 0;
    }
    auto answer = co_await call(sent);
    bool ok = show(sent, answer, started);
    if (o_.follow) {
      int rc = co_await follow();
      if (rc != 0) co_return rc;
    }
    co_return ok ? 0 : 1;
  }

  // --follow: the notifications after the reply, as NDJSON, until --count of them, the server's
  // end, or --timeout without one.
  task<int> follow() {
    if (!conv_->duplex())
      vitnet::fail(exit_code::usage, "rpc: --follow needs a connection (not http://)");
    while (o_.count == 0 || notes_ < o_.count) {
      auto h = co_await conv_->next();
      if (h.what != heard::kind::message) {
        if (o_.count == 0) break;
        vitnet::fail(h.what == heard::kind::quiet ? exit_code::timeout : exit_code::protocol,
                     "rpc: {} notification{} of {} from {} {}", notes_, notes_ == 1 ? "" : "s",
                     o_.count, conv_->peer,
                     h.what == heard::kind::quiet
                         ? "before " + core::format_duration(o_.timeout) + " of silence"
                         : "before it closed");
      }
      std::vector<json> replies;
      sort(h.text, json("no call"), replies, true);
      for (const auto& reply : replies) co_await conv_->send(reply);
    }
    co_return 0;
  }

  // --batch: sent as it is; the answer printed as an array in the order of the batch.
  task<int> batch() {
    const json& b = *o_.batch;
    std::vector<json> ids;
    // A batch of notifications gets no reply; an empty one, or one with members that are not
    // valid messages, gets error answers even without ids to wait for.
    bool owed = b.empty();
    for (auto& m : b) {
      if (m.is_object() && m.contains("id") && m.contains("method"))
        ids.push_back(m["id"]);
      else if (!(m.is_object() && m.contains("method") && m["method"].is_string()))
        owed = true;
    }
    auto started = ctx_.now();
    co_await conv_->send(b);
    std::map<std::string, json> answers;  // by the id's JSON text
    while (answers.size() < ids.size() || (owed && answers.empty())) {
      auto h = co_await conv_->next();
      if (h.what == heard::kind::quiet)
        vitnet::fail(exit_code::timeout, "rpc: {} of {} answers from {} within {}", answers.size(),
                     ids.size(), conv_->peer, core::format_duration(o_.timeout));
      if (h.what == heard::kind::end) {
        if (ids.empty() && !owed) break;
        vitnet::fail(exit_code::protocol, "rpc: {} closed after {} of {} answers", conv_->peer,
                     answers.size(), ids.size());
      }
      auto in = rpc::decode(h.text);
      if (in.whole) {  // the batch as a whole was refused (-32700, -32600)
        answers.clear();
        ids.clear();
        io_.out(rpc::dump(rpc::to_json(*in.whole)) + "\n");
        co_return 1;
      }
      for (auto& m : in.messages)
        if (auto* r = std::get_if<rpc::response>(&m)) {
          answers[rpc::dump(r->id)] = rpc::to_json(*r);
        } else if (auto* q = std::get_if<rpc::request>(&m)) {
          if (auto reply = reply_to(*q)) co_await conv_->send(*reply);
        } else {
          // A member that was not valid: its error response, with a null id.
          answers["invalid#" + std::to_string(answers.size())] =
              rpc::to_json(std::get<rpc::invalid>(m).reply);
        }
      if (ids.empty() && !answers.empty()) break;
    }
    json out = json::array();
    bool failed = false;
    for (auto& id : ids) {
      auto it = answers.find(rpc::dump(id));
      if (it == answers.end()) continue;
      failed = failed || it->second.contains("error");
      out.push_back(it->second);
      answers.erase(it);
    }
    for (auto& [key, a] : answers) {  // answers to members the batch did not hold as calls
      failed = failed || a.contains("error");
      out.push_back(a);
    }
    if (io_.json())
      io_.out(
          rpc::dump(json{
              {"request", b}, {"response", out}, {"time_s", core::seconds(ctx_.now() - started)}}) +
          "\n");
    else
      io_.out(rpc::dump(out) + "\n");
    co_return failed ? 1 : 0;
  }

  // --script: each step in turn on the one connection; a call's answer printed as it comes.
  task<int> script() {
    bool failed = false;
    for (const auto& step : o_.script) {
      if (step.type == rpc_step::kind::wait) {
        co_await wait(step.method);
        continue;
      }
      json sent = request(step.method, step.params, step.type == rpc_step::kind::notify);
      if (step.type == rpc_step::kind::notify) {
        co_await conv_->send(sent);
        continue;
      }
      auto started = ctx_.now();
      auto answer = co_await call(sent);
      failed = !show(sent, answer, started) || failed;
    }
    co_return failed ? 1 : 0;
  }

  // Reads until the server sends notification `method` (answering its requests meanwhile).
  task<void> wait(const std::string& method) {
    wait_for_ = method;
    while (!wait_for_.empty()) {
      auto h = co_await conv_->next();
      if (h.what != heard::kind::message)
        vitnet::fail(h.what == heard::kind::quiet ? exit_code::timeout : exit_code::protocol,
                     "rpc: no {} notification from {} ({})", method, conv_->peer,
                     h.what == heard::kind::quiet
                         ? "nothing for " + core::format_duration(o_.timeout)
                         : "it closed");
      std::vector<json> replies;
      sort(h.text, json("no call"), replies, false);
      for (const auto& reply : replies) co_await conv_->send(reply);
    }
  }

  // MCP's handshake: initialize with this client's name and the protocol version, then the
  // initialized notification; the server's answer is shown with -v.
  task<void> mcp_handshake() {
    json params = {{"protocolVersion", "2025-06-18"},
                   {"capabilities", json::object()},
                   {"clientInfo", {{"name", "vitnet"}, {"version", VITNET_VERSION}}}};
    json sent = request("initialize", params, false);
    auto answer = co_await call(sent);
    if (answer.failure)
      vitnet::fail(exit_code::protocol, "rpc: {} refused MCP's initialize: {} {}", conv_->peer,
                   answer.failure->code, answer.failure->message);
    if (answer.result && answer.result->is_object())
      io_.verbose(1, "rpc: MCP server {} (protocol {})",
                  rpc::dump(answer.result->value("serverInfo", json())),
                  rpc::dump(answer.result->value("protocolVersion", json())));
    co_await conv_->send(request("notifications/initialized", std::nullopt, true));
  }

  // rpc list: what the server offers — rpc.discover's OpenRPC document, or Neovim's API.
  task<int> list() {
    const bool nvim = o_.msgpack;
    json sent = request(nvim ? "nvim_get_api_info" : "rpc.discover", std::nullopt, false);
    auto answer = co_await call(sent);
    if (answer.failure)
      vitnet::fail(exit_code::protocol, "rpc: {} answered {} with error {}: {}", conv_->peer,
                   sent["method"].get<std::string>(), answer.failure->code,
                   answer.failure->message);
    json doc = answer.result.value_or(json());
    if (nvim) doc = nvim_document(doc);
    if (io_.json())
      io_.out(rpc::dump(doc) + "\n");
    else
      io_.out(openrpc::table(doc));
    co_return 0;
  }

  // Neovim's API ([channel, {functions: [{name, parameters: [[type, name]...], return_type}]}])
  // as an OpenRPC document.
  static json nvim_document(const json& info) {
    json methods = json::array();
    const json* api = info.is_array() && info.size() == 2 ? &info[1] : nullptr;
    std::string version;
    if (api && api->is_object()) {
      if (auto v = api->find("version"); v != api->end() && v->is_object())
        version = fmt::format("{}.{}.{}", v->value("major", 0), v->value("minor", 0),
                              v->value("patch", 0));
      if (auto fns = api->find("functions"); fns != api->end() && fns->is_array())
        for (auto& f : *fns) {
          if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) continue;
          json m = {{"name", f["name"]}, {"params", json::array()}};
          if (auto ps = f.find("parameters"); ps != f.end() && ps->is_array())
            for (auto& p : *ps)
              if (p.is_array() && p.size() == 2 && p[0].is_string() && p[1].is_string())
                m["params"].push_back(
                    {{"name", p[1]}, {"required", true}, {"schema", {{"type", p[0]}}}});
          if (auto r = f.find("return_type"); r != f.end() && r->is_string())
            m["result"] = {{"name", "result"}, {"schema", {{"type", *r}}}};
          methods.push_back(std::move(m));
        }
    }
    return openrpc::make_document("Neovim", version, std::move(methods));
  }

  net::context& ctx_;
  const rpc_options& o_;
  core::io& io_;
  std::unique_ptr<conversation> conv_;
  std::uint32_t next_id_ = 0;  ///< unsigned 32-bit: what MessagePack-RPC ids are
  std::uint64_t notes_ = 0;
  std::string wait_for_;
};

}  // namespace

std::optional<json> params_from_words(const std::vector<std::string>& words, std::string& error) {
  if (words.empty()) return std::nullopt;
  json by_position = json::array(), by_name = json::object();
  for (const auto& w : words) {
    if (auto v = core::parse_peer_json(w)) {
      by_position.push_back(std::move(*v));
      continue;
    }
    auto eq = w.find('=');
    if (eq != std::string::npos && param_name(std::string_view(w).substr(0, eq))) {
      auto value = std::string_view(w).substr(eq + 1);
      auto v = core::parse_peer_json(value);
      by_name[w.substr(0, eq)] = v ? std::move(*v) : json(std::string(value));
      continue;
    }
    error = fmt::format(
        "'{}' is neither JSON nor NAME=VALUE (a string by position is quoted: '\"{}\"')", w, w);
    return std::nullopt;
  }
  if (!by_position.empty() && !by_name.empty()) {
    error = "params go by position (JSON values) or by name (NAME=VALUE), not both";
    return std::nullopt;
  }
  return by_name.empty() ? by_position : by_name;
}

std::vector<rpc_step> parse_script(std::string_view text, const std::string& name) {
  std::vector<std::pair<json, std::size_t>> steps;  // with the line each starts on
  auto trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
    trimmed.remove_prefix(1);
  if (trimmed.starts_with("[")) {
    auto all = core::parse_peer_json(text);
    if (!all || !all->is_array())
      vitnet::fail(exit_code::data, "{}: not a JSON array of steps", name);
    for (auto& s : *all) steps.emplace_back(s, 0);
  } else {
    std::size_t line = 0;
    for (std::size_t at = 0; at < text.size();) {
      auto nl = text.find('\n', at);
      auto l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
      at = nl == std::string_view::npos ? text.size() : nl + 1;
      ++line;
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      auto v = core::parse_peer_json(l);
      if (!v) vitnet::fail(exit_code::data, "{}:{}: not JSON", name, line);
      steps.emplace_back(std::move(*v), line);
    }
  }
  std::vector<rpc_step> out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& [s, line] = steps[i];
    auto where = line ? fmt::format("{}:{}", name, line) : fmt::format("{}: step {}", name, i + 1);
    if (!s.is_object()) vitnet::fail(exit_code::data, "{}: a step is a JSON object", where);
    rpc_step step;
    int kinds = 0;
    for (auto [key, kind] :
         {std::pair{"call", rpc_step::kind::call}, std::pair{"notify", rpc_step::kind::notify},
          std::pair{"wait", rpc_step::kind::wait}})
      if (s.contains(key)) {
        ++kinds;
        step.type = kind;
        if (!s[key].is_string() || s[key].get<std::string>().empty())
          vitnet::fail(exit_code::data, "{}: \"{}\" names a method (a string)", where, key);
        step.method = s[key].get<std::string>();
      }
    if (kinds != 1)
      vitnet::fail(exit_code::data, "{}: give one of \"call\", \"notify\" and \"wait\"", where);
    for (auto& [key, v] : s.items())
      if (key != "call" && key != "notify" && key != "wait" && key != "params")
        vitnet::fail(exit_code::data, "{}: unknown key \"{}\"", where, key);
    if (s.contains("params")) {
      if (step.type == rpc_step::kind::wait || !(s["params"].is_array() || s["params"].is_object()))
        vitnet::fail(exit_code::data,
                     "{}: \"params\" is an array or an object, for a call or "
                     "a notification",
                     where);
      step.params = s["params"];
    }
    out.push_back(std::move(step));
  }
  if (out.empty()) vitnet::fail(exit_code::data, "{}: no steps", name);
  return out;
}

task<int> run_rpc(net::context& ctx, const rpc_options& opts, core::io& io) {
  if (!opts.nats_url.empty()) co_return co_await run_rpc_nats(ctx, opts, io);
  caller c(ctx, opts, io);
  co_return co_await c.run();
}

}  // namespace commands

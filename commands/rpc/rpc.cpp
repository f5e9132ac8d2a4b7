#include "commands/rpc/rpc.hpp"

#include <csignal>

#include "commands/connect/ws/client.hpp"
#include "commands/ws/session.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "net/deadline.hpp"
#include "net/http_client/http_client.hpp"
#include "proto/jsonrpc/message.hpp"

namespace commands {

namespace {

using core::exit_code;
using net::task;
namespace rpc = proto::jsonrpc;
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

// The two ends of the conversation: one connection, or a child's stdout and stdin.
struct channel {
  net::stream conn;
  std::unique_ptr<net::child_process> child;
  net::stream& reader() { return child ? child->stdout_stream() : conn; }
  net::stream& writer() { return child ? child->stdin_stream() : conn; }
  void close() {
    if (child) {
      child->stdin_stream().close();
      child->stdout_stream().close();
    } else {
      conn.close();
    }
  }
};

class caller {
 public:
  caller(net::context& ctx, const rpc_options& o, core::io& io) : ctx_(ctx), o_(o), io_(io) {}

  task<int> run() {
    rpc::request req;
    req.method = o_.method;
    req.params = o_.params;
    if (!o_.notify) req.id = json(1);
    const json sent = rpc::to_json(req);
    auto started = ctx_.now();
    std::optional<rpc::response> answer;
    if (o_.where && o_.where->is_http()) {
      answer = co_await over_http(sent);
    } else if (o_.where && o_.where->is_ws()) {
      answer = co_await over_ws(sent);
    } else {
      co_await open();
      if (auto ec = co_await send(sent); ec)
        vitnet::fail(exit_code::unavailable, "rpc: sending to {}: {}", peer(),
                     vitnet::describe(ec));
      if (!o_.notify) answer = co_await receive(*req.id);
      co_await finish();
    }
    if (!answer) co_return 0;  // a notification
    const bool failed = answer->failure.has_value();
    json got = rpc::to_json(*answer);
    if (io_.json()) {
      io_.out(rpc::dump(json{{"request", sent},
                             {"response", got},
                             {"id", answer->id},
                             {"time_s", core::seconds(ctx_.now() - started)}}) +
              "\n");
    } else if (failed) {
      io_.out(rpc::dump(got["error"]) + "\n");  // the error object, as data
      io_.warn("rpc: {} answered error {}: {}", peer(), answer->failure->code,
               answer->failure->message);
    } else {
      io_.out(rpc::dump(*answer->result) + "\n");
    }
    co_return failed ? 1 : 0;
  }

 private:
  // One POST per call. A notification is done when the server accepts it (any 2xx); a call's
  // answer is the JSON-RPC response in the body, whatever the status (servers send errors with
  // 500 as well as with 200).
  task<std::optional<rpc::response>> over_http(const json& sent) {
    namespace hc = net::http_client;
    hc::session session(ctx_);
    hc::options ho;
    ho.json_body = true;
    ho.connect_timeout = o_.connect_timeout;
    ho.idle_timeout = o_.timeout;
    ho.tls = o_.tls;
    hc::sink out(io_, hc::sink::kind::memory);
    out.memory_limit = o_.max_message;
    const std::string body = rpc::dump(sent);
    hc::request rq{*o_.where, "POST", true, &body, o_.headers};
    auto keep = [](const hc::response&) { return hc::fate::keep; };
    auto r = co_await hc::exchange(session, ho, io_, out, rq, keep, std::nullopt);
    if (o_.notify) {
      if (r.status < 200 || r.status > 299)
        vitnet::fail(exit_code::protocol, "rpc: {} refused the notification: HTTP {}", peer(),
                     r.status);
      co_return std::nullopt;
    }
    std::vector<json> unanswerable;  // a POST's answer is no place for requests to the client
    if (auto answer = sort(r.body, sent["id"], unanswerable)) co_return answer;
    vitnet::fail(exit_code::protocol, "rpc: {} answered HTTP {} without a JSON-RPC response{}",
                 peer(), r.status, r.body.empty() ? "" : ": " + core::truncate_utf8(r.body, 200));
  }

  // One text message per message. The session ends with a normal close once the answer is in
  // (or, for a notification, once it is sent).
  task<std::optional<rpc::response>> over_ws(const json& sent) {
    ws_connect_options wo;
    wo.headers = o_.headers;
    wo.max_message = o_.max_message;
    net::dial_options d{o_.connect_timeout, o_.retry, std::chrono::seconds(1), {}};
    auto link = co_await ws_open(ctx_, *o_.where, wo, o_.tls, d);
    net::stream conn = std::move(link.first);
    ws_session session(ctx_, conn, proto::ws::role::client, o_.max_message);
    bool timed_out = false;
    net::watchdog quiet(ctx_, o_.timeout, [&] {
      timed_out = true;
      conn.close();
    });
    session.watch(&quiet);
    std::optional<rpc::response> answer;
    session.send(proto::ws::opcode::text, rpc::dump(sent));
    if (o_.notify) session.close();
    auto on_message = [&](proto::ws::event& ev) {
      if (answer) return;
      std::vector<json> replies;
      answer = sort(ev.data, sent["id"], replies);
      for (const auto& reply : replies) session.send(proto::ws::opcode::text, rpc::dump(reply));
      if (answer) session.close();
    };
    co_await session.run(std::move(link.second), on_message);
    quiet.disarm();
    if (o_.notify) co_return std::nullopt;
    if (timed_out)
      vitnet::fail(exit_code::timeout, "rpc: no answer from {} within {}", peer(),
                   core::format_duration(o_.timeout));
    if (!answer)
      vitnet::fail(exit_code::protocol, "rpc: {} ended the session without answering ({})", peer(),
                   session.reason());
    co_return answer;
  }

  std::string peer() const { return o_.where ? o_.where->display() : "'" + o_.exec + "'"; }

  task<void> open() {
    if (!o_.exec.empty()) {
      ch_.child = ctx_.spawn(net::spawn_options{o_.exec, {}});
      co_return;
    }
    net::dial_options d{o_.connect_timeout, o_.retry, std::chrono::seconds(1),
                        [this](int attempt, const std::string& why, net::duration wait) {
                          io_.warn("{} (retry {}/{} in {})", why, attempt, o_.retry,
                                   core::format_duration(wait));
                        }};
    ch_.conn = co_await net::dial(ctx_, *o_.where, d);
    if (o_.where->tls) {
      auto opts = net::for_endpoint(o_.tls, *o_.where);
      if (opts.insecure) io_.warn("tls: certificate verification is off (--insecure)");
      ch_.conn = co_await net::tls_connect(ctx_, std::move(ch_.conn), opts, o_.connect_timeout);
    }
    io_.verbose(1, "rpc: connected to {}", peer());
  }

  task<std::error_code> send(const json& message) {
    std::string framed = rpc::frame(o_.framing, rpc::dump(message));
    io_.verbose(2, "rpc: > {}", rpc::dump(message));
    // A server that takes nothing for --timeout is given up on, as one that says nothing is.
    net::watchdog stalled(ctx_, o_.timeout, [this] { ch_.close(); });
    auto wr = co_await ch_.writer().write_all(framed);
    if (stalled.fired())
      vitnet::fail(exit_code::timeout, "rpc: {} took nothing for {}", peer(),
                   core::format_duration(o_.timeout));
    co_return wr.ec;
  }

  // Reads until the response to `id`, answering the server's own requests meanwhile.
  task<rpc::response> receive(const json& id) {
    rpc::deframer frames(o_.framing, o_.max_message);
    std::vector<char> buf(64 * 1024);
    bool timed_out = false;
    net::watchdog quiet(ctx_, o_.timeout, [this, &timed_out] {
      timed_out = true;
      ch_.close();
    });
    for (;;) {
      auto rd = co_await ch_.reader().read_some(buf);
      if (timed_out)
        vitnet::fail(exit_code::timeout, "rpc: no answer from {} within {}", peer(),
                     core::format_duration(o_.timeout));
      if (rd.ec) {
        if (net::is_eof(rd.ec))
          vitnet::fail(exit_code::protocol, "rpc: {} closed the connection without answering",
                       peer());
        vitnet::fail(exit_code::unavailable, "rpc: receiving from {}: {}", peer(),
                     vitnet::describe(rd.ec));
      }
      quiet.touch();
      frames.feed({buf.data(), rd.n});
      while (auto body = frames.next()) {
        std::vector<json> replies;
        auto found = sort(*body, id, replies);
        for (const auto& reply : replies) co_await send(reply);
        if (found) co_return std::move(*found);
      }
      if (!frames.error().empty())
        vitnet::fail(exit_code::protocol, "rpc: {}: {}", peer(), frames.error());
    }
  }

  // What one text from the server (a line, a body, a message) holds: the response to `id` if it
  // is there; the answers owed to requests the server made meanwhile go into `replies`. Texts
  // and members that are not JSON-RPC are passed over with a warning.
  std::optional<rpc::response> sort(std::string_view text, const json& id,
                                    std::vector<json>& replies) {
    auto in = rpc::decode(text);
    if (in.whole)
      io_.warn("rpc: {} sent something that is not JSON-RPC ({} bytes), passed over", peer(),
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
        if (auto reply = reply_to(*q)) replies.push_back(std::move(*reply));
      } else {
        io_.warn("rpc: {} sent an invalid message: {}", peer(),
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
    io_.verbose(1, "rpc: {} asked {}; answered {}", peer(), q.method,
                reply.failure ? "method not found" : "null");
    return rpc::to_json(reply);
  }

  // The connection ends; a child gets its end of input and a moment to go, then SIGTERM, then
  // SIGKILL.
  task<void> finish() {
    if (!ch_.child) {
      ch_.conn.shutdown_send();
      ch_.conn.close();
      co_return;
    }
    ch_.child->stdin_stream().close();
    {
      net::watchdog patience(ctx_, std::chrono::seconds(2), [this] { ch_.child->kill(SIGTERM); });
      net::watchdog grace(ctx_, std::chrono::seconds(4), [this] { ch_.child->kill(SIGKILL); });
      co_await ch_.child->wait();
    }
  }

  net::context& ctx_;
  const rpc_options& o_;
  core::io& io_;
  channel ch_;
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

task<int> run_rpc(net::context& ctx, const rpc_options& opts, core::io& io) {
  caller c(ctx, opts, io);
  co_return co_await c.run();
}

}  // namespace commands

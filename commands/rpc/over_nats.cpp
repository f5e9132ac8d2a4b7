#include "commands/rpc/over_nats.hpp"

#include <map>

#include "commands/mq/nats_client.hpp"
#include "commands/serve/session.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/units.hpp"
#include "net/event.hpp"
#include "proto/nats/protocol.hpp"

namespace commands {

using core::exit_code;
using json = nlohmann::ordered_json;
using net::task;

namespace {

// The JSON-RPC request for a message on NAME.METHOD.
std::string as_request(std::string_view payload, const std::string& method, std::uint64_t n) {
  auto v = core::parse_peer_json(payload);
  if (v && v->is_object() && v->contains("jsonrpc")) {
    (*v)["method"] = method;
    if (!v->contains("id")) (*v)["id"] = n;  // over request/reply every message is answered
    return v->dump();
  }
  nlohmann::json q{{"jsonrpc", "2.0"}, {"id", n}, {"method", method}};
  if (v && (v->is_array() || v->is_object())) q["params"] = std::move(*v);
  return q.dump();
}

struct endpoint_stats {
  std::uint64_t requests = 0, errors = 0;
  std::string last_error;
  net::duration processing{};
};

// Shared: each call in progress holds it (it may finish after run_rpc_nats_serve's frame).
class nats_rpc_server : public std::enable_shared_from_this<nats_rpc_server> {
 public:
  nats_rpc_server(net::context& ctx, const rpc_nats_serve_options& o,
                  std::shared_ptr<message_service> service, core::io& io)
      : ctx_(ctx),
        o_(o),
        service_(std::move(service)),
        io_(io),
        client_(ctx, options(o), io),
        settled_(ctx),
        started_(ctx.calendar_now()) {
    std::uint8_t r[16];
    ctx_.random(r);
    for (auto b : r) id_ += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[b % 36];
  }

  task<int> run() {
    co_await client_.connect();
    co_await discover_methods();
    client_.subscribe(o_.name + ".>", o_.name);
    for (std::string verb : {"PING", "INFO", "STATS"}) {
      client_.subscribe("$SRV." + verb);
      client_.subscribe("$SRV." + verb + "." + o_.name);
      client_.subscribe("$SRV." + verb + "." + o_.name + "." + id_);
    }
    co_await client_.flush(std::chrono::seconds(10));
    io_.note("rpc: serving {}@{} on {} as {}.METHOD (queue group {}), id {}", o_.name, o_.version,
             o_.url, o_.name, o_.name, id_);
    for (;;) {
      while (in_flight_ >= o_.max_in_flight) {
        bool woken = co_await settled_.wait();
        if (!woken) break;
      }
      auto m = co_await client_.next(std::chrono::hours(24));
      if (!m) continue;
      if (m->subject.starts_with("$SRV.")) {
        answer_discovery(*m);
        continue;
      }
      ++in_flight_;
      ctx_.start(answer(std::move(*m)));
    }
  }

 private:
  static mq::nats_client_options options(const rpc_nats_serve_options& o) {
    mq::nats_client_options n;
    n.url = mq::parse_mq_url(o.url);
    n.tls = o.tls;
    n.name = o.name;
    n.reconnects = o.reconnects;
    return n;
  }

  // The methods served, from the service's own rpc.discover.
  task<void> discover_methods() {
    conn_stats st{0, "nats", ctx_.now()};
    std::string q = R"({"jsonrpc":"2.0","id":0,"method":"rpc.discover"})";
    auto answer = co_await service_->answer_http(q, st);
    if (!answer) co_return;
    auto doc = core::parse_peer_json(*answer);
    if (!doc || !doc->contains("result")) co_return;
    for (auto& m : (*doc)["result"].value("methods", nlohmann::json::array()))
      if (m.contains("name") && m["name"].is_string())
        methods_.push_back(m["name"].get<std::string>());
  }

  task<void> answer(mq::nats_message m) {
    auto self = shared_from_this();
    const std::string method = m.subject.substr(o_.name.size() + 1);
    const auto began = ctx_.now();
    conn_stats st{++calls_, "nats:" + m.subject, began};
    auto request = as_request(m.payload, method, calls_);
    auto reply = co_await service_->answer_http(request, st);
    auto& e = stats_[method];
    ++e.requests;
    e.processing += ctx_.now() - began;
    if (reply) {
      auto v = core::parse_peer_json(*reply);
      if (v && v->is_object() && v->contains("error")) {
        ++e.errors;
        e.last_error = (*v)["error"].value("message", std::string());
      }
      if (!m.reply.empty()) client_.publish(m.reply, "", "", *reply);
      client_.kick_now();
    }
    --in_flight_;
    settled_.notify();
  }

  json endpoints(bool with_stats) const {
    json out = json::array();
    for (const auto& method : methods_) {
      json e{{"name", method}, {"subject", o_.name + "." + method}, {"queue_group", o_.name}};
      if (with_stats) {
        auto it = stats_.find(method);
        endpoint_stats s = it == stats_.end() ? endpoint_stats{} : it->second;
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(s.processing).count();
        e["num_requests"] = s.requests;
        e["num_errors"] = s.errors;
        e["last_error"] = s.last_error;
        e["processing_time"] = ns;
        e["average_processing_time"] = s.requests ? ns / std::int64_t(s.requests) : 0;
      }
      out.push_back(std::move(e));
    }
    return out;
  }

  void answer_discovery(const mq::nats_message& m) {
    if (m.reply.empty()) return;
    const std::string verb = m.subject.substr(5, m.subject.find('.', 5) - 5);
    json j{{"name", o_.name}, {"id", id_}, {"version", o_.version}, {"metadata", json::object()}};
    if (verb == "PING") {
      j = json{{"type", "io.nats.micro.v1.ping_response"},
               {"name", o_.name},
               {"id", id_},
               {"version", o_.version},
               {"metadata", json::object()}};
    } else if (verb == "INFO") {
      j = json{{"type", "io.nats.micro.v1.info_response"},
               {"name", o_.name},
               {"id", id_},
               {"version", o_.version},
               {"metadata", json::object()},
               {"description", "JSON-RPC 2.0 service served by vitnet rpc serve"},
               {"endpoints", endpoints(false)}};
    } else if (verb == "STATS") {
      j = json{{"type", "io.nats.micro.v1.stats_response"},
               {"name", o_.name},
               {"id", id_},
               {"version", o_.version},
               {"metadata", json::object()},
               {"started", core::format_timestamp(started_, 6)},
               {"endpoints", endpoints(true)}};
    } else {
      return;
    }
    client_.publish(m.reply, "", "", j.dump());
    client_.kick_now();
  }

  net::context& ctx_;
  const rpc_nats_serve_options& o_;
  std::shared_ptr<message_service> service_;
  core::io& io_;
  mq::nats_client client_;
  net::event settled_;
  std::chrono::system_clock::time_point started_;
  std::string id_;
  std::vector<std::string> methods_;
  std::map<std::string, endpoint_stats> stats_;
  std::uint64_t calls_ = 0;
  std::size_t in_flight_ = 0;
};

mq::nats_client_options client_options(const rpc_options& o, const mq::mq_url& url) {
  mq::nats_client_options n;
  n.url = url;
  n.tls = o.tls;
  n.connect_timeout = o.connect_timeout;
  return n;
}

task<int> call(net::context& ctx, const rpc_options& o, const mq::mq_url& url, core::io& io) {
  if (url.path.empty()) vitnet::fail(exit_code::usage, "rpc: name the service: nats://BROKER/NAME");
  mq::nats_client c(ctx, client_options(o, url), io);
  co_await c.connect();
  const std::string subject = url.path + "." + o.method;
  nlohmann::json q{{"jsonrpc", "2.0"}, {"method", o.method}};
  if (!o.notify()) q["id"] = 1;
  if (o.params) q["params"] = *o.params;
  const std::string body = q.dump();
  if (o.notify()) {
    c.publish(subject, "", "", body);
    co_await c.close();
    co_return 0;
  }
  auto m = co_await c.request(subject, "", body, o.timeout);
  co_await c.close();
  auto v = core::parse_peer_json(m.payload);
  if (!v || !v->is_object() || !(v->contains("result") || v->contains("error")))
    vitnet::fail(exit_code::protocol, "rpc: {} answered what is not a JSON-RPC response", subject);
  if (io.json()) {
    io.out(nlohmann::json{{"request", q}, {"response", *v}}.dump() + "\n");
    co_return v->contains("error") ? 1 : 0;
  }
  if (v->contains("error")) {
    const auto& e = (*v)["error"];
    io.out(e.dump() + "\n");
    io.error("rpc: {} answered error {}: {}", subject, e.value("code", 0),
             e.value("message", std::string()));
    co_return 1;
  }
  io.out((*v)["result"].dump() + "\n");
  co_return 0;
}

// Every service that answers $SRV.INFO within the time: answers come from each instance, so the
// wait ends when none has come for a moment (or at the timeout).
task<int> list(net::context& ctx, const rpc_options& o, const mq::mq_url& url, core::io& io) {
  mq::nats_client c(ctx, client_options(o, url), io);
  co_await c.connect();
  const std::string inbox = c.new_inbox();
  const std::string sid = c.subscribe(inbox, "", true);
  const std::string subject = url.path.empty() ? "$SRV.INFO" : "$SRV.INFO." + url.path;
  c.publish(subject, inbox, "", "");
  c.kick_now();
  std::vector<nlohmann::json> found;
  const auto deadline = ctx.now() + std::min<net::duration>(o.timeout, std::chrono::seconds(5));
  auto quiet = std::chrono::milliseconds(1000);
  while (ctx.now() < deadline) {
    auto m = co_await c.next_for(sid, std::min<net::duration>(quiet, deadline - ctx.now()));
    if (!m) break;
    if (m->payload.empty()) continue;  // a status (no responders)
    if (auto v = core::parse_peer_json(m->payload); v && v->is_object()) found.push_back(*v);
    quiet = std::chrono::milliseconds(300);
  }
  co_await c.close();
  std::sort(found.begin(), found.end(), [](auto& a, auto& b) {
    return std::pair(a.value("name", ""), a.value("id", "")) <
           std::pair(b.value("name", ""), b.value("id", ""));
  });
  if (io.json()) {
    io.out(nlohmann::json(found).dump() + "\n");
    co_return 0;
  }
  for (auto& s : found) {
    std::vector<std::string> eps;
    for (auto& e : s.value("endpoints", nlohmann::json::array()))
      eps.push_back(e.value("subject", e.value("name", "")));
    io.out(fmt::format("{}@{}  {}  {}\n", s.value("name", "?"), s.value("version", "?"),
                       s.value("id", "?"), fmt::join(eps, " ")));
  }
  if (found.empty()) io.note("rpc: no service answered {}", subject);
  co_return 0;
}

}  // namespace

task<int> run_rpc_nats_serve(net::context& ctx, const rpc_nats_serve_options& o,
                             std::shared_ptr<message_service> service, core::io& io) {
  auto s = std::make_shared<nats_rpc_server>(ctx, o, std::move(service), io);
  co_return co_await s->run();
}

task<int> run_rpc_nats(net::context& ctx, const rpc_options& o, core::io& io) {
  auto url = mq::parse_mq_url(o.nats_url);
  if (o.what == rpc_options::mode::list) co_return co_await list(ctx, o, url, io);
  co_return co_await call(ctx, o, url, io);
}

}  // namespace commands

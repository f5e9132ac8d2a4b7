// toxiproxy's API: a collection of named proxies, each a stream proxy (listen.cpp, stream.cpp) of
// its own whose faults are its toxics, and the HTTP handler that reads and changes it. The JSON
// shapes, status codes and error bodies ({"error": "...", "status": N}) are toxiproxy's, so that
// its client libraries work unchanged.
#include "commands/proxy/api.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "commands/proxy/state.hpp"
#include "commands/proxy/toxics.hpp"
#include "commands/serve/http/service.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

namespace commands::proxy {

namespace {

using net::task;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;
using namespace std::chrono_literals;

// Bounds on what API calls can make vitnet hold.
constexpr std::size_t max_proxies = 1000;
constexpr std::size_t max_toxics = 100;  // per proxy
constexpr std::size_t max_api_connections = 64;
constexpr std::size_t max_api_body = 1 << 20;

struct api_error {
  int status;
  std::string message;
};
using outcome = std::optional<api_error>;

api_error bad_body(std::string_view why) {
  return {400, fmt::format("bad request body: {}", why)};
}

struct placed_toxic {
  toxic t;
  net::clock::time_point added;  // its faults are in force from here
};

struct named_proxy {
  std::string name, listen, upstream;
  bool enabled = false;
  std::vector<placed_toxic> toxics;
  std::shared_ptr<state> running;  // while enabled
};

// "127.0.0.1:8080", "[::1]:8080": how toxiproxy writes addresses.
std::string address_text(const net::endpoint& e) {
  if (e.is_unix()) return e.to_string();
  std::string host = e.host.empty() ? "0.0.0.0" : e.host;
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, e.port)
                                             : fmt::format("{}:{}", host, e.port);
}

// toxiproxy's addresses are HOST:PORT; tcp:// and unix:// URLs are taken too.
std::optional<net::endpoint> stream_address(std::string_view text, bool listening,
                                            std::string& why) {
  auto e = net::try_parse_endpoint(text, why);
  if (!e) return std::nullopt;
  if (!e->is_stream() || e->tls || e->app != net::app_protocol::none) {
    why = fmt::format("'{}' is not HOST:PORT (the API's proxies relay tcp and unix streams)", text);
    return std::nullopt;
  }
  if (!listening && !e->is_unix() && (e->port == 0 || e->host.empty())) {
    why = fmt::format("upstream '{}' needs a host and a port", text);
    return std::nullopt;
  }
  return e;
}

ojson toxic_json(const toxic& t) {
  return ojson{{"attributes", t.attributes},
               {"name", t.name},
               {"type", t.type},
               {"stream", t.stream},
               {"toxicity", t.toxicity}};
}

class collection : public std::enable_shared_from_this<collection> {
 public:
  collection(net::context& ctx, const proxy_options& base, core::io& io)
      : ctx_(ctx), base_(base), io_(io) {}

  net::context& ctx() { return ctx_; }
  core::io& io() { return io_; }

  named_proxy* find(const std::string& name) {
    auto it = proxies_.find(name);
    return it == proxies_.end() ? nullptr : &it->second;
  }

  ojson proxy_json(const named_proxy& p) const {
    ojson toxics = ojson::array();
    for (const auto& pt : p.toxics) toxics.push_back(toxic_json(pt.t));
    return ojson{{"name", p.name},
                 {"listen", p.listen},
                 {"upstream", p.upstream},
                 {"enabled", p.enabled},
                 {"toxics", toxics}};
  }
  ojson all_json() const {
    ojson all = ojson::object();
    for (const auto& [name, p] : proxies_) all[name] = proxy_json(p);
    return all;
  }

  /// Adds a proxy and, when `enabled`, starts it: 400 for missing or malformed fields, 409 when
  /// the name is taken, 500 when it cannot listen (it is then not added).
  task<outcome> create(std::string name, std::string listen, std::string upstream, bool enabled) {
    if (name.empty()) co_return api_error{400, "missing required field: name"};
    if (upstream.empty()) co_return api_error{400, "missing required field: upstream"};
    if (listen.empty()) listen = "127.0.0.1:0";  // loopback unless told otherwise
    std::string why;
    if (!stream_address(listen, true, why) || !stream_address(upstream, false, why))
      co_return bad_body(why);
    if (proxies_.contains(name)) co_return api_error{409, "proxy already exists"};
    if (proxies_.size() >= max_proxies)
      co_return api_error{400, fmt::format("at most {} proxies", max_proxies)};
    auto& p = proxies_[name];
    p.name = name;
    p.listen = listen;
    p.upstream = upstream;
    if (!enabled) co_return std::nullopt;
    auto failed = co_await start(name);
    if (failed) proxies_.erase(name);
    co_return failed;
  }

  /// Listens on the proxy's address and starts relaying.
  task<outcome> start(std::string name) {
    auto* p = find(name);
    if (!p) co_return api_error{404, "proxy not found"};
    if (p->running) co_return std::nullopt;
    auto o = std::make_shared<proxy_options>();
    std::string why;
    auto listen = stream_address(p->listen, true, why);
    auto upstream = stream_address(p->upstream, false, why);
    if (!listen || !upstream) co_return bad_body(why);
    o->listen = *listen;
    o->upstream = *upstream;
    o->connect_timeout = base_.connect_timeout;
    o->idle_timeout = base_.idle_timeout;
    o->keep_source = base_.keep_source;
    net::listener l;
    std::string failure;
    try {
      l = co_await ctx_.listen(o->listen);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) co_return api_error{500, failure};
    p = find(name);  // the collection may have changed while listening
    if (!p || p->running) {
      l.close();
      co_return api_error{409, "the proxy changed while it was being started"};
    }
    auto st = std::make_shared<state>(ctx_, o, io_);
    st->dynamic = true;
    st->name = name;
    st->upstream_url = o->upstream.to_string();
    st->random.seed(base_.seed ? *base_.seed ^ std::hash<std::string>{}(name)
                               : static_cast<std::uint64_t>(
                                     std::chrono::system_clock::now().time_since_epoch().count()));
    st->started = ctx_.now();
    st->faults = std::make_shared<const std::vector<net::fault_spec>>();
    p->listen = address_text(l.local_endpoint());
    p->enabled = true;
    p->running = st;
    install_faults(*p);
    ctx_.start(serve_proxy(st, std::move(l)));
    co_return std::nullopt;
  }

  void stop(named_proxy& p, std::string_view reason) {
    p.enabled = false;
    if (!p.running) return;
    p.running->stop(reason);
    p.running.reset();
    io_.verbose(1, "proxy {}: stopped", p.name);
  }

  void remove(const std::string& name) {
    if (auto* p = find(name)) stop(*p, "proxy deleted");
    proxies_.erase(name);
  }

  /// POST/PATCH /proxies/NAME: listen, upstream and enabled, each defaulting to what it is.
  task<outcome> update(std::string name, json body) {
    auto* p = find(name);
    if (!p) co_return api_error{404, "proxy not found"};
    if (!body.is_object()) co_return bad_body("expected a JSON object");
    std::string listen = p->listen, upstream = p->upstream;
    bool enabled = p->enabled;
    if (auto e = field(body, "listen", listen); e) co_return e;
    if (auto e = field(body, "upstream", upstream); e) co_return e;
    if (auto it = body.find("enabled"); it != body.end()) {
      if (!it->is_boolean()) co_return bad_body("'enabled' must be true or false");
      enabled = it->get<bool>();
    }
    std::string why;
    if (!stream_address(listen, true, why) || !stream_address(upstream, false, why))
      co_return bad_body(why);
    bool moved = listen != p->listen || upstream != p->upstream;
    if (moved || !enabled) stop(*p, moved ? "proxy moved" : "proxy disabled");
    p->listen = listen;
    p->upstream = upstream;
    if (enabled) co_return co_await start(name);
    co_return std::nullopt;
  }

  /// POST /populate: each proxy of the array is created, or replaced when it differs from the
  /// one of that name; the others stay. Stops at the first error, returning it.
  task<std::pair<outcome, std::vector<std::string>>> populate(json body) {
    std::vector<std::string> done;
    if (body.is_object() && body.contains("proxies")) body = json(body.at("proxies"));
    if (!body.is_array()) co_return std::pair{bad_body("expected an array of proxies"), done};
    for (const auto& entry : body) {
      if (!entry.is_object()) co_return std::pair{bad_body("each proxy is an object"), done};
      std::string name, listen, upstream;
      bool enabled = true;
      for (auto [key, into] : {std::pair{"name", &name}, std::pair{"listen", &listen},
                               std::pair{"upstream", &upstream}})
        if (auto e = field(entry, key, *into); e) co_return std::pair{e, done};
      if (auto it = entry.find("enabled"); it != entry.end()) {
        if (!it->is_boolean())
          co_return std::pair{bad_body("'enabled' must be true or false"), done};
        enabled = it->get<bool>();
      }
      if (auto* p = find(name)) {
        bool same = p->upstream == upstream && p->enabled == enabled &&
                    (listen.empty() || p->listen == listen);
        if (same) {
          done.push_back(name);
          continue;
        }
        remove(name);
      }
      auto failed = co_await create(name, listen, upstream, enabled);
      if (failed) co_return std::pair{failed, done};
      done.push_back(name);
    }
    co_return std::pair{outcome{}, done};
  }

  /// POST /reset: every proxy enabled, every toxic removed.
  task<outcome> reset() {
    std::vector<std::string> names;
    for (auto& [name, p] : proxies_) {
      p.toxics.clear();
      install_faults(p);
      names.push_back(name);
    }
    for (const auto& name : names) {
      auto* p = find(name);
      if (!p || p->running) continue;
      if (auto failed = co_await start(name)) co_return failed;
    }
    co_return std::nullopt;
  }

  // ---- toxics

  std::pair<outcome, const toxic*> add_toxic(named_proxy& p, const json& body) {
    if (!body.is_object()) return {bad_body("expected a JSON object"), nullptr};
    toxic t;
    for (auto [key, into] :
         {std::pair{"name", &t.name}, std::pair{"type", &t.type}, std::pair{"stream", &t.stream}})
      if (auto e = field(body, key, *into); e) return {e, nullptr};
    if (t.stream.empty()) t.stream = "downstream";
    if (t.stream != "upstream" && t.stream != "downstream")
      return {api_error{400, "stream was invalid, can be either upstream or downstream"}, nullptr};
    if (auto e = toxicity(body, t.toxicity); e) return {e, nullptr};
    if (t.name.empty()) t.name = fmt::format("{}_{}", t.type, t.stream);
    auto defaults = toxic_defaults(t.type);
    if (!defaults) return {api_error{400, "invalid toxic type"}, nullptr};
    for (const auto& pt : p.toxics)
      if (pt.t.name == t.name) return {api_error{409, "toxic already exists"}, nullptr};
    if (p.toxics.size() >= max_toxics)
      return {bad_body(fmt::format("at most {} toxics per proxy", max_toxics)), nullptr};
    t.attributes = *defaults;
    auto attrs = body.find("attributes");
    if (auto why = set_attributes(t, attrs == body.end() ? json() : *attrs))
      return {api_error{400, *why}, nullptr};
    p.toxics.push_back({std::move(t), ctx_.now()});
    install_faults(p);
    io_.verbose(1, "proxy {}: toxic {} added", p.name, p.toxics.back().t.name);
    return {std::nullopt, &p.toxics.back().t};
  }

  std::pair<outcome, const toxic*> update_toxic(named_proxy& p, const std::string& name,
                                                const json& body) {
    for (auto& pt : p.toxics) {
      if (pt.t.name != name) continue;
      if (!body.is_object()) return {bad_body("expected a JSON object"), nullptr};
      toxic changed = pt.t;
      if (auto e = toxicity(body, changed.toxicity); e) return {e, nullptr};
      auto attrs = body.find("attributes");
      if (auto why = set_attributes(changed, attrs == body.end() ? json() : *attrs))
        return {api_error{400, *why}, nullptr};
      pt.t = std::move(changed);
      install_faults(p);
      return {std::nullopt, &pt.t};
    }
    return {api_error{404, "toxic not found"}, nullptr};
  }

  outcome remove_toxic(named_proxy& p, const std::string& name) {
    for (auto it = p.toxics.begin(); it != p.toxics.end(); ++it) {
      if (it->t.name != name) continue;
      p.toxics.erase(it);
      install_faults(p);
      return std::nullopt;
    }
    return api_error{404, "toxic not found"};
  }

 private:
  // A string field of a request body, left as it is when absent.
  static outcome field(const json& body, const char* key, std::string& into) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return bad_body(fmt::format("'{}' must be a string", key));
    into = it->get<std::string>();
    return std::nullopt;
  }
  static outcome toxicity(const json& body, double& into) {
    auto it = body.find("toxicity");
    if (it == body.end()) return std::nullopt;
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1)
      return bad_body("'toxicity' must be a number from 0 to 1");
    into = it->get<double>();
    return std::nullopt;
  }

  // The running proxy's faults become its toxics' (each in force from when it was added), and
  // its open connections take them at once.
  void install_faults(named_proxy& p) {
    if (!p.running) return;
    auto& st = *p.running;
    std::vector<net::fault_spec> all;
    for (const auto& pt : p.toxics) {
      auto at = std::max(net::duration(0), pt.added - st.started);
      for (auto& f : toxic_faults(pt.t, at)) all.push_back(std::move(f));
    }
    st.faults = std::make_shared<const std::vector<net::fault_spec>>(std::move(all));
    st.faults_replaced();
  }

  static task<void> serve_proxy(std::shared_ptr<state> st, net::listener l) {
    std::string failure;
    try {
      co_await run_stream(st, std::move(l));
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) st->io.warn("proxy {}: {}", st->name, failure);
  }

  net::context& ctx_;
  const proxy_options& base_;
  core::io& io_;
  std::map<std::string, named_proxy> proxies_;
};

// ---- the HTTP side --------------------------------------------------------------------------

http_reply json_reply(int status, const ojson& body) {
  http_reply r;
  r.resp.status = status;
  r.resp.headers.set("Content-Type", "application/json");
  r.resp.body = body.dump(-1, ' ', false, ojson::error_handler_t::replace);
  return r;
}

http_reply error_reply(const api_error& e) {
  auto r = json_reply(e.status, ojson{{"error", e.message}, {"status", e.status}});
  r.resp.body += "\n";
  return r;
}

http_reply no_content() {
  http_reply r;
  r.resp.status = 204;
  return r;
}

class api_handler : public http_handler {
 public:
  explicit api_handler(std::shared_ptr<collection> c) : c_(std::move(c)) {}

  std::string_view methods() const override { return "GET, POST, PATCH, DELETE"; }

  task<http_reply> handle(const proto::request& req, const conn_stats&) override {
    // A web page must not drive the API through a visitor's browser (toxiproxy's rule too).
    if (auto ua = req.headers.get("User-Agent"); ua && ua->starts_with("Mozilla/")) {
      http_reply r;
      r.resp.status = 403;
      r.resp.headers.set("Content-Type", "text/plain; charset=utf-8");
      r.resp.body = "User agent not allowed\n";
      co_return r;
    }
    std::vector<std::string> parts;
    for (std::size_t at = 1; at <= req.path.size();) {
      auto slash = req.path.find('/', at);
      if (slash == std::string::npos) slash = req.path.size();
      parts.push_back(req.path.substr(at, slash - at));
      at = slash + 1;
    }
    const auto& m = req.method;
    auto bad_method = [] { return error_reply({405, "method not allowed"}); };
    auto body = [&req]() -> std::optional<json> {
      if (req.body.size() > max_api_body) return std::nullopt;
      auto j = json::parse(req.body.empty() ? std::string_view("{}") : std::string_view(req.body),
                           nullptr, false);
      if (j.is_discarded()) return std::nullopt;
      return j;
    };
    auto& c = *c_;
    if (parts.size() == 1 && parts[0] == "version") {
      if (m != "GET") co_return bad_method();
      // The API level implemented is toxiproxy 2.12's.
      auto r = json_reply(200, ojson{{"version", "2.12.0-vitnet." VITNET_VERSION}});
      r.resp.headers.set("Content-Type", "application/json;charset=utf-8");
      co_return r;
    }
    if (parts.size() == 1 && parts[0] == "reset") {
      if (m != "POST") co_return bad_method();
      auto failed = co_await c.reset();
      co_return failed ? error_reply(*failed) : no_content();
    }
    if (parts.size() == 1 && parts[0] == "populate") {
      if (m != "POST") co_return bad_method();
      auto b = body();
      if (!b) co_return error_reply(bad_body("not JSON"));
      auto result = co_await c.populate(std::move(*b));
      ojson list = ojson::array();
      for (const auto& name : result.second)
        if (auto* p = c.find(name)) list.push_back(c.proxy_json(*p));
      ojson out{{"proxies", list}};
      if (result.first) {
        out["error"] = result.first->message;
        out["status"] = result.first->status;
        co_return json_reply(result.first->status, out);
      }
      co_return json_reply(201, out);
    }
    if (parts.empty() || parts[0] != "proxies" || parts.size() > 4 ||
        (parts.size() >= 3 && parts[2] != "toxics"))
      co_return error_reply({404, "not found"});
    if (parts.size() == 1) {
      if (m == "GET") co_return json_reply(200, c.all_json());
      if (m != "POST") co_return bad_method();
      auto b = body();
      if (!b || !b->is_object()) co_return error_reply(bad_body("expected a JSON object"));
      auto text = [&b](const char* key) {
        auto it = b->find(key);
        return it != b->end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      std::string name = text("name"), listen = text("listen"), upstream = text("upstream");
      bool enabled = true;
      if (auto it = b->find("enabled"); it != b->end()) {
        if (!it->is_boolean()) co_return error_reply(bad_body("'enabled' must be true or false"));
        enabled = it->get<bool>();
      }
      auto failed = co_await c.create(name, listen, upstream, enabled);
      if (failed) co_return error_reply(*failed);
      co_return json_reply(201, c.proxy_json(*c.find(name)));
    }
    const std::string name = parts[1];
    auto* p = c.find(name);
    if (!p) co_return error_reply({404, "proxy not found"});
    if (parts.size() == 2) {
      if (m == "GET") co_return json_reply(200, c.proxy_json(*p));
      if (m == "DELETE") {
        c.remove(name);
        co_return no_content();
      }
      if (m != "POST" && m != "PATCH") co_return bad_method();
      auto b = body();
      if (!b) co_return error_reply(bad_body("not JSON"));
      auto failed = co_await c.update(name, std::move(*b));
      if (failed) co_return error_reply(*failed);
      co_return json_reply(200, c.proxy_json(*c.find(name)));
    }
    if (parts.size() == 3) {
      if (m == "GET") {
        ojson list = ojson::array();
        for (const auto& pt : p->toxics) list.push_back(toxic_json(pt.t));
        co_return json_reply(200, list);
      }
      if (m != "POST") co_return bad_method();
      auto b = body();
      if (!b) co_return error_reply(bad_body("not JSON"));
      auto [failed, t] = c.add_toxic(*p, *b);
      if (failed) co_return error_reply(*failed);
      co_return json_reply(200, toxic_json(*t));
    }
    const std::string toxic_name = parts[3];
    if (m == "GET") {
      for (const auto& pt : p->toxics)
        if (pt.t.name == toxic_name) co_return json_reply(200, toxic_json(pt.t));
      co_return error_reply({404, "toxic not found"});
    }
    if (m == "DELETE") {
      auto failed = c.remove_toxic(*p, toxic_name);
      co_return failed ? error_reply(*failed) : no_content();
    }
    if (m != "POST" && m != "PATCH") co_return bad_method();
    auto b = body();
    if (!b) co_return error_reply(bad_body("not JSON"));
    auto [failed, t] = c.update_toxic(*p, toxic_name, *b);
    if (failed) co_return error_reply(*failed);
    co_return json_reply(200, toxic_json(*t));
  }

 private:
  std::shared_ptr<collection> c_;
};

struct api_server {
  http_serve_options options;  // the service keeps a reference
  std::unique_ptr<http_service> http;
  std::size_t open = 0;
  std::uint64_t next_id = 0;
  core::io* io = nullptr;
};

task<void> api_connection(std::shared_ptr<api_server> srv, net::stream conn, std::uint64_t id,
                          net::context& ctx) {
  conn_stats st;
  st.id = id;
  st.peer = conn.peer_name();
  st.opened = ctx.now();
  std::string failure;
  try {
    co_await srv->http->serve(conn, st);
  } catch (const std::exception& e) {
    failure = e.what();  // one client's broken exchange ends its connection, nothing else
  }
  if (!failure.empty()) srv->io->warn("proxy: api: connection from {}: {}", st.peer, failure);
  conn.close();
  --srv->open;
}

// Re-reads the config file on SIGHUP, as /populate would take it.
task<void> reload_config(std::shared_ptr<collection> c, std::string file) {
  while (co_await c->ctx().wait_reload()) {
    json body;
    std::string failure;
    try {
      body = json::parse(core::read_file(file));
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) {
      c->io().error("proxy: reload {}: {}; keeping the proxies as they are", file, failure);
      continue;
    }
    auto result = co_await c->populate(std::move(body));
    if (result.first)
      c->io().error("proxy: reload {}: {}", file, result.first->message);
    else
      c->io().note("proxy: reloaded {} proxies from {}", result.second.size(), file);
  }
}

}  // namespace

task<int> run_api(net::context& ctx, const proxy_options& opts, core::io& io) {
  auto c = std::make_shared<collection>(ctx, opts, io);
  if (!opts.config_file.empty()) {
    std::string text = core::read_file(opts.config_file);  // 66 when missing
    auto body = json::parse(text, nullptr, false);
    if (body.is_discarded())
      vitnet::fail(core::exit_code::data,
                   "proxy: {}: not JSON (toxiproxy's config is an array of "
                   "{{\"name\", \"listen\", \"upstream\"}})",
                   opts.config_file);
    auto result = co_await c->populate(std::move(body));
    if (result.first)
      vitnet::fail(result.first->status == 500 ? core::exit_code::io : core::exit_code::data,
                   "proxy: {}: {}", opts.config_file, result.first->message);
    for (const auto& name : result.second)
      if (auto* p = c->find(name))
        io.note("proxy {}: {} -> {}{}", name, p->listen, p->upstream,
                p->enabled ? "" : " (disabled)");
    ctx.start(reload_config(c, opts.config_file));
  }
  if (!opts.api) {
    if (!opts.ready_file.empty()) core::write_file_atomic(opts.ready_file, opts.config_file + "\n");
    while (co_await ctx.wait_reload()) {
    }
    co_return 0;
  }
  auto where = *opts.api;
  if (where.host.empty()) where.host = "127.0.0.1";
  auto l = co_await ctx.listen(where);
  auto local = l.local_endpoint();
  std::string url = fmt::format("http://{}", address_text(local));
  io.note("proxy: toxiproxy API on {}", url);
  if (io.json()) io.event(ojson{{"event", "api"}, {"url", url}}.dump());
  if (!opts.ready_file.empty()) core::write_file_atomic(opts.ready_file, url + "\n");
  auto srv = std::make_shared<api_server>();
  srv->io = &io;
  srv->options.log = false;
  srv->options.limits.max_body = max_api_body;
  srv->options.make_handler = [c] { return std::make_unique<api_handler>(c); };
  srv->http = std::make_unique<http_service>(ctx, srv->options, io, false);
  for (;;) {
    auto [ec, conn] = co_await l.accept();
    if (ec) {
      io.warn("proxy: api: accept: {}", vitnet::describe(ec));
      co_await ctx.sleep(100ms);
      continue;
    }
    if (srv->open >= max_api_connections) {
      srv->http->turn_away(std::move(conn));
      continue;
    }
    ++srv->open;
    ctx.start(api_connection(srv, std::move(conn), ++srv->next_id, ctx));
  }
}

}  // namespace commands::proxy

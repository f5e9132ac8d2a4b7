// serve --backend URL...: a reverse proxy and load balancer. Backends are chosen round-robin, by
// fewest requests in flight, or at random, among those that are up. A backend is taken out when
// connecting to it fails or its connection breaks before a response (passive ejection, for
// `eject_for`), and by active checks of --health PATH every interval, which also bring it back.
// Idempotent requests that failed before any response byte are retried on another backend.
// Keep-alive connections to backends are pooled.
#include <deque>
#include <random>

#include "commands/serve/http/service.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "net/tls/tls.hpp"

namespace commands {

namespace {

using net::task;
using namespace std::chrono_literals;

// How long a backend that failed a request stays out when no health check brings it back.
constexpr net::duration eject_for = 10s;
// Idle connections kept per backend.
constexpr std::size_t max_idle = 32;

struct backend {
  net::endpoint where;
  std::string prefix;  ///< the URL's path, put before each request's target ("" for "/")
  bool up = true;
  net::clock::time_point out_until{};
  int active = 0;
  std::uint64_t served = 0;
  std::vector<net::stream> idle;
};

bool idempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS" || m == "TRACE";
}

bool hop_by_hop(std::string_view name) {
  for (auto h : {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
                 "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade"})
    if (proto::iequals(name, h)) return true;
  return false;
}

// What one attempt at a backend came to.
struct attempt {
  std::optional<proto::response> resp;
  bool retryable = false;  ///< failed before any byte of a response arrived
  bool timed_out = false;
  bool reusable = false;  ///< the connection can carry another request
  std::string why;
};

class proxy_handler final : public http_handler {
 public:
  proxy_handler(net::context& ctx, const http_serve_options& o, core::io& io, bool tls)
      : ctx_(ctx), o_(o), io_(io), scheme_(tls ? "https" : "http") {
    for (auto& url : o.backends) {
      backend b;
      b.where = net::parse_endpoint(url);
      if (!b.where.is_http() || b.where.host.empty())
        vitnet::fail(core::exit_code::usage,
                     "serve: --backend {}: give an http:// or https:// URL with a host", url);
      if (b.where.target != "/") b.prefix = b.where.target;
      if (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
      backends_.push_back(std::move(b));
    }
    if (!o.health_path.empty())
      for (std::size_t i = 0; i < backends_.size(); ++i) ctx_.start(health_loop(i));
  }

  task<http_reply> handle(const proto::request& req, const conn_stats& st) override {
    proto::request out = forwarded(req, st);
    std::vector<std::size_t> tried;
    std::string last_failure = "no backend is up";
    bool timed_out = false;
    for (std::size_t n = 0; n < backends_.size(); ++n) {
      auto pick = choose(tried);
      if (!pick) break;
      tried.push_back(*pick);
      auto a = co_await exchange(*pick, out);
      if (a.resp) {
        http_reply r;
        r.resp = std::move(*a.resp);
        for (auto h : {"Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length"})
          r.resp.headers.remove(h);
        co_return r;
      }
      last_failure = fmt::format("{}: {}", backends_[*pick].where.display(), a.why);
      timed_out = a.timed_out;
      io_.warn("proxy: {}", last_failure);
      if (!a.retryable || !idempotent(req.method)) break;
    }
    co_return text_reply(timed_out ? 504 : 502, fmt::format("bad gateway: {}\n", last_failure));
  }

 private:
  proto::request forwarded(const proto::request& req, const conn_stats& st) {
    proto::request out;
    out.method = req.method;
    out.target = req.target;
    out.version_minor = 1;
    out.body = req.body;
    for (auto& [name, value] : req.headers.fields())
      if (!hop_by_hop(name) && !proto::iequals(name, "Content-Length"))
        out.headers.add(name, value);
    std::string client = peer_host(st.peer);
    auto prior = req.headers.get("X-Forwarded-For");
    out.headers.set("X-Forwarded-For", prior ? fmt::format("{}, {}", *prior, client) : client);
    out.headers.set("X-Forwarded-Proto", scheme_);
    if (auto host = req.headers.get("Host"))
      out.headers.set("X-Forwarded-Host", std::string(*host));
    return out;
  }

  bool available(backend& b) {
    if (b.up) return true;
    // Passively ejected and not watched by health checks: back after the pause.
    if (o_.health_path.empty() && ctx_.now() >= b.out_until) b.up = true;
    return b.up;
  }

  std::optional<std::size_t> choose(const std::vector<std::size_t>& tried) {
    std::vector<std::size_t> ok;
    for (std::size_t i = 0; i < backends_.size(); ++i)
      if (std::find(tried.begin(), tried.end(), i) == tried.end() && available(backends_[i]))
        ok.push_back(i);
    if (ok.empty()) return std::nullopt;
    switch (o_.lb) {
      case lb_policy::random:
        return ok[std::uniform_int_distribution<std::size_t>(0, ok.size() - 1)(rng_)];
      case lb_policy::least_connections: {
        auto best = ok.front();
        for (auto i : ok)
          if (backends_[i].active < backends_[best].active) best = i;
        return best;
      }
      case lb_policy::round_robin:
        break;
    }
    // The next one after the last chosen, among those available.
    for (std::size_t k = 1; k <= backends_.size(); ++k) {
      auto i = (next_ + k) % backends_.size();
      if (std::find(ok.begin(), ok.end(), i) != ok.end()) {
        next_ = i;
        return i;
      }
    }
    return ok.front();
  }

  void eject(backend& b, const std::string& why) {
    if (b.up) io_.warn("proxy: backend {} is down: {}", b.where.display(), why);
    b.up = false;
    b.out_until = ctx_.now() + eject_for;
    b.idle.clear();
  }

  task<std::optional<net::stream>> connect(backend& b, std::string& why, bool& timed_out) {
    try {
      net::dial_options d;
      d.timeout = std::min<net::duration>(o_.backend_timeout, 10s);
      auto s = co_await net::dial(ctx_, b.where, d);
      if (b.where.tls) {
        net::tls_client_options t;
        t.server_name = b.where.host;
        s = co_await net::tls_connect(ctx_, std::move(s), t, d.timeout);
      }
      co_return std::optional<net::stream>(std::move(s));
    } catch (const vitnet::error& e) {
      why = e.what();
      timed_out = e.code() == core::exit_code::timeout;
    }
    co_return std::nullopt;
  }

  // One request to one backend: a pooled connection if there is one (and a fresh one if that
  // turns out to be closed), then the response read whole.
  task<attempt> exchange(std::size_t i, const proto::request& req) {
    backend& b = backends_[i];
    proto::request r = req;
    r.target = b.prefix + proto::normal_target(req.target);
    std::string bytes = proto::serialize_request(r);
    ++b.active;
    struct done_guard {
      backend& b;
      ~done_guard() { --b.active; }
    } guard{b};
    for (int fresh = 0; fresh < 2; ++fresh) {
      attempt a;
      std::optional<net::stream> conn;
      bool pooled = false;
      if (!b.idle.empty() && fresh == 0) {
        conn.emplace(std::move(b.idle.back()));
        b.idle.pop_back();
        pooled = true;
      } else {
        conn = co_await connect(b, a.why, a.timed_out);
        if (!conn) {
          a.retryable = true;
          eject(b, a.why);
          co_return a;
        }
      }
      bool got_bytes = false;
      a = co_await round_trip(*conn, bytes, req.method, got_bytes);
      if (a.resp) {
        ++b.served;
        if (a.reusable && b.idle.size() < max_idle) b.idle.push_back(std::move(*conn));
        co_return a;
      }
      // A pooled connection the backend had closed: try once on a new one.
      if (pooled && !got_bytes && !a.timed_out) continue;
      if (!got_bytes) eject(b, a.why);
      a.retryable = !got_bytes;
      co_return a;
    }
    attempt none;
    none.retryable = true;
    none.why = "no connection";
    co_return none;
  }

  task<attempt> round_trip(net::stream& conn, const std::string& bytes, const std::string& method,
                           bool& got_bytes) {
    attempt a;
    bool expired = false;
    net::watchdog wd(ctx_, o_.backend_timeout, [&] {
      expired = true;
      conn.cancel();
    });
    auto w = co_await conn.write_all(std::span<const char>(bytes.data(), bytes.size()));
    if (w.ec) {
      a.why = fmt::format("sending the request: {}", vitnet::describe(w.ec));
      co_return a;
    }
    proto::response_parser p(o_.limits);
    p.set_request_method(method);
    std::string buf(64 * 1024, '\0');
    for (;;) {
      auto ev = p.poll();
      if (ev == proto::http_event::message || ev == proto::http_event::paused) {
        a.resp = p.take();
        wd.disarm();
        a.reusable = p.keep_alive() && ev == proto::http_event::message;
        co_return a;
      }
      if (ev == proto::http_event::error) {
        a.why = fmt::format("bad response: {}", p.error().message);
        co_return a;
      }
      if (ev == proto::http_event::end) {
        a.why = "closed the connection without a response";
        co_return a;
      }
      if (ev == proto::http_event::head) continue;
      auto rd = co_await conn.read_some(std::span<char>(buf.data(), buf.size()));
      if (rd.n) {
        got_bytes = true;
        p.feed(std::string_view(buf.data(), rd.n));
        continue;
      }
      if (expired) {
        a.timed_out = true;
        a.why = fmt::format("no response within {}", core::format_duration(o_.backend_timeout));
        co_return a;
      }
      if (net::is_eof(rd.ec)) {
        p.feed_eof();
        continue;
      }
      a.why = fmt::format("reading the response: {}", vitnet::describe(rd.ec));
      co_return a;
    }
  }

  task<void> health_loop(std::size_t i) {
    for (;;) {
      backend& b = backends_[i];
      proto::request req;
      req.method = "GET";
      req.target = o_.health_path;
      req.headers.set("Host", b.where.host);
      req.headers.set("Connection", "close");
      req.headers.set("User-Agent", "vitnet-health");
      std::string why;
      bool timed_out = false, healthy = false;
      auto conn = co_await connect(b, why, timed_out);
      if (conn) {
        bool got = false;
        proto::request r = req;
        r.target = b.prefix + proto::normal_target(req.target);
        auto bytes = proto::serialize_request(r);
        auto a = co_await round_trip(*conn, bytes, "GET", got);
        healthy = a.resp && a.resp->status >= 200 && a.resp->status < 400;
        if (!healthy) why = a.resp ? fmt::format("health check got {}", a.resp->status) : a.why;
      }
      if (healthy && !b.up) io_.note("proxy: backend {} is up again", b.where.display());
      if (!healthy && b.up) eject(b, why);
      b.up = healthy;
      co_await ctx_.sleep(o_.health_interval);
    }
  }

  net::context& ctx_;
  const http_serve_options& o_;
  core::io& io_;
  std::string scheme_;
  std::vector<backend> backends_;
  std::size_t next_ = static_cast<std::size_t>(-1);
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace

std::unique_ptr<http_handler> make_proxy_handler(net::context& ctx, const http_serve_options& o,
                                                 core::io& io, bool tls) {
  return std::make_unique<proxy_handler>(ctx, o, io, tls);
}

}  // namespace commands

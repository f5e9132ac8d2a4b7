// serve --backend URL...: a reverse proxy and load balancer. Backends are chosen round-robin, by
// fewest requests in flight, or at random, among those that are up. A backend is taken out when
// connecting to it fails or its connection breaks before a response (passive ejection, for
// `eject_for`), and by active checks of --health PATH every interval, which also bring it back.
//
// Bodies stream both ways: the request body goes to the backend as the client sends it, the
// response body to the client as the backend sends it, a piece at a time, so memory per exchange
// is a few buffers whatever the size. An idempotent request that failed before any response came
// is tried on another backend, while its body (if any) is small enough to have been kept for
// sending again. Upgrades (WebSocket) are passed to a backend and the two connections joined.
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
// Idle connections kept per backend, and how often those the backend closed are let go.
constexpr std::size_t max_idle = 32;
constexpr net::duration idle_sweep_every = 2s;
// A request body is kept for sending again to another backend while it is at most this big.
constexpr std::size_t max_replay = 1 << 20;
// Bytes read from a backend at a time.
constexpr std::size_t read_size = 64 * 1024;

struct backend {
  net::endpoint where;
  std::string prefix;  ///< the URL's path, put before each request's target ("" for "/")
  std::string host;    ///< Host for requests that came without one: "b:8080"
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

/// A message's Content-Length field when it is a plain number (HEAD and 304 responses carry one
/// without a body).
std::optional<std::uint64_t> length_field(const proto::header_list& h) {
  auto v = h.get("Content-Length");
  if (!v || v->empty() || v->size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

/// A request on its way to backends: the head as forwarded, and the body as read so far.
struct outgoing {
  proto::request head;  ///< hop-by-hop fields out, forwarding fields in; no body
  std::string method;
  body_source* body = nullptr;          ///< null: the request has no body
  std::optional<std::uint64_t> length;  ///< with a body: its Content-Length, else chunked
  std::string replay;                   ///< the body sent so far, while it fits max_replay
  bool replayable = true;
  bool body_done = false;
  bool retryable() const { return idempotent(method) && (!body || replayable); }
};

/// Counts a request in flight to a backend until it is destroyed.
struct in_flight {
  backend* b = nullptr;
  explicit in_flight(backend& to) : b(&to) { ++b->active; }
  in_flight(in_flight&& o) noexcept : b(std::exchange(o.b, nullptr)) {}
  in_flight& operator=(in_flight&&) = delete;
  ~in_flight() {
    if (b) --b->active;
  }
};

/// What one attempt at a backend came to: a response head (the connection and parser go on to
/// read its body), or a failure.
struct attempt {
  std::optional<proto::response> head;
  std::optional<net::stream> conn;
  std::unique_ptr<proto::response_parser> parser;
  bool retryable = false;  ///< failed before anything of a response arrived
  bool timed_out = false;
  std::string why;
};

// A backend's response body, read from its connection while the client is sent it. At the end
// the connection goes back to the pool when it can carry another request.
class backend_body final : public body_source {
 public:
  backend_body(net::context& ctx, net::duration timeout, backend& b, in_flight flight,
               net::stream conn, std::unique_ptr<proto::response_parser> p)
      : b_(b),
        flight_(std::move(flight)),
        conn_(std::move(conn)),
        p_(std::move(p)),
        timeout_(timeout),
        wd_(ctx, timeout, [this] {
          expired_ = true;
          conn_.cancel();
        }) {}

  task<std::string> next() override {
    for (;;) {
      if (finished_) co_return std::string();
      auto ev = p_->poll();
      std::string piece = p_->take_body();
      if (!pending_.empty()) piece.insert(0, std::exchange(pending_, {}));
      if (ev == proto::http_event::message) finish();
      if (!piece.empty() || finished_) co_return piece;
      if (ev == proto::http_event::error)
        vitnet::fail(core::exit_code::protocol, "backend {}: bad response body: {}",
                     b_.where.display(), p_->error().message);
      if (buf_.empty()) buf_.resize(read_size);
      wd_.touch();
      auto rd = co_await conn_.read_some(std::span<char>(buf_.data(), buf_.size()));
      if (rd.n) {
        p_->feed(std::string_view(buf_.data(), rd.n));
      } else if (net::is_eof(rd.ec)) {
        p_->feed_eof();
      } else if (expired_) {
        vitnet::fail(core::exit_code::timeout, "backend {}: the body stalled for {}",
                     b_.where.display(), core::format_duration(timeout_));
      } else {
        vitnet::fail(core::exit_code::protocol, "backend {}: reading the body: {}",
                     b_.where.display(), vitnet::describe(rd.ec));
      }
    }
  }

  /// Whether the whole body is in (a response without one is complete with its head).
  bool complete() {
    if (finished_) return true;
    auto ev = p_->poll();
    pending_ = p_->take_body();
    if (ev == proto::http_event::message && pending_.empty()) finish();
    return finished_;
  }

 private:
  void finish() {
    finished_ = true;
    wd_.disarm();
    bool reuse = p_->keep_alive();
    p_->take();
    ++b_.served;
    if (reuse && b_.idle.size() < max_idle) b_.idle.push_back(std::move(conn_));
  }

  backend& b_;
  in_flight flight_;
  net::stream conn_;
  std::unique_ptr<proto::response_parser> p_;
  net::duration timeout_;
  net::watchdog wd_;
  std::string buf_;
  std::string pending_;  ///< body read along with the head
  bool expired_ = false, finished_ = false;
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
      b.host =
          b.where.host.find(':') != std::string::npos ? "[" + b.where.host + "]" : b.where.host;
      if (b.where.port != b.where.default_port()) b.host += fmt::format(":{}", b.where.port);
      backends_.push_back(std::move(b));
    }
    if (!o.health_path.empty())
      for (std::size_t i = 0; i < backends_.size(); ++i) ctx_.start(health_loop(i));
    ctx_.start(sweep_idle());
  }

  bool streams() const override { return true; }
  bool passes_upgrades() const override { return true; }

  // Used only where the service read the body whole (it streams to this handler otherwise).
  task<http_reply> handle(const proto::request& req, const conn_stats& st) override {
    struct whole final : body_source {
      std::string body;
      task<std::string> next() override { co_return std::exchange(body, {}); }
    } body;
    body.body = req.body;
    proto::request head = req;
    head.body.clear();
    if (!req.body.empty()) head.headers.set("Content-Length", std::to_string(req.body.size()));
    co_return co_await handle_stream(head, st, body);
  }

  task<http_reply> handle_stream(const proto::request& req, const conn_stats& st,
                                 body_source& body) override {
    outgoing out;
    out.head = forwarded(req, st);
    out.method = req.method;
    if (req.headers.contains("Transfer-Encoding")) {
      out.body = &body;
    } else if (auto n = length_field(req.headers); n && *n > 0) {
      out.body = &body;
      out.length = n;
    }
    rotation r;
    while (auto pick = next_backend(r)) {
      auto a = co_await exchange(*pick, out);
      if (a.head) co_return reply_of(*pick, a, req.method);
      failed(r, *pick, a.why, a.timed_out);
      if (!a.retryable || !out.retryable()) break;
    }
    co_return gave_up(r);
  }

  task<std::variant<http_reply, http_upgraded>> upgrade(const proto::request& req,
                                                        const conn_stats& st) override {
    proto::request head = forwarded(req, st);
    head.headers.set("Connection", "Upgrade");
    if (auto u = req.headers.get("Upgrade")) head.headers.set("Upgrade", std::string(*u));
    rotation r;
    while (auto pick = next_backend(r)) {
      backend& b = backends_[*pick];
      in_flight flight(b);
      std::string why;
      bool timed_out = false;
      auto conn = co_await connect(b, why, timed_out);
      if (!conn) {
        eject(b, why);
        failed(r, *pick, why, timed_out);
        continue;
      }
      auto bytes = proto::serialize_request_head(for_backend(b, head));
      proto::response_parser p(o_.limits);
      p.set_request_method(req.method);
      auto ev = co_await read_head(*conn, bytes, p, why, timed_out);
      if (ev == proto::http_event::head) {
        // A 101 completes with its head; anything else is read whole (it is an error page).
        ev = co_await read_rest(*conn, p, why, timed_out);
      }
      if (ev != proto::http_event::message) {
        failed(r, *pick, why, timed_out);
        break;  // the request reached the backend: not sent twice
      }
      ++b.served;
      proto::response resp = p.take();
      if (resp.status == 101) {
        http_upgraded up{std::move(resp), std::move(*conn), p.take_buffered()};
        co_return std::variant<http_reply, http_upgraded>(std::move(up));
      }
      http_reply declined;
      declined.resp = std::move(resp);
      strip(declined.resp);
      co_return std::variant<http_reply, http_upgraded>(std::move(declined));
    }
    http_reply none = gave_up(r);
    co_return std::variant<http_reply, http_upgraded>(std::move(none));
  }

 private:
  // The backends one request tries, each at most once, and why the last one failed.
  struct rotation {
    std::vector<std::size_t> tried;
    std::string last_failure = "no backend is up";
    bool timed_out = false;
  };

  std::optional<std::size_t> next_backend(rotation& r) {
    auto pick = choose(r.tried);
    if (pick) r.tried.push_back(*pick);
    return pick;
  }

  void failed(rotation& r, std::size_t i, std::string_view why, bool timed_out) {
    r.last_failure = fmt::format("{}: {}", backends_[i].where.display(), why);
    r.timed_out = timed_out;
    io_.warn("proxy: {}", r.last_failure);
  }

  static http_reply gave_up(const rotation& r) {
    return text_reply(r.timed_out ? 504 : 502, fmt::format("bad gateway: {}\n", r.last_failure));
  }

  static void strip(proto::response& resp) {
    std::vector<std::string> drop;
    for (auto& [name, value] : resp.headers.fields())
      if (hop_by_hop(name)) drop.push_back(name);
    for (auto& name : drop) resp.headers.remove(name);
  }

  // The reply whose body streams from the backend's connection.
  http_reply reply_of(std::size_t i, attempt& a, const std::string& method) {
    http_reply r;
    r.resp = std::move(*a.head);
    r.streamed = true;
    // HEAD and 304 carry the length a GET would have; other responses say theirs in framing.
    if (method == "HEAD" || r.resp.status == 304)
      r.stream_length = length_field(r.resp.headers);
    else
      r.stream_length = a.parser->declared_length();
    strip(r.resp);
    r.resp.headers.remove("Content-Length");
    auto body = std::make_unique<backend_body>(ctx_, o_.backend_timeout, backends_[i],
                                               in_flight(backends_[i]), std::move(*a.conn),
                                               std::move(a.parser));
    if (!body->complete()) r.stream = std::move(body);
    return r;
  }

  proto::request forwarded(const proto::request& req, const conn_stats& st) {
    proto::request out;
    out.method = req.method;
    out.target = req.target;
    out.version_minor = 1;
    // What a client says about where it is (or claims others were) is not passed on as fact:
    // X-Real-IP and Forwarded are this proxy's to write. X-Forwarded-For is extended, as is usual.
    for (auto& [name, value] : req.headers.fields())
      if (!hop_by_hop(name) && !proto::iequals(name, "Content-Length") &&
          !proto::iequals(name, "Forwarded") && !proto::iequals(name, "X-Real-IP"))
        out.headers.add(name, value);
    std::string client = peer_host(st.peer);
    auto prior = req.headers.get("X-Forwarded-For");
    out.headers.set("X-Forwarded-For", prior ? fmt::format("{}, {}", *prior, client) : client);
    out.headers.set("X-Forwarded-Proto", scheme_);
    out.headers.set("X-Real-IP", client);
    std::string fwd = client.find(':') != std::string::npos ? fmt::format("for=\"[{}]\"", client)
                                                            : fmt::format("for={}", client);
    fwd += fmt::format(";proto={}", scheme_);
    if (auto host = req.headers.get("Host")) {
      out.headers.set("X-Forwarded-Host", std::string(*host));
      // The parser admitted only a host and port here: a token, or a quoted string when it
      // has a colon or brackets (RFC 7239 4).
      std::string h(*host);
      fwd += proto::is_token(h) ? ";host=" + h : fmt::format(";host=\"{}\"", h);
    }
    out.headers.set("Forwarded", fwd);
    return out;
  }

  // The forwarded head as one backend gets it: its path prefix, and a Host when the client sent
  // none (HTTP/1.0).
  proto::request for_backend(const backend& b, const proto::request& head) {
    proto::request r = head;
    r.target = b.prefix + proto::normal_target(head.target);
    if (!r.headers.contains("Host")) r.headers.set("Host", b.host);
    return r;
  }

  bool available(backend& b) {
    if (b.up) return true;
    // Passively ejected and not watched by health checks: back after the pause.
    if (o_.health_path.empty() && ctx_.now() >= b.out_until) {
      b.up = true;
      io_.note("proxy: backend {} is back in the rotation after {}", b.where.display(),
               core::format_duration(eject_for));
    }
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
    if (b.up) io_.warn("proxy: backend {} is out of the rotation: {}", b.where.display(), why);
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

  // One request to one backend, up to its response head: a pooled connection if there is one
  // (and a fresh one if that turns out to be closed), the head and body sent, the head read.
  task<attempt> exchange(std::size_t i, outgoing& out) {
    backend& b = backends_[i];
    auto r = for_backend(b, out.head);
    bool chunked = out.body && !out.length;
    if (chunked) r.headers.set("Transfer-Encoding", "chunked");
    std::optional<std::uint64_t> length = out.length;
    // RFC 9110 8.6: a body-carrying method states its length even when it is zero.
    if (!out.body && (r.method == "POST" || r.method == "PUT" || r.method == "PATCH")) length = 0;
    std::string head = proto::serialize_request_head(r, length);
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
      in_flight flight(b);
      auto p = std::make_unique<proto::response_parser>(o_.limits);
      p->stream_bodies();
      p->set_request_method(r.method);
      bool got_bytes = false;
      bool expired = false;
      net::watchdog wd(ctx_, o_.backend_timeout, [&] {
        expired = true;
        conn->cancel();
      });
      std::string why = co_await send(*conn, head, out, chunked, wd);
      if (why.empty()) why = co_await await_head(*conn, *p, got_bytes, wd);
      if (why.empty()) {
        wd.disarm();
        a.head = p->current();
        a.parser = std::move(p);
        a.conn = std::move(conn);
        co_return a;
      }
      a.why = expired
                  ? fmt::format("no response within {}", core::format_duration(o_.backend_timeout))
                  : why;
      a.timed_out = expired;
      // A pooled connection the backend had closed: once more on a new one.
      if (pooled && !got_bytes && !expired && (!out.body || out.replayable)) continue;
      if (!got_bytes) eject(b, a.why);
      a.retryable = !got_bytes;
      co_return a;
    }
    attempt none;
    none.retryable = true;
    none.why = "no connection";
    co_return none;
  }

  // Sends the head, the body kept so far, and the rest of the body as the client sends it.
  // Returns why it failed ("" when all went). A client that breaks off throws, out of the
  // exchange: there is nothing to answer.
  task<std::string> send(net::stream& conn, const std::string& head, outgoing& out, bool chunked,
                         net::watchdog& wd) {
    auto put = [&](std::string_view data) -> task<std::error_code> {
      wd.touch();
      auto w = co_await conn.write_all(std::span<const char>(data.data(), data.size()));
      co_return w.ec;
    };
    auto ec = co_await put(head);
    if (!ec && !out.replay.empty()) {
      std::string again = chunked ? proto::serialize_chunk(out.replay) : out.replay;
      ec = co_await put(again);
    }
    while (!ec && out.body && !out.body_done) {
      std::string piece = co_await out.body->next();
      if (piece.empty()) {
        out.body_done = true;
        break;
      }
      if (out.replayable && out.replay.size() + piece.size() <= max_replay) {
        out.replay += piece;
      } else {
        out.replayable = false;
        out.replay.clear();
      }
      if (chunked) piece = proto::serialize_chunk(piece);
      ec = co_await put(piece);
    }
    if (!ec && chunked) {
      auto last = proto::serialize_last_chunk();
      ec = co_await put(last);
    }
    if (ec) co_return fmt::format("sending the request: {}", vitnet::describe(ec));
    co_return std::string();
  }

  // Reads until the response head is complete; "" then, else why not.
  task<std::string> await_head(net::stream& conn, proto::response_parser& p, bool& got_bytes,
                               net::watchdog& wd) {
    std::string buf(read_size, '\0');
    for (;;) {
      auto ev = p.poll();
      if (ev == proto::http_event::head) co_return std::string();
      if (ev == proto::http_event::error)
        co_return fmt::format("bad response: {}", p.error().message);
      if (ev == proto::http_event::end) co_return "closed the connection without a response";
      if (ev != proto::http_event::need_more) co_return "unexpected response";
      wd.touch();
      auto rd = co_await conn.read_some(std::span<char>(buf.data(), buf.size()));
      if (rd.n) {
        got_bytes = true;
        p.feed(std::string_view(buf.data(), rd.n));
      } else if (net::is_eof(rd.ec)) {
        p.feed_eof();
      } else {
        co_return fmt::format("reading the response: {}", vitnet::describe(rd.ec));
      }
    }
  }

  // For upgrades and health checks: the request sent, the response head read.
  task<proto::http_event> read_head(net::stream& conn, const std::string& bytes,
                                    proto::response_parser& p, std::string& why, bool& timed_out) {
    bool expired = false;
    net::watchdog wd(ctx_, o_.backend_timeout, [&] {
      expired = true;
      conn.cancel();
    });
    auto w = co_await conn.write_all(std::span<const char>(bytes.data(), bytes.size()));
    bool got = false;
    if (w.ec) {
      why = fmt::format("sending the request: {}", vitnet::describe(w.ec));
    } else {
      std::string failed = co_await await_head(conn, p, got, wd);
      why = std::move(failed);
    }
    if (expired) {
      timed_out = true;
      why = fmt::format("no response within {}", core::format_duration(o_.backend_timeout));
    }
    co_return why.empty() ? proto::http_event::head : proto::http_event::error;
  }

  // The rest of a response, read whole (bounded by the body limit).
  task<proto::http_event> read_rest(net::stream& conn, proto::response_parser& p, std::string& why,
                                    bool& timed_out) {
    bool expired = false;
    net::watchdog wd(ctx_, o_.backend_timeout, [&] {
      expired = true;
      conn.cancel();
    });
    std::string buf(read_size, '\0');
    for (;;) {
      auto ev = p.poll();
      if (ev == proto::http_event::message) co_return ev;
      if (ev == proto::http_event::error) {
        why = fmt::format("bad response: {}", p.error().message);
        co_return ev;
      }
      auto rd = co_await conn.read_some(std::span<char>(buf.data(), buf.size()));
      if (rd.n) {
        p.feed(std::string_view(buf.data(), rd.n));
      } else if (net::is_eof(rd.ec)) {
        p.feed_eof();
      } else {
        timed_out = expired;
        why = expired ? "the response stalled" : vitnet::describe(rd.ec);
        co_return proto::http_event::error;
      }
    }
  }

  // Pooled connections the backend has since closed (its keep-alive timeout) would each hold a
  // descriptor until the next request found them dead: now and then, close them.
  task<void> sweep_idle() {
    for (;;) {
      co_await ctx_.sleep(idle_sweep_every);
      for (auto& b : backends_)
        std::erase_if(b.idle, [](net::stream& c) {
          char byte;
          auto rd = c.try_read_some({&byte, 1});  // a live idle connection has nothing to say
          if (net::is_would_block(rd.ec)) return false;
          c.close();
          return true;
        });
    }
  }

  task<void> health_loop(std::size_t i) {
    for (;;) {
      backend& b = backends_[i];
      proto::request req;
      req.method = "GET";
      req.target = o_.health_path;
      req.headers.set("Host", b.host);
      req.headers.set("Connection", "close");
      req.headers.set("User-Agent", "vitnet-health");
      std::string why;
      bool timed_out = false, healthy = false;
      auto conn = co_await connect(b, why, timed_out);
      if (conn) {
        auto bytes = proto::serialize_request_head(for_backend(b, req));
        proto::response_parser p(o_.limits);
        auto ev = co_await read_head(*conn, bytes, p, why, timed_out);
        if (ev == proto::http_event::head) {
          int status = p.current().status;
          healthy = status >= 200 && status < 400;
          if (!healthy) why = fmt::format("health check got {}", status);
        }
      }
      if (healthy && !b.up)
        io_.note("proxy: backend {} is back in the rotation", b.where.display());
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

#include "commands/serve/http/service.hpp"

#include <fmt/chrono.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "commands/serve/http/auth.hpp"
#include "commands/serve/ws/service.hpp"
#include "core/error.hpp"
#include "net/copy.hpp"
#include "proto/http1/date.hpp"

namespace commands {

using net::task;

std::uint64_t http_reply::body_length() const {
  std::uint64_t n = resp.body.size() + (shared_body ? shared_body->size() : 0);
  for (auto& [text, file] : parts) n += text.size() + file.length;
  return n;
}

std::string peer_host(std::string_view peer) {
  if (auto colon = peer.rfind(':'); colon != std::string_view::npos) peer = peer.substr(0, colon);
  if (peer.size() > 2 && peer.front() == '[') peer = peer.substr(1, peer.size() - 2);
  return std::string(peer);
}

http_reply text_reply(int status, std::string body, std::string_view type) {
  http_reply r;
  r.resp.status = status;
  r.resp.headers.set("Content-Type", std::string(type));
  r.resp.body = std::move(body);
  return r;
}

namespace {

// How often connection deadlines are checked: the granularity of the header and keep-alive
// timeouts.
constexpr net::duration sweep_every = std::chrono::milliseconds(100);

bool has_body(int status, const std::string& method) {
  return !(status < 200 || status == 204 || status == 304 || method == "HEAD");
}

}  // namespace

// A request's body as the client sends it, decoded by the connection's parser; `progress` runs
// before each read (it re-arms the connection's deadline).
class http_service::request_body final : public body_source {
 public:
  request_body(proto::request_parser& p, net::stream& conn, std::string& buf, conn_stats& st,
               std::function<void()> progress)
      : p_(p), conn_(conn), buf_(buf), st_(st), progress_(std::move(progress)) {}

  task<std::string> next() override {
    for (;;) {
      if (done_) co_return std::string();
      if (broken_) vitnet::fail(core::exit_code::protocol, "the request body broke off");
      auto ev = p_.poll();
      std::string piece = p_.take_body();
      if (ev == proto::http_event::message) done_ = true;
      if (!piece.empty() || done_) co_return piece;
      if (ev == proto::http_event::error) {
        broken_ = true;
        vitnet::fail(core::exit_code::protocol, "bad request body: {}", p_.error().message);
      }
      progress_();
      auto r = co_await conn_.read_some(std::span<char>(buf_.data(), buf_.size()));
      if (!r.n) {
        broken_ = true;
        vitnet::fail(core::exit_code::protocol, "the client stopped sending its body: {}",
                     net::is_eof(r.ec) ? std::string("end of stream") : vitnet::describe(r.ec));
      }
      st_.bytes_in += r.n;
      p_.feed(std::string_view(buf_.data(), r.n));
    }
  }

  /// Reads and drops the rest of the body, up to `limit` bytes; whether it ended.
  task<bool> skip_rest(std::size_t limit) {
    try {
      for (std::size_t n = 0; !done_ && n <= limit;) {
        auto piece = co_await next();
        n += piece.size();
      }
    } catch (const vitnet::error&) {
    }
    co_return done_;
  }

  bool broken() const { return broken_; }
  /// The parser's verdict when the body was malformed (its status: 400, 413...), else 0.
  int status() const { return p_.error().status; }

 private:
  proto::request_parser& p_;
  net::stream& conn_;
  std::string& buf_;
  conn_stats& st_;
  std::function<void()> progress_;
  bool done_ = false, broken_ = false;
};

task<http_reply> http_handler::handle_stream(const proto::request& req, const conn_stats& st,
                                             body_source&) {
  co_return co_await handle(req, st);
}

task<std::variant<http_reply, http_upgraded>> http_handler::upgrade(const proto::request&,
                                                                    const conn_stats&) {
  co_return text_reply(501, "upgrades are not passed on here\n");
}

http_service::http_service(net::context& ctx, const http_serve_options& o, core::io& io, bool tls,
                           std::shared_ptr<ws_service> ws)
    : ctx_(ctx), o_(o), io_(io), tls_(tls), ws_(std::move(ws)) {
  if (o.make_handler)
    handler_ = o.make_handler();
  else if (o.service)
    handler_ = make_service_handler(ctx, o);
  else if (!o.backends.empty())
    handler_ = make_proxy_handler(ctx, o, io, tls);
  else if (!o.routes_file.empty())
    handler_ = make_mock_handler(ctx, o, io);
  else if (!o.dir.empty())
    handler_ = make_file_handler(ctx, o);
}

http_service::~http_service() = default;

const std::string& http_service::date_now() {
  auto now = ctx_.calendar_now();
  auto sec = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (sec != date_second_) {
    date_second_ = sec;
    date_ = proto::format_http_date(now);
  }
  return date_;
}

bool http_service::authorized(const proto::request& req) const {
  return http::authorized(req.headers.get("Authorization"),
                          {.basic = o_.basic_auth, .bearer = o_.bearer});
}

void http_service::decorate(const proto::request& req, proto::response& resp) const {
  if (o_.cors) {
    auto origin = req.headers.get("Origin");
    resp.headers.set("Access-Control-Allow-Origin", origin ? std::string(*origin) : "*");
    if (origin) resp.headers.add("Vary", "Origin");
    resp.headers.set("Access-Control-Expose-Headers", "*");
  }
  for (auto& [name, value] : o_.headers) resp.headers.set(name, value);
  if (!alt_svc_.empty() && !resp.headers.contains("Alt-Svc")) resp.headers.set("Alt-Svc", alt_svc_);
}

void http_service::log(const proto::request& req, const conn_stats& st, int status,
                       std::uint64_t bytes, net::duration took) {
  if (!o_.log || io_.options().quiet) return;
  double ms = std::chrono::duration<double, std::milli>(took).count();
  if (io_.json()) {
    nlohmann::ordered_json j = {{"event", "request"},   {"conn", st.id},    {"peer", st.peer},
                                {"method", req.method}, {"path", req.path}, {"query", req.query},
                                {"status", status},     {"bytes", bytes},   {"duration_ms", ms}};
    io_.event(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    return;
  }
  // Common Log Format, with the duration in milliseconds after it.
  auto t = std::chrono::floor<std::chrono::seconds>(ctx_.calendar_now());
  std::string host = peer_host(st.peer);
  std::string line = req.target;
  for (auto& c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == '"') c = '?';
  std::string version = st.alpn == "h3" ? "3" : fmt::format("1.{}", req.version_minor);
  io_.out(fmt::format("{} - - [{:%d/%b/%Y:%H:%M:%S} +0000] \"{} {} HTTP/{}\" {} {} {:.3f}\n", host,
                      t, req.method, line, version, status, bytes, ms));
}

task<std::string> http_service::serve(net::stream& conn, conn_stats& st) {
  proto::request_parser parser(o_.limits);
  std::string buf(16 * 1024, '\0');
  // Waiting for a request: the keep-alive timeout; once its first byte is in, the whole head
  // must arrive within the header timeout (a slowloris client is cut off), and each read of a
  // body within it too.
  bool timed_out = false, mid_request = false, in_body = false;
  // A streaming handler (the reverse proxy) takes each request after its head, and its body as
  // it arrives; an upgrade it may pass on to a backend.
  bool streaming = handler_ && handler_->streams() && !ws_;
  if (streaming) parser.stream_bodies();
  // One sweeper checks every connection's deadline, so a request costs no timer operations.
  auto clock =
      clocks_.insert(clocks_.end(), conn_clock{net::clock::time_point::max(), &conn, &timed_out});
  struct unregister {
    std::list<conn_clock>& l;
    std::list<conn_clock>::iterator i;
    ~unregister() { l.erase(i); }
  } unreg{clocks_, clock};
  if (!sweeping_) {
    sweeping_ = true;
    ctx_.start(sweep());
  }
  auto arm = [&](net::duration d) { clock->deadline = ctx_.now() + d; };
  auto disarm = [&] { clock->deadline = net::clock::time_point::max(); };
  arm(o_.keepalive_timeout);
  for (;;) {
    auto ev = parser.poll();
    if (ev == proto::http_event::need_more) {
      auto r = co_await conn.read_some(std::span<char>(buf.data(), buf.size()));
      if (r.n) {
        st.bytes_in += r.n;
        // The head must arrive within the header timeout; a body must keep coming, each read
        // within it (a slow upload goes on, a stalled one is cut off).
        if (!mid_request || in_body) arm(o_.header_timeout);
        mid_request = true;
        parser.feed(std::string_view(buf.data(), r.n));
        continue;
      }
      if (timed_out && mid_request) {
        // Too slow: 408, as a courtesy to a client that is merely slow.
        disarm();
        http_reply reply = text_reply(408, "request timeout: the request did not arrive in time\n");
        proto::request none;
        none.method = "GET";
        co_await write_reply(conn, none, reply, false, st);
        co_return "header_timeout";
      }
      if (timed_out) co_return "idle_timeout";
      co_return net::is_eof(r.ec) ? "eof" : "error: " + vitnet::describe(r.ec);
    }
    if (ev == proto::http_event::head) {
      in_body = true;
      if (proto::expects_continue(parser.current())) {
        static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
        auto w = co_await conn.write_all(std::span<const char>(cont.data(), cont.size()));
        if (w.ec) co_return "error: " + vitnet::describe(w.ec);
        st.bytes_out += w.n;
      }
      if (!streaming) continue;
      auto started = ctx_.now();
      proto::request req = parser.current();
      if (proto::is_upgrade(req) && !parser.has_body()) continue;  // read whole, passed on below
      // The handler reads the body as it needs it, each read within the header timeout.
      request_body body(parser, conn, buf, st, [&] { arm(o_.header_timeout); });
      bool keep = co_await respond(conn, req, st, started, &*clock, &body);
      // What the handler left unread is read and dropped, up to a bound; past it, or when the
      // body was broken, the connection closes (the response said so when it could).
      if (keep && !co_await body.skip_rest(1 << 20)) keep = false;
      if (!keep) co_return "close";
      if (parser.poll() == proto::http_event::message) parser.take();
      in_body = mid_request = false;
      arm(o_.keepalive_timeout);
      continue;
    }
    if (ev == proto::http_event::error) {
      disarm();
      auto& e = parser.error();
      http_reply reply = text_reply(e.status, fmt::format("{}\n", e.message));
      proto::request none;
      none.method = "GET";
      auto t0 = ctx_.now();
      co_await write_reply(conn, none, reply, false, st);
      none.target = "-";
      log(none, st, e.status, reply.body_length(), ctx_.now() - t0);
      co_return fmt::format("bad_request: {}", e.message);
    }
    if (ev == proto::http_event::message) {
      auto started = ctx_.now();
      disarm();
      proto::request req = parser.take();
      mid_request = in_body = false;
      if (proto::is_upgrade(req) && ws_ && authorized(req) && ws_->admits(req)) {
        // The rest of the connection is the WebSocket's, with whatever followed the request.
        // Authentication and the Origin check come first: respond() refuses the others.
        co_return co_await ws_->serve(conn, req, parser.take_buffered(), st);
      }
      if (proto::is_upgrade(req) && handler_ && handler_->passes_upgrades() && authorized(req)) {
        std::variant<http_reply, http_upgraded> answer;
        try {
          answer = co_await handler_->upgrade(req, st);
        } catch (const vitnet::error& e) {
          answer = text_reply(502, fmt::format("{}\n", e.what()));
        }
        if (auto* up = std::get_if<http_upgraded>(&answer)) {
          std::string early = parser.take_buffered();
          co_return co_await tunnel(conn, req, *up, std::move(early), st, started);
        }
        // The backend declined: its answer goes back and HTTP goes on.
        auto& reply = std::get<http_reply>(answer);
        if (!co_await send_reply(conn, req, reply, st, started, &*clock)) co_return "close";
        parser.resume();
        arm(o_.keepalive_timeout);
        continue;
      }
      if (parser.poll() == proto::http_event::paused) parser.resume();
      if (!co_await respond(conn, req, st, started, &*clock)) co_return "close";
      arm(o_.keepalive_timeout);
      continue;
    }
    // paused without an upgrade we serve, or an unexpected state: answer as HTTP and go on.
    if (ev == proto::http_event::paused) {
      parser.resume();
      continue;
    }
    co_return "eof";
  }
}

task<std::string> http_service::tunnel(net::stream& conn, const proto::request& req,
                                       http_upgraded& up, std::string early, conn_stats& st,
                                       net::clock::time_point started) {
  std::string head = proto::serialize_response_head(up.resp) + up.early;
  auto w = co_await conn.write_all(std::span<const char>(head.data(), head.size()));
  st.bytes_out += w.n;
  log(req, st, up.resp.status, 0, ctx_.now() - started);
  if (w.ec) co_return "error: " + vitnet::describe(w.ec);
  if (!early.empty()) {
    auto we = co_await up.peer.write_all(std::span<const char>(early.data(), early.size()));
    if (we.ec) co_return "backend: " + vitnet::describe(we.ec);
  }
  // Both directions until each ends; silence in both for the idle timeout ends the tunnel.
  net::watchdog idle(ctx_, o_.keepalive_timeout, [&] {
    conn.cancel();
    up.peer.cancel();
  });
  // A direction that ends in an error (a reset) ends the other too.
  auto pipe = [](net::stream& from, net::stream& to, net::watchdog* w,
                 net::copy_result& r) -> task<void> {
    r = co_await net::copy(from, to, {.activity = w});
    if (r.write_ec || !net::is_eof(r.read_ec)) {
      from.cancel();
      to.cancel();
    }
  };
  net::copy_result to_backend, to_client;
  co_await net::both(ctx_, pipe(conn, up.peer, &idle, to_backend),
                     pipe(up.peer, conn, &idle, to_client));
  st.bytes_in += to_backend.bytes;
  st.bytes_out += to_client.bytes;
  if (idle.fired()) co_return "idle_timeout";
  co_return "upgraded";
}

void http_service::turn_away(net::stream conn) {
  ctx_.start([](http_service& self, net::stream c) -> task<void> {
    http_reply reply = text_reply(503, "too many connections: try again soon\n");
    reply.resp.headers.set("Retry-After", "1");
    proto::request none;
    none.method = "GET";
    conn_stats st;
    co_await self.write_reply(c, none, reply, false, st);
    c.shutdown_send();
    c.close();
  }(*this, std::move(conn)));
}

task<void> http_service::sweep() {
  // Runs while there are connections; a connection whose deadline passed is cancelled, and its
  // loop sees timed_out.
  while (!clocks_.empty()) {
    co_await ctx_.sleep(sweep_every);
    auto now = ctx_.now();
    for (auto& c : clocks_)
      if (c.deadline <= now) {
        c.deadline = net::clock::time_point::max();
        *c.timed_out = true;
        c.conn->cancel();
      }
  }
  sweeping_ = false;
}

task<bool> http_service::respond(net::stream& conn, const proto::request& req, conn_stats& st,
                                 net::clock::time_point started, conn_clock* clock,
                                 request_body* body) {
  http_reply reply;
  if (o_.cors && req.method == "OPTIONS" && req.headers.contains("Origin") &&
      req.headers.contains("Access-Control-Request-Method")) {
    // A CORS preflight: allowed as asked, without authentication (browsers send none here).
    reply.resp.status = 204;
    reply.resp.headers.set("Access-Control-Allow-Methods",
                           std::string(handler_ ? handler_->methods() : "GET, OPTIONS"));
    if (auto h = req.headers.get("Access-Control-Request-Headers"))
      reply.resp.headers.set("Access-Control-Allow-Headers", std::string(*h));
    reply.resp.headers.set("Access-Control-Max-Age", "600");
  } else if (!authorized(req)) {
    reply = text_reply(401, "unauthorized\n");
    reply.resp.headers.set("WWW-Authenticate", o_.basic_auth.empty()
                                                   ? std::string("Bearer")
                                                   : std::string("Basic realm=\"vitnet\""));
  } else if (ws_ && proto::is_upgrade(req) && !ws_->admits(req)) {
    // A browser page from elsewhere (any site can make a browser open ws://localhost/...).
    auto origin = req.headers.get("Origin").value_or("");
    io_.warn("ws: {}: refused a page from {}; serve --origin {} admits it", st.peer, origin,
             origin);
    reply = text_reply(403, "this origin may not open a WebSocket here\n");
  } else if (!handler_) {
    reply =
        ws_ ? text_reply(426, "this is a WebSocket endpoint\n") : text_reply(404, "not found\n");
    if (ws_) {
      reply.resp.headers.set("Upgrade", "websocket");
      reply.resp.headers.set("Connection", "Upgrade");
    }
  } else {
    try {
      if (body) {
        http_reply answer = co_await handler_->handle_stream(req, st, *body);
        reply = std::move(answer);
      } else {
        http_reply answer = co_await handler_->handle(req, st);
        reply = std::move(answer);
      }
    } catch (const vitnet::error& e) {
      int status = body && body->broken() && body->status() ? body->status() : 500;
      reply = text_reply(status, fmt::format("{}\n", e.what()));
    }
  }
  // A body that broke off leaves the connection's framing unknown.
  co_return co_await send_reply(conn, req, reply, st, started, clock, body && body->broken());
}

task<bool> http_service::send_reply(net::stream& conn, const proto::request& req, http_reply& reply,
                                    conn_stats& st, net::clock::time_point started,
                                    conn_clock* clock, bool framing_lost) {
  decorate(req, reply.resp);
  bool keep =
      req.keep_alive() && !framing_lost && !reply.resp.headers.has_token("Connection", "close");
  // A streamed body of unknown length goes to an HTTP/1.0 client delimited by the close.
  if (reply.streamed && !reply.stream_length && req.version_minor == 0 &&
      has_body(reply.resp.status, req.method))
    keep = false;
  bool ok = co_await write_reply(conn, req, reply, keep, st, clock);
  log(req, st, reply.resp.status, reply.sent, ctx_.now() - started);
  co_return ok&& keep;
}

task<bool> http_service::write_reply(net::stream& conn, const proto::request& req,
                                     http_reply& reply, bool keep_alive, conn_stats& st,
                                     conn_clock* clock) {
  // Each write (and each slice of a file) gets the idle timeout from when it starts: a slow
  // reader keeps its download going, one that stopped reading is cancelled by the sweeper.
  auto progress = [&] {
    if (clock) clock->deadline = ctx_.now() + o_.keepalive_timeout;
  };
  auto& resp = reply.resp;
  resp.headers.set("Date", date_now());
  if (!keep_alive)
    resp.headers.set("Connection", "close");
  else if (req.version_minor == 0)
    resp.headers.set("Connection", "keep-alive");
  bool body = has_body(resp.status, req.method);
  std::optional<std::uint64_t> length;
  bool chunked = false;
  bool framed = resp.status >= 200 && resp.status != 204 && resp.status != 304;
  if (reply.streamed) {
    resp.headers.remove("Content-Length");
    resp.headers.remove("Transfer-Encoding");
    if (framed) length = reply.stream_length;
    if (body && !length && req.version_minor >= 1) {
      chunked = true;
      resp.headers.set("Transfer-Encoding", "chunked");
    }
  } else if (framed) {
    length = reply.body_length();
  }
  std::string out = proto::serialize_response_head(resp, length);
  if (body && !reply.streamed) {
    out += resp.body;
    if (reply.shared_body) out += *reply.shared_body;
    reply.sent = reply.body_length();
  }
  progress();
  auto w = co_await conn.write_all(std::span<const char>(out.data(), out.size()));
  st.bytes_out += w.n;
  if (w.ec) co_return false;
  if (!body) co_return true;
  if (reply.stream) {
    // Pieces go out as they come; waiting for the next one is the source's deadline, not the
    // client's, so the client's clock rests meanwhile.
    for (;;) {
      if (clock) clock->deadline = net::clock::time_point::max();
      std::string piece;
      try {
        piece = co_await reply.stream->next();
      } catch (const vitnet::error& e) {
        // Too late for an error status: the client sees the body cut short (no last chunk,
        // or fewer bytes than the length said).
        io_.warn("http: {}: response body cut short: {}", st.peer, e.what());
        co_return false;
      }
      if (piece.empty()) break;
      reply.sent += piece.size();
      if (chunked) piece = proto::serialize_chunk(piece);
      progress();
      auto wp = co_await conn.write_all(std::span<const char>(piece.data(), piece.size()));
      st.bytes_out += wp.n;
      if (wp.ec) co_return false;
    }
    if (chunked) {
      auto last = proto::serialize_last_chunk();
      progress();
      auto wl = co_await conn.write_all(std::span<const char>(last.data(), last.size()));
      st.bytes_out += wl.n;
      if (wl.ec) co_return false;
    }
    co_return true;
  }
  constexpr std::uint64_t slice = 1 << 20;
  for (auto& [text, file] : reply.parts) {
    if (!text.empty()) {
      progress();
      auto wt = co_await conn.write_all(std::span<const char>(text.data(), text.size()));
      st.bytes_out += wt.n;
      if (wt.ec) co_return false;
    }
    for (std::uint64_t done = 0; done < file.length;) {
      progress();
      auto n = std::min(slice, file.length - done);
      auto wf = co_await net::send_file(conn, *file.fd, file.offset + done, n);
      st.bytes_out += wf.n;
      if (wf.ec) co_return false;
      done += n;
    }
  }
  co_return true;
}

}  // namespace commands

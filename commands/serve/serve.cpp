#include "commands/serve/serve.hpp"

#include <csignal>
#include <deque>
#include <list>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands/serve/session.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "net/copy.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "net/park.hpp"
#include "net/quic/quic.hpp"
#include "net/x509/x509.hpp"

namespace commands {

namespace {

using net::task;

// ---- broadcast: what one member sends reaches every other -------------------------------------

// A connection with its own queue of shared chunks to write (a broadcast member, a client of
// serve -k's stdin), and the wake-up its writer waits on.
struct member {
  net::stream* conn;
  std::deque<std::shared_ptr<const std::string>> queue;
  std::size_t queued = 0;
  std::unique_ptr<net::event> wake;  ///< the writer waits here for messages
  bool closing = false;
  std::uint64_t* bytes_out;

  void push(std::shared_ptr<const std::string> msg) {
    queued += msg->size();
    queue.push_back(std::move(msg));
    wake->notify();
  }
};

// A member whose backlog passes this is too slow to keep up and is dropped, so one stalled reader
// cannot make the server hold unbounded memory.
constexpr std::size_t max_backlog = 8 << 20;

struct room {
  std::list<member*> members;

  void publish(member* from, std::shared_ptr<const std::string> msg) {
    for (auto* m : members) {
      if (m == from || m->closing) continue;
      if (m->queued + msg->size() > max_backlog) {
        m->closing = true;
        m->conn->close();
        m->wake->notify();
        continue;
      }
      m->push(msg);
    }
  }
};

task<void> broadcast_writer(member& m) {
  while (!m.closing) {
    if (m.queue.empty()) {
      bool woken = co_await m.wake->wait();
      if (!woken) break;
      continue;
    }
    auto msg = m.queue.front();
    m.queue.pop_front();
    m.queued -= msg->size();
    auto wr = co_await m.conn->write_all(*msg);
    *m.bytes_out += wr.n;
    if (wr.ec) {
      m.closing = true;
      m.conn->close();
    }
  }
}

task<void> broadcast_reader(net::stream& conn, member& m, room& r, net::watchdog* idle,
                            std::uint64_t& bytes_in) {
  for (bool open = true; open;) {
    if (auto ec = co_await conn.wait_readable(); ec) break;
    net::pooled_buffer buf;
    for (;;) {
      auto rd = conn.try_read_some(buf.span());
      if (net::is_would_block(rd.ec)) break;
      if (rd.ec) {
        open = false;
        break;
      }
      bytes_in += rd.n;
      if (idle) idle->touch();
      r.publish(&m, std::make_shared<const std::string>(buf.span().data(), rd.n));
    }
  }
  m.closing = true;
  m.wake->notify();
}

// ---- serve -k in stdio mode: stdin to every client, every client to stdout ----------------------

// What one client of the fan-out has still to be sent from stdin.
// One reader of stdin, many clients (as ncat -k does). Nothing is dropped: stdin is not read
// while no client is connected or while any client holds more than this unsent (a client that
// never reads is ended by --idle-timeout, or by leaving). Clients' bytes go to stdout a chunk at
// a time, one writer at once, so chunks from different clients never interleave mid-chunk.
constexpr std::size_t max_stdin_backlog = 1 << 20;

class stdin_fanout {
 public:
  explicit stdin_fanout(net::context& ctx) : ctx_(ctx), room_(ctx), stdout_free_(ctx) {}

  // Reads stdin until its end, handing each chunk to every client there at the time; at the
  // end, every client's sending direction is shut once its queue is written.
  task<void> pump() {
    auto& in = ctx_.standard_input();
    std::vector<char> buf(65536);
    for (;;) {
      if (must_wait()) {
        bool woken = co_await room_.wait();
        if (!woken) break;
        continue;
      }
      auto rd = co_await in.read_some(buf);
      if (rd.ec || rd.n == 0) break;
      auto chunk = std::make_shared<const std::string>(buf.data(), rd.n);
      for (auto* m : members_)
        if (!m->closing) m->push(chunk);
    }
    ended_ = true;
    for (auto* m : members_) m->wake->notify();
  }

  // Serves one client until it ends its sending direction or fails.
  task<net::copy_result> serve(net::stream& conn, net::watchdog* idle, std::uint64_t& sent) {
    member m{&conn, {}, 0, std::make_unique<net::event>(ctx_), false, &sent};
    members_.push_back(&m);
    room_.notify();
    net::copy_result down;
    co_await net::both(ctx_, writer(m, idle), reader(m, idle, down));
    members_.remove(&m);
    room_.notify();
    co_return down;
  }

 private:
  // Stdin is read only while someone is there to receive it, and no one is too far behind.
  bool must_wait() const {
    if (members_.empty()) return true;
    for (auto* m : members_)
      if (!m->closing && m->queued > max_stdin_backlog) return true;
    return false;
  }

  task<void> writer(member& m, net::watchdog* idle) {
    while (!m.closing) {
      if (m.queue.empty()) {
        if (ended_) {
          m.conn->shutdown_send();  // nothing more will come from stdin
          break;
        }
        bool woken = co_await m.wake->wait();
        if (!woken) break;
        continue;
      }
      auto chunk = m.queue.front();
      auto wr = co_await m.conn->write_all(*chunk);
      *m.bytes_out += wr.n;
      m.queue.pop_front();
      m.queued -= chunk->size();
      room_.notify();
      if (wr.ec) {
        m.closing = true;
        m.conn->close();  // the reader ends with it
        break;
      }
      if (idle) idle->touch();
    }
  }

  task<void> reader(member& m, net::watchdog* idle, net::copy_result& r) {
    auto& out = ctx_.standard_output();
    std::vector<char> buf(65536);
    for (;;) {
      auto rd = co_await m.conn->read_some(buf);
      if (rd.ec) {
        r.read_ec = rd.ec;
        break;
      }
      if (idle) idle->touch();
      while (stdout_busy_) {
        bool woken = co_await stdout_free_.wait();
        if (!woken) break;
      }
      stdout_busy_ = true;
      auto wr = co_await out.write_all(std::span<const char>(buf.data(), rd.n));
      stdout_busy_ = false;
      stdout_free_.notify();
      r.bytes += wr.n;
      if (wr.ec) {
        r.write_ec = wr.ec;
        break;
      }
    }
    m.closing = true;
    m.wake->notify();
  }

  net::context& ctx_;
  std::list<member*> members_;
  net::event room_;         ///< a client's backlog shrank, or a client left
  net::event stdout_free_;  ///< a client finished writing a chunk to stdout
  bool stdout_busy_ = false;
  bool ended_ = false;
};

// ---- the server
// ----------------------------------------------------------------------------------

// Shared, and holding its own copy of the options: each connection's coroutine keeps it alive, as
// on the mock network those may finish after run_serve's caller is gone.
class server : public std::enable_shared_from_this<server> {
 public:
  server(net::context& ctx, const serve_options& o, core::io& io) : ctx_(ctx), o_(o), io_(io) {}

  task<int> run() {
    if (o_.where.transport == net::transport::udp && !o_.where.quic) co_return co_await run_udp();
    if (o_.where.quic && o_.service && !o_.service->quic_alpn().empty())
      co_return co_await run_quic_service();
    if (o_.where.tls) tls_ = make_tls();
    if (o_.where.app != net::app_protocol::none) {
      std::shared_ptr<ws_service> ws;
      if (o_.where.is_ws()) ws = std::make_shared<ws_service>(ctx_, o_.ws, io_);
      http_ = std::make_unique<http_service>(ctx_, o_.http, io_, o_.where.tls, ws);
      // The request log on stdout must not stop the server when nobody reads it.
      if (!uses_stdio()) io_.log_without_blocking();
    }
    // Static files keep no state between requests, so one process per core can answer them,
    // each with its own listener on the port (SO_REUSEPORT), the kernel spreading connections.
    int workers = 1;
    if (http_) {
      workers = o_.http.workers;
      if (workers == 0)
        workers = o_.http.dir.empty() || o_.where.is_ws() ? 1 : ctx_.probe_workers();
    }
    cap_ = connection_cap();
    if (o_.keep_open && uses_stdio() && !o_.where.is_ws()) {
      fanout_ = std::make_unique<stdin_fanout>(ctx_);
      ctx_.start(fanout_->pump());
    }
    net::listen_options lo;
    lo.reuse_port = workers > 1;
    net::listener l;
    if (o_.where.quic) {
      l = co_await quic_listener();
    } else {
      l = co_await ctx_.listen(o_.where, lo);
    }
    announce(l.local_endpoint());
    if (http_ && o_.http.http3 && o_.where.tls) co_await start_http3(l.local_endpoint());
    if (workers > 1 && tls_) tls_->share_sessions_with_workers();
    if (workers > 1 && ctx_.fork_workers(workers - 1) > 0) {
      auto own = l.local_endpoint();
      l.close();
      l = co_await ctx_.listen(own, lo);
      // HTTP/3 stays with the first process: a QUIC connection's packets must all reach the
      // process that holds it, and the kernel would spread them over every process reading
      // the port. The copies let go of the socket they inherited.
      if (h3_server_) h3_server_->abandon();
    }
    for (;;) {
      auto [ec, conn] = co_await l.accept();
      if (ec) {
        if (net::is_cancelled(ec)) break;
        // Out of descriptors (the listener closed the waiting client) or a transient failure:
        // say so, now and then, breathe, go on accepting.
        ++accept_failures_;
        if (ctx_.now() >= next_accept_warning_) {
          io_.warn("accept: {}: {} ({} since the last warning)", l.local_endpoint().display(),
                   vitnet::describe(ec), accept_failures_);
          accept_failures_ = 0;
          next_accept_warning_ = ctx_.now() + std::chrono::seconds(10);
        }
        co_await ctx_.sleep(std::chrono::milliseconds(10));
        continue;
      }
      if (!admit(conn)) continue;
      if (!o_.keep_open) {
        // netcat's way: one connection, and nobody else is let in meanwhile; a client whose TLS
        // handshake fails does not count, and the next one is waited for.
        bool established = false;
        co_await session(std::move(conn), &l, &established);
        if (established) break;
        continue;
      }
      if (uses_stdio() && o_.where.is_ws()) {
        co_await session(std::move(conn));  // one at a time: stdin and stdout are shared
      } else {
        // The session's own frame keeps the server alive (no wrapper coroutine: one frame less
        // for every open connection).
        ctx_.start(session(std::move(conn), nullptr, nullptr, shared_from_this()));
      }
    }
    co_return 0;
  }

 private:
  // stdin and stdout carry a peer's data: in stdio mode, and for a ws:// server in stdio mode
  // (an http:// server keeps the default mode but uses neither).
  bool uses_stdio() const {
    if (o_.service) return false;
    return o_.mode == serve_mode::stdio && o_.where.app != net::app_protocol::http;
  }
  bool events_on_stderr() const { return uses_stdio(); }

  void announce(const net::endpoint& local) {
    if (o_.on_listening) o_.on_listening(local);
    net::endpoint shown = local;
    if (!shown.is_unix() && shown.host.empty()) shown.host = "::";
    std::string url = shown.to_string();
    // "http://127.0.0.1:8080", so that scripts can write $URL/path.
    if (shown.app != net::app_protocol::none && url.ends_with('/')) url.pop_back();
    if (!o_.scheme.empty()) url = o_.scheme + url.substr(url.find(':'));
    io_.note("listening on {}", url);
    if (io_.json())
      io_.event(nlohmann::ordered_json{{"event", "listening"}, {"url", url}}.dump(),
                events_on_stderr());
    if (!o_.ready_file.empty()) core::write_file_atomic(o_.ready_file, url + "\n");
  }

  bool admit(net::stream& conn) {
    const std::string& peer = conn.peer_name();
    if (auto addr = conn.peer_address())
      if (const char* why = refusal(addr->ip)) {
        report_reject(io_, peer, why, events_on_stderr());
        conn.close();
        return false;
      }
    if (cap_ > 0 && active_ >= cap_) {
      report_reject(io_, peer, "max_conns", events_on_stderr());
      ++turned_away_;
      if (ctx_.now() >= next_cap_warning_) {
        io_.warn("{} connections open, the cap{}: turning clients away ({} so far){}", cap_,
                 o_.max_conns ? "" : " the descriptor limit allows", turned_away_,
                 o_.max_conns ? "" : "; raise it with ulimit -n, or set --max-conns");
        next_cap_warning_ = ctx_.now() + std::chrono::seconds(10);
      }
      if (http_ && !o_.where.tls) {
        http_->turn_away(std::move(conn));  // told why (503) before it closes
        return false;
      }
      conn.close();
      return false;
    }
    return true;
  }

  // quic://: a QUIC server whose connections each carry one stream, served as a TCP connection
  // is (its TLS is inside QUIC: no tls_accept).
  task<net::listener> quic_listener() {
    auto server = co_await listen_quic();
    co_return net::quic_stream_listener(ctx_, server);
  }

  task<net::quic_server> listen_quic() {
    net::quic_server_options q;
    q.tls = o_.tls;
    q.qlog_dir = o_.qlog_dir;
    if (o_.idle_timeout) q.idle_timeout = *o_.idle_timeout;
    if (o_.max_conns) q.max_connections = o_.max_conns;
    if (q.tls.alpn.empty() && o_.service && !o_.service->quic_alpn().empty())
      q.tls.alpn = {std::string(o_.service->quic_alpn())};
    auto server = co_await net::quic_server::listen(ctx_, o_.where, q);
    if (server.ephemeral())
      io_.note(
          "tls: ephemeral self-signed certificate (sha256 {}); clients can trust it with --pin "
          "sha256:{}",
          server.fingerprint(), server.fingerprint());
    server.on_handshake_failure([this](const std::string& why) { io_.warn("quic: {}", why); });
    co_return server;
  }

  // quic:// for a service that takes whole connections (DNS over QUIC): each is handed over
  // once its handshake is done and --allow/--deny let its address in.
  task<int> run_quic_service() {
    auto qs = co_await listen_quic();
    announce(qs.local_endpoint());
    for (;;) {
      auto session = co_await qs.accept();
      if (!session) break;
      auto peer = session->info().remote;
      auto hp = net::split_host_port(peer);
      auto ip = hp ? net::ip_address::parse(hp->host) : std::nullopt;
      if (const char* why = ip ? refusal(*ip) : nullptr) {
        report_reject(io_, peer, why, false);
        session->close(0, why);
        continue;
      }
      ctx_.start([](std::shared_ptr<server> self, net::quic_session s) -> task<void> {
        ++self->active_;
        conn_stats st{++self->next_id_, s.info().remote, self->ctx_.now()};
        st.alpn = s.info().alpn;
        report_open(self->io_, st, false);
        auto why = co_await self->o_.service->serve_quic(s, st);
        report_close(self->io_, self->ctx_, st, why, false);
        --self->active_;
      }(shared_from_this(), std::move(*session)));
    }
    co_return 0;
  }

  // https:// --http3: the same service over HTTP/3, on the TCP port's number over UDP, with the
  // same certificate; responses over TCP advertise it (Alt-Svc).
  task<void> start_http3(const net::endpoint& tcp) {
    net::quic_server_options q;
    q.tls = o_.tls;
    q.tls.alpn = {"h3"};
    q.tls.names = tls_names_;
    q.cert_pem = ephemeral_.cert_pem;
    q.key_pem = ephemeral_.key_pem;
    q.qlog_dir = o_.qlog_dir;
    q.idle_timeout = o_.http.keepalive_timeout;
    net::endpoint udp = tcp;
    udp.transport = net::transport::udp;
    udp.tls = false;
    udp.app = net::app_protocol::none;
    udp.target.clear();
    auto server = co_await net::quic_server::listen(ctx_, udp, q);
    h3_server_ = server;
    server.on_handshake_failure([this](const std::string& why) { io_.warn("http3: {}", why); });
    http_->set_alt_svc(fmt::format("h3=\":{}\"; ma=86400", server.local_endpoint().port));
    io_.note("http3: also listening on udp port {}", server.local_endpoint().port);
    ctx_.start(accept_http3(shared_from_this(), server));
  }

  static task<void> accept_http3(std::shared_ptr<server> self, net::quic_server qs) {
    for (;;) {
      auto c = co_await qs.accept();
      if (!c) break;
      conn_stats st{++self->next_id_, c->info().remote, self->ctx_.now()};
      st.alpn = "h3";
      self->ctx_.start(
          [](std::shared_ptr<server> self, net::quic_session c, conn_stats st) -> task<void> {
            ++self->active_;
            report_open(self->io_, st, self->events_on_stderr());
            auto why = co_await self->http_->serve_h3(c, st);
            report_close(self->io_, self->ctx_, st, why, self->events_on_stderr());
            --self->active_;
          }(self, *c, st));
    }
  }

  std::unique_ptr<net::tls_server> make_tls() {
    auto opts = o_.tls;
    if (opts.names.empty()) {
      for (std::string n :
           {o_.where.host, std::string("localhost"), std::string("127.0.0.1"), std::string("::1")})
        if (!n.empty() && std::find(opts.names.begin(), opts.names.end(), n) == opts.names.end())
          opts.names.push_back(n);
    }
    if (o_.where.is_http() && o_.service && opts.alpn.empty()) {
      // A message service's replies are bodies in memory, which HTTP/2 (http/h2.cpp) carries
      // too; DNS over HTTPS clients (dig, kdig) speak nothing else.
      opts.alpn = {"h2", "http/1.1"};
      opts.alpn_optional = true;
    } else if (o_.where.app != net::app_protocol::none && opts.alpn.empty()) {
      // HTTPS and WSS speak HTTP/1.1: say so to clients that ask (curl, browsers, h2load).
      opts.alpn = {"http/1.1"};
      opts.alpn_optional = true;
    }
    tls_names_ = opts.names;
    if (o_.http.http3 && opts.cert_file.empty()) {
      // One ephemeral certificate for both listeners: a client that moves to HTTP/3 (Alt-Svc)
      // meets the certificate it already trusts.
      ephemeral_ = net::x509::self_signed_server(opts.names);
      opts.ephemeral_cert_pem = ephemeral_.cert_pem;
      opts.ephemeral_key_pem = ephemeral_.key_pem;
    }
    auto s = std::make_unique<net::tls_server>(opts);
    if (s->ephemeral())
      io_.note(
          "tls: ephemeral self-signed certificate for {} (sha256 {}); clients can trust it with "
          "--pin sha256:{}",
          fmt::join(opts.names, ", "), s->fingerprint(), s->fingerprint());
    return s;
  }

  // Serves one connection; *established is set when its TLS handshake (if any) succeeded.
  // `single` is the listener to close once the connection is established (netcat's
  // one-connection mode); `keep`, when given, keeps the server alive while the session runs.
  task<void> session(net::stream conn, net::listener* single = nullptr, bool* established = nullptr,
                     std::shared_ptr<server> keep = nullptr) {
    ++active_;
    conn_stats st{++next_id_, conn.peer_name(), ctx_.now()};
    report_open(io_, st, events_on_stderr());
    if (tls_) {
      auto failed = co_await net::failure_of([&]() -> task<void> {
        net::tls_info info;
        conn =
            co_await net::tls_accept(ctx_, std::move(conn), *tls_, std::chrono::seconds(10), &info);
        st.alpn = info.alpn;
        io_.verbose(1, "tls: {} {} with {}{}", info.version, info.cipher, st.peer,
                    info.peer_subject.empty() ? "" : ", client " + info.peer_subject);
      }());
      if (failed) {
        if (!io_.json()) io_.warn("{}", *failed);
        report_close(io_, ctx_, st, "error: " + *failed, events_on_stderr());
        --active_;
        co_return;
      }
    }
    if (established) *established = true;
    if (single) single->close();
    std::unique_ptr<net::watchdog> idle;
    bool idled = false;
    // HTTP keeps its own time (keep-alive and header timeouts); WebSocket sessions go on.
    if (o_.idle_timeout && !http_)
      idle = std::make_unique<net::watchdog>(ctx_, *o_.idle_timeout, [&] {
        idled = true;
        conn.close();
        // In stdio mode the relay may be waiting for stdin, which must not keep the session.
        if (o_.mode == serve_mode::stdio) ctx_.standard_input().cancel();
      });
    if (keep && !idle && !tls_ && !http_ && !o_.service && o_.mode == serve_mode::echo &&
        net::parkable(conn)) {
      // -k --echo over plain sockets: the connection is parked between bursts, and this
      // session's frame ends here (the parked state reports the close).
      auto p = std::make_shared<parked_echo>(std::move(keep), std::move(conn), std::move(st));
      park(std::move(p));
      co_return;
    }
    std::string reason;
    if (!http_ && !o_.service && o_.mode == serve_mode::echo) {
      // Echo is copied from this frame, not one of its own: an idle echo connection (the
      // mode that holds 10,000 of them in the benchmark) then costs one frame less.
      auto r = co_await net::copy(conn, conn, {.activity = idle.get(), .counter = &st.bytes_in});
      st.bytes_out = r.bytes;
      reason = reason_of(r);
    } else {
      reason = co_await dispatch(conn, st, idle.get());
    }
    if (idled) reason = "idle_timeout";
    if (idle) idle->disarm();
    conn.close();
    report_close(io_, ctx_, st, reason, events_on_stderr());
    --active_;
  }

  // An echo connection between bursts: while it has nothing to read, it holds no coroutine
  // frame, only this state and a pending readiness wait. (Idle, a session's chain of frames —
  // spawn, session, copy, wait — was most of what each of 10,000 connections cost.)
  struct parked_echo {
    parked_echo(std::shared_ptr<server> s, net::stream c, conn_stats stats)
        : self(std::move(s)), conn(std::move(c)), st(std::move(stats)) {}
    std::shared_ptr<server> self;
    net::stream conn;
    conn_stats st;
    net::copy_result r;
  };

  static void park(std::shared_ptr<parked_echo> p) {
    auto& conn = p->conn;
    net::when_readable(conn, [p = std::move(p)](std::error_code ec) mutable {
      auto& ctx = p->self->ctx_;
      ctx.start(echo_burst(std::move(p), ec));
    });
  }

  // Copies what arrived; parks the connection again, or ends it as session() would.
  static task<void> echo_burst(std::shared_ptr<parked_echo> p, std::error_code ec) {
    auto& s = *p->self;
    bool over = true;
    if (ec) {
      p->r.read_ec = ec;
    } else {
      net::copy_options o{.counter = &p->st.bytes_in};
      over = co_await net::copy_ready(p->conn, p->conn, p->r, o);
    }
    if (!over) {
      park(std::move(p));
      co_return;
    }
    p->st.bytes_out = p->r.bytes;
    p->conn.close();
    report_close(s.io_, s.ctx_, p->st, reason_of(p->r), s.events_on_stderr());
    --s.active_;
  }

  static std::string reason_of(const net::copy_result& r) {
    if (r.write_ec) return "error: " + vitnet::describe(r.write_ec);
    if (net::is_eof(r.read_ec) || net::is_cancelled(r.read_ec)) return "eof";
    return "error: " + vitnet::describe(r.read_ec);
  }

  // Not a coroutine: it hands over the task of the mode, so no frame of its own (with room for
  // every mode's locals) stays allocated for each open connection.
  task<std::string> dispatch(net::stream& conn, conn_stats& st, net::watchdog* idle) {
    if (http_ && st.alpn == "h2") return http_->serve_h2(conn, st);
    if (http_) return http_->serve(conn, st);
    if (o_.service) return o_.service->serve_stream(conn, st, idle);
    switch (o_.mode) {
      case serve_mode::sink:
        return sink(conn, st, idle);
      case serve_mode::reply:
        return reply(conn, st, idle);
      case serve_mode::exec:
        return exec(conn, st, idle);
      case serve_mode::broadcast:
        return broadcast(conn, st, idle);
      case serve_mode::stdio:
        return stdio(conn, st, idle);
      case serve_mode::echo:  // session() copies it itself
        break;
    }
    vitnet::fail(core::exit_code::internal, "serve: no handler for this connection");
  }

  task<std::string> sink(net::stream& conn, conn_stats& st, net::watchdog* idle) {
    auto r = co_await net::drain(conn, {.activity = idle, .counter = &st.bytes_in});
    co_return reason_of(r);
  }

  task<std::string> reply(net::stream& conn, conn_stats& st, net::watchdog* idle) {
    auto wr = co_await conn.write_all(o_.reply);
    st.bytes_out = wr.n;
    if (wr.ec) co_return "error: " + vitnet::describe(wr.ec);
    conn.shutdown_send();
    // Read until the peer closes, so it gets the whole reply and no reset.
    auto r = co_await net::drain(conn, {.activity = idle, .counter = &st.bytes_in});
    co_return reason_of(r);
  }

  task<std::string> broadcast(net::stream& conn, conn_stats& st, net::watchdog* idle) {
    member m{&conn, {}, 0, std::make_unique<net::event>(ctx_), false, &st.bytes_out};
    room_.members.push_back(&m);
    co_await net::both(ctx_, broadcast_reader(conn, m, room_, idle, st.bytes_in),
                       broadcast_writer(m));
    room_.members.remove(&m);
    co_return "eof";
  }

  task<std::string> exec(net::stream& conn, conn_stats& st, net::watchdog* idle) {
    net::spawn_options so{o_.exec, {}};
    if (auto a = conn.peer_address()) {
      so.env["VITNET_PEER_ADDR"] = a->ip.to_string();
      so.env["VITNET_PEER_PORT"] = std::to_string(a->port);
    } else {
      so.env["VITNET_PEER_ADDR"] = conn.peer_name();
      so.env["VITNET_PEER_PORT"] = "";
    }
    auto child = ctx_.spawn(so);
    exec_run run{*child};
    run.linger = ctx_.make_timer();
    co_await net::both(ctx_, exec_input(conn, run, idle), exec_output(conn, run, idle));
    st.bytes_in = run.up.bytes;
    st.bytes_out = run.down.bytes;
    child->stdin_stream().close();
    // The connection is over; the child gets a moment to finish by itself, then SIGTERM (its
    // whole process group: "a | b" ends too), then SIGKILL.
    if (!run.ended) {
      net::watchdog patience(ctx_, exec_linger, [&run] { end_child(run); });
      co_await child->wait();
    }
    net::watchdog grace(ctx_, exec_grace, [&child] { child->kill(SIGKILL); });
    int status = co_await child->wait();
    if (run.ended) co_return run.why;
    if (status != 0) co_return fmt::format("exit {}", status);
    co_return "eof";
  }

  // A child that stays after its client, quiet this long, is ended; as is one still running
  // this long after the connection is over.
  static constexpr net::duration exec_linger = std::chrono::seconds(10);
  // Between SIGTERM and SIGKILL.
  static constexpr net::duration exec_grace = std::chrono::seconds(2);

  struct exec_run {
    net::child_process& child;
    net::copy_result up, down;
    std::uint64_t down_bytes = 0;
    bool down_done = false, ended = false;
    std::string why;
    std::unique_ptr<net::timer> linger;
  };

  static void end_child(exec_run& r, std::string why = "ended: the peer left") {
    if (r.ended) return;
    r.ended = true;
    r.why = std::move(why);
    r.child.kill(SIGTERM);
  }

  // The peer's bytes to the child. When the peer is gone (an error), so is the child. At the
  // peer's end of stream the child's stdin ends too and it may still answer (a half-close);
  // while it says nothing for exec_linger, it is ended.
  task<void> exec_input(net::stream& conn, exec_run& r, net::watchdog* idle) {
    r.up = co_await net::copy(conn, r.child.stdin_stream(), {.activity = idle});
    if (r.up.read_ec && !net::is_eof(r.up.read_ec)) {
      end_child(r, "ended: " + vitnet::describe(r.up.read_ec));
      co_return;
    }
    for (auto seen = r.down_bytes; !r.down_done;) {
      r.linger->expires_after(exec_linger);
      bool expired = co_await r.linger->wait();
      if (!expired || r.down_done) break;
      if (r.down_bytes == seen) {
        end_child(r);
        break;
      }
      seen = r.down_bytes;
    }
  }

  // The child's output to the peer; a peer that can no longer be written to ends the child.
  task<void> exec_output(net::stream& conn, exec_run& r, net::watchdog* idle) {
    r.down = co_await net::copy(r.child.stdout_stream(), conn,
                                {.activity = idle, .counter = &r.down_bytes});
    r.down_done = true;
    r.linger->cancel();
    if (r.down.write_ec) end_child(r, "ended: " + vitnet::describe(r.down.write_ec));
  }

  task<std::string> stdio(net::stream& conn, conn_stats& st, net::watchdog* idle) {
    if (fanout_) {
      auto down = co_await fanout_->serve(conn, idle, st.bytes_out);
      st.bytes_in = down.bytes;
      co_return reason_of(down);
    }
    auto& in = ctx_.standard_input();
    auto& out = ctx_.standard_output();
    net::copy_result up, down;
    co_await net::both(
        ctx_,
        [](net::stream& from, net::stream& to, net::watchdog* w,
           net::copy_result& r) -> task<void> {
          r = co_await net::copy(from, to, {.activity = w});
        }(in, conn, idle, up),
        [](net::stream& from, net::stream& to, net::stream& in, net::watchdog* w, bool many,
           net::copy_result& r) -> task<void> {
          r = co_await net::copy(from, to, {.activity = w, .shutdown_after = false});
          // The peer's end of stream may be a half-close, after which it still reads: a single
          // connection keeps sending stdin to it. With -k the next client is waiting, so the
          // session ends here.
          if (many || !net::is_eof(r.read_ec)) in.cancel();
        }(conn, out, in, idle, o_.keep_open, down));
    st.bytes_out = up.bytes;
    st.bytes_in = down.bytes;
    co_return reason_of(down);
  }

  // ---- UDP
  // ----------------------------------------------------------------------------------------

  task<int> run_udp() {
    if (o_.where.tls) vitnet::fail(core::exit_code::usage, "serve: tls runs over tcp, not udp");
    if (o_.mode == serve_mode::exec || o_.mode == serve_mode::broadcast)
      vitnet::fail(core::exit_code::usage,
                   "serve: --{} needs a stream transport (tcp or unix), not udp",
                   o_.mode == serve_mode::exec ? "exec" : "broadcast");
    auto sock = co_await ctx_.bind_datagram(o_.where);
    announce(sock.local_endpoint());
    if (o_.mode == serve_mode::stdio) co_return co_await udp_stdio(sock);
    std::vector<char> buf(65536);
    for (;;) {
      auto r = co_await sock.receive_from(buf);
      if (r.ec) {
        if (net::is_cancelled(r.ec)) break;
        io_.verbose(1, "receive: {}", vitnet::describe(r.ec));  // ICMP errors from earlier sends
        continue;
      }
      if (refusal(r.from.ip)) continue;
      std::size_t sent = 0;
      if (o_.mode == serve_mode::echo || o_.mode == serve_mode::reply) {
        std::span<const char> answer =
            o_.mode == serve_mode::echo ? std::span<const char>(buf.data(), r.n)
                                        : std::span<const char>(o_.reply.data(), o_.reply.size());
        if (auto ec = co_await sock.send_to(answer, r.from); !ec) sent = answer.size();
      }
      if (io_.json())
        io_.event(nlohmann::ordered_json{
            {"event", "datagram"},
            {"peer", r.from.to_string()},
            {"bytes_in", r.n},
            {"bytes_out",
             sent}}.dump());
      else
        io_.verbose(1, "datagram from {}: {} bytes", r.from.to_string(), r.n);
      if (o_.once) break;
    }
    co_return 0;
  }

  // What --deny and --allow say of a peer: null when it may come in, else why not ("denied": in
  // a denied block, which wins; "not_allowed": outside every allowed block).
  const char* refusal(const net::ip_address& ip) const {
    for (auto& c : o_.deny)
      if (c.contains(ip)) return "denied";
    if (o_.allow.empty()) return nullptr;
    for (auto& c : o_.allow)
      if (c.contains(ip)) return nullptr;
    return "not_allowed";
  }

  // Datagrams go to stdout as they are; stdin lines go to the last peer heard from.
  task<int> udp_stdio(net::datagram_socket& sock) {
    std::optional<net::socket_address> last;
    bool done = false;
    auto receiver = [&]() -> task<void> {
      std::vector<char> buf(65536);
      auto& out = ctx_.standard_output();
      while (!done) {
        auto r = co_await sock.receive_from(buf);
        if (r.ec) {
          if (net::is_cancelled(r.ec)) break;
          continue;
        }
        if (refusal(r.from.ip)) continue;
        last = r.from;
        if (io_.json())
          io_.event(
              nlohmann::ordered_json{
                  {"event", "datagram"}, {"peer", r.from.to_string()}, {"bytes_in", r.n}}
                  .dump(),
              true);
        auto wr = co_await out.write_all(std::span<const char>(buf.data(), r.n));
        if (wr.ec || o_.once) break;
      }
      done = true;
      ctx_.standard_input().cancel();
    };
    auto sender = [&]() -> task<void> {
      auto& in = ctx_.standard_input();
      std::string pending;
      net::pooled_buffer buf;
      while (!done) {
        auto rd = co_await in.read_some(buf.span());
        if (rd.ec) break;
        pending.append(buf.span().data(), rd.n);
        while (auto line = core::next_line(pending)) {
          if (!last) {
            io_.warn("no peer has sent a datagram yet; dropped {} bytes from stdin", line->size());
            continue;
          }
          co_await sock.send_to(*line, *last);
        }
      }
      if (!pending.empty() && last) co_await sock.send_to(pending, *last);
    };
    co_await net::both(ctx_, receiver(), sender());
    co_return 0;
  }

  net::context& ctx_;
  const serve_options o_;
  core::io& io_;
  std::unique_ptr<net::tls_server> tls_;
  std::vector<std::string> tls_names_;
  std::optional<net::quic_server> h3_server_;
  net::x509::issued ephemeral_;  ///< --http3 without --cert: shared with the QUIC listener
  std::unique_ptr<http_service> http_;
  // At most this many connections at once (0: no cap): --max-conns, else what the descriptor
  // limit allows with some kept in reserve, so that a server at its cap still has descriptors to
  // answer 503, accept-and-close, open files and reach backends.
  std::size_t connection_cap() const {
    if (o_.max_conns > 0) return o_.max_conns;
    std::size_t limit = ctx_.descriptor_limit();
    if (limit == 0) return 0;
    std::size_t reserve = 32 + limit / 16;
    std::size_t each = 1;                          // the connection
    if (o_.mode == serve_mode::exec) each += 3;    // the child's stdin, stdout and a pidfd or pipe
    if (http_ && !o_.http.dir.empty()) each += 1;  // a file being sent
    if (http_ && !o_.http.backends.empty()) {
      each += 1;                                // the backend connection
      reserve += 32 * o_.http.backends.size();  // pooled idle connections
    }
    if (limit <= reserve + each) return 1;
    return (limit - reserve) / each;
  }

  std::size_t cap_ = 0;
  std::uint64_t turned_away_ = 0, accept_failures_ = 0;
  net::clock::time_point next_cap_warning_{}, next_accept_warning_{};
  std::size_t active_ = 0;
  std::uint64_t next_id_ = 0;
  room room_;
  std::unique_ptr<stdin_fanout> fanout_;  ///< -k in stdio mode
};

}  // namespace

task<int> run_serve(net::context& ctx, const serve_options& opts, core::io& io) {
  auto s = std::make_shared<server>(ctx, opts, io);
  co_return co_await s->run();
}

}  // namespace commands

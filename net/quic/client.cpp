// QUIC clients (quic_dial, quic_connect) and what a held connection can do (quic_session).
#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "core/exit_code.hpp"
#include "core/text.hpp"
#include "core/units.hpp"
#include "net/quic/engine.hpp"
#include "net/quic/tls.hpp"
#include "net/stream_impl.hpp"

namespace net {

ngtcp2_callbacks quic_callbacks(bool server);
void quic_settings(quic_connection& c, ngtcp2_settings& s, duration handshake_timeout,
                   const ngtcp2_cid& odcid, bool qlog);
void quic_params(ngtcp2_transport_params& p, duration idle);

namespace {

using core::exit_code;

std::string hex(const std::uint8_t* p, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += fmt::format("{:02x}", p[i]);
  return s;
}

}  // namespace

/// Opens `dir/<id>.sqlog` for a connection's qlog (the directory is made if missing). A qlog
/// that cannot be written is a warning on the connection, not a failure.
FILE* quic_open_qlog(const std::string& given, const ngtcp2_cid& id, bool server,
                     std::string& warning) {
  // --qlog-dir, else $QLOGDIR (the variable ngtcp2's tools and others read).
  std::string dir = given;
  if (dir.empty())
    if (const char* env = std::getenv("QLOGDIR")) dir = env;
  if (dir.empty()) return nullptr;
  ::mkdir(dir.c_str(), 0755);
  auto path =
      fmt::format("{}/{}-{}.sqlog", dir, hex(id.data, id.datalen), server ? "server" : "client");
  FILE* f = std::fopen(path.c_str(), "wbx");
  if (!f) warning = fmt::format("--qlog-dir: cannot write {}: {}", path, std::strerror(errno));
  return f;
}

namespace {

// Streams opened for 0-RTT that the server refused: ngtcp2 forgot them, so they are opened again
// and everything written on them goes out again, now in 1-RTT packets.
void reopen_early_streams(quic_connection& c) {
  std::vector<std::shared_ptr<quic_stream_state>> early;
  for (auto& [id, s] : c.streams)
    if (s->early) early.push_back(s);
  c.streams.clear();
  for (auto& s : early) {
    std::int64_t id = -1;
    if (ngtcp2_conn_open_bidi_stream(c.conn, &id, nullptr) != 0) continue;
    s->id = id;
    s->early = false;
    s->unsent_chunk = 0;
    s->unsent_off = s->sq_acked;
    s->unsent = s->buffered;
    s->fin_sent = false;
    s->closed = false;
    c.streams.emplace(id, s);
  }
  c.wake();
}

task<std::shared_ptr<quic_connection>> dial(context& ctx, const endpoint& where,
                                            const quic_client_options& o, duration timeout,
                                            std::string_view early_payload,
                                            std::shared_ptr<quic_stream_state>* first) {
  auto deadline = ctx.now() + timeout;
  if (where.port == 0)
    vitnet::fail(exit_code::usage, "connect: {}: port 0 cannot be dialled", where.display());
  std::string host = where.host.empty() ? "localhost" : where.host;
  auto addrs = co_await ctx.resolve(host, timeout);
  socket_address peer{addrs.front(), where.port};
  auto creds = quic_client_credentials(o);
  auto sock = std::make_shared<datagram_socket>(co_await ctx.connect_datagram(peer));
  sock->use_for_quic();
  auto c = std::make_shared<quic_connection>(ctx, false);
  c->creds = creds;
  c->sock = sock;
  c->peer_name = peer.to_string();
  auto le = sock->local_endpoint();
  c->local = quic_addr::from({ip_address::parse(le.host).value_or(ip_address{}), le.port});
  c->remote = quic_addr::from(peer);
  c->info.local = join_host_port(le.host, le.port);
  c->info.remote = c->peer_name;

  ngtcp2_cid dcid, scid;
  dcid.datalen = 18;
  ctx.random({dcid.data, dcid.datalen});
  scid.datalen = 17;
  ctx.random({scid.data, scid.datalen});
  std::string qlog_warning;
  c->qlog = quic_open_qlog(o.qlog_dir, dcid, false, qlog_warning);
  ngtcp2_settings settings;
  quic_settings(*c, settings, timeout, dcid, c->qlog != nullptr);
  ngtcp2_transport_params params;
  quic_params(params, o.idle_timeout);
  auto cb = quic_callbacks(false);
  ngtcp2_path path{c->local.addr(), c->remote.addr(), nullptr};
  int rv = ngtcp2_conn_client_new(&c->conn, &dcid, &scid, &path, NGTCP2_PROTO_VER_V1, &cb,
                                  &settings, &params, nullptr, c.get());
  if (rv != 0)
    vitnet::fail(exit_code::internal, "quic: cannot make a connection: {}", ngtcp2_strerror(rv));
  std::string server_name = o.tls.server_name.empty() ? host : o.tls.server_name;
  std::optional<quic_session_record> resumed;
  quic_client_session(*c, *creds, o, server_name, &resumed);
  ngtcp2_conn_set_tls_native_handle(c->conn, c->tls);
  if (!qlog_warning.empty()) c->warnings.push_back(qlog_warning);

  if (first && o.early_data && resumed && !resumed->params.empty() &&
      quic_compat::set_0rtt_params(c->conn, resumed->params)) {
    // 0-RTT: the stream is opened, and the first bytes written, before the handshake.
    c->wants_early = true;
    auto s = c->open_local(true);
    if (s) {
      s->early = true;
      s->held = false;
      if (!early_payload.empty()) {
        auto* p = reinterpret_cast<const std::uint8_t*>(early_payload.data());
        s->sq.emplace_back(p, p + early_payload.size());
        s->buffered = s->unsent = early_payload.size();
      } else {
        s->announce = true;
      }
      *first = s;
    }
  }
  ctx.start(c->read_loop(sock));
  ctx.start(c->run());
  while (!c->handshake_done && !c->finished) {
    bool woken = co_await c->handshake_ev.wait_until(deadline);
    if (!woken) break;
  }
  if (!c->handshake_done) {
    std::string why = c->end_reason;
    auto code = c->end_exit ? static_cast<exit_code>(c->end_exit) : exit_code::timeout;
    if (why.empty() || (!c->finished && ctx.now() >= deadline)) {
      why = fmt::format("no QUIC handshake within {}", core::format_duration(timeout));
      code = exit_code::timeout;
    }
    c->abort_now(0, {});
    std::string prefix = code == exit_code::protocol ? "tls: " : "";
    throw vitnet::error(code, fmt::format("quic: {}: {}{}", c->peer_name, prefix, why));
  }
  if (c->info.early_data_accepted == false) reopen_early_streams(*c);
  c->info.warnings = c->warnings;
  co_return c;
}

}  // namespace

quic_session::quic_session(std::shared_ptr<quic_connection> c) : c_(std::move(c)) {}

task<quic_session> quic_dial(context& ctx, const endpoint& where, const quic_client_options& o,
                             duration timeout, quic_info* info) {
  auto c = co_await dial(ctx, where, o, timeout, {}, nullptr);
  if (info) *info = c->info;
  co_return quic_session(std::move(c));
}

task<stream> quic_connect(context& ctx, const endpoint& where, const quic_client_options& o,
                          duration timeout, quic_info* info) {
  std::shared_ptr<quic_stream_state> first;
  auto c = co_await dial(ctx, where, o, timeout, o.early_payload, &first);
  if (!first) {
    first = c->open_local(true);
    if (!first)
      vitnet::fail(exit_code::protocol, "quic: {}: the server allows no stream", c->peer_name);
    if (!o.early_payload.empty()) {
      // Early data was asked for but could not be sent early (no session, or none allowing
      // it): the bytes go now, first on the stream.
      auto* p = reinterpret_cast<const std::uint8_t*>(o.early_payload.data());
      first->sq.emplace_back(p, p + o.early_payload.size());
      first->buffered = first->unsent = o.early_payload.size();
    } else {
      // An empty STREAM frame: the server learns of the stream before the client says anything
      // (a server that speaks first needs it).
      first->announce = true;
    }
    c->wake();
  }
  if (info) *info = c->info;
  co_return make_quic_stream(c, first, true);
}

task<stream> quic_session::open_stream(bool bidirectional) {
  auto c = c_;
  for (;;) {
    if (c->finished || c->closing)
      vitnet::fail(exit_code::protocol, "quic: {}: the connection has ended ({})", c->peer_name,
                   c->end_reason.empty() ? "closing" : c->end_reason);
    if (auto s = c->open_local(bidirectional)) {
      c->wake();
      co_return make_quic_stream(c, s, false);
    }
    // No stream credit: wait for the peer's MAX_STREAMS.
    co_await c->changed.wait();
  }
}

task<std::optional<stream>> quic_session::accept_stream() {
  auto c = c_;
  for (;;) {
    while (!c->incoming.empty()) {
      auto s = c->incoming.front();
      c->incoming.pop_front();
      if (s->closed && s->rq_bytes == 0 && !s->fin_received) continue;
      co_return make_quic_stream(c, s, false);
    }
    if (c->finished) co_return std::nullopt;
    bool woken = co_await c->changed.wait();
    if (!woken) co_return std::nullopt;
  }
}

void quic_session::close(std::uint64_t app_code, std::string reason) {
  if (c_) c_->begin_close(app_code, std::move(reason));
}

void quic_session::abort(std::uint64_t app_code, std::string reason) {
  if (c_) c_->abort_now(app_code, std::move(reason));
}

task<void> quic_session::closed() {
  auto c = c_;
  while (!c->finished) {
    bool woken = co_await c->changed.wait();
    if (!woken) break;
  }
}

const quic_info& quic_session::info() const {
  return c_->info;
}

quic_stats quic_session::stats() const {
  return c_->stats();
}

std::string quic_session::end_reason() const {
  return c_->finished ? c_->end_reason : std::string{};
}

int quic_session::key_updates() const {
  return c_->key_updates;
}

namespace {
task<void> wait_confirmed(quic_connection& c, std::string_view what) {
  auto deadline = c.ctx.now() + std::chrono::seconds(10);
  while (!c.handshake_confirmed && !c.finished) {
    bool woken = co_await c.changed.wait_until(deadline);
    if (!woken) break;
  }
  if (!c.handshake_confirmed)
    vitnet::fail(exit_code::protocol, "quic: {}: cannot {}: the handshake is not confirmed",
                 c.peer_name, what);
}

task<std::pair<std::shared_ptr<datagram_socket>, quic_addr>> new_socket(quic_connection& c) {
  auto ns = std::make_shared<datagram_socket>(co_await c.ctx.connect_datagram(c.remote.to()));
  ns->use_for_quic();
  auto le = ns->local_endpoint();
  co_return std::pair{
      ns, quic_addr::from({ip_address::parse(le.host).value_or(ip_address{}), le.port})};
}
}  // namespace

task<void> quic_session::migrate() {
  auto c = c_;
  if (c->server) vitnet::fail(exit_code::usage, "quic: only a client migrates");
  co_await wait_confirmed(*c, "migrate");
  auto [ns, nl] = co_await new_socket(*c);
  ngtcp2_path path{nl.addr(), c->remote.addr(), nullptr};
  c->path_validated.reset();
  int rv = ngtcp2_conn_initiate_migration(c->conn, &path, c->ts());
  if (rv != 0)
    vitnet::fail(exit_code::protocol, "quic: {}: cannot migrate: {}", c->peer_name,
                 ngtcp2_strerror(rv));
  c->old_sock = c->sock;
  c->sock = ns;
  c->local = nl;
  c->ctx.start(c->read_loop(ns));
  c->wake();
  auto deadline = c->ctx.now() + std::chrono::seconds(10);
  while (!c->path_validated && !c->finished) {
    bool woken = co_await c->changed.wait_until(deadline);
    if (!woken) break;
  }
  if (c->path_validated != true)
    vitnet::fail(exit_code::protocol, "quic: {}: the new path from port {} was not validated",
                 c->peer_name, ns->local_endpoint().port);
  if (c->old_sock) {
    c->old_sock->close();
    c->old_sock.reset();
  }
  auto le = ns->local_endpoint();
  c->info.local = join_host_port(le.host, le.port);
}

task<void> quic_session::rebind() {
  auto c = c_;
  if (c->server) vitnet::fail(exit_code::usage, "quic: only a client rebinds");
  co_await wait_confirmed(*c, "rebind");
  auto [ns, nl] = co_await new_socket(*c);
  auto old = c->sock;
  c->sock = ns;
  c->local = nl;
  ngtcp2_addr a = c->local.addr();
  ngtcp2_conn_set_local_addr(c->conn, &a);
  old->close();
  c->ctx.start(c->read_loop(ns));
  c->wake();
  auto le = ns->local_endpoint();
  c->info.local = join_host_port(le.host, le.port);
}

void quic_session::update_key() {
  auto& c = *c_;
  int rv = ngtcp2_conn_initiate_key_update(c.conn, c.ts());
  if (rv != 0)
    vitnet::fail(exit_code::protocol, "quic: {}: cannot update keys now: {}", c.peer_name,
                 ngtcp2_strerror(rv));
  c.wake();
}

std::int64_t quic_session::stream_id(stream& s) {
  if (auto* q = s.get().quic()) return q->s->id;
  return -1;
}

quic_session quic_session::of(stream& s) {
  if (auto* q = s.get().quic()) return quic_session(q->conn);
  return {};
}

}  // namespace net

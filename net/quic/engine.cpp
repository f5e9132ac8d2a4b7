// The QUIC connection engine: ngtcp2 fed packets from the context's datagram sockets, timed by
// the context's clock, and asked for packets to send whenever something changed. Streams keep
// their own buffers (net/quic/engine.hpp), so applications read and write them as net::streams.
#include "net/quic/engine.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <algorithm>
#include <asio/error.hpp>
#include <atomic>
#include <cstdarg>
#include <cstdlib>
#include <cstring>

#include "core/exit_code.hpp"
#include "net/stream_impl.hpp"

namespace net {

namespace {

using core::exit_code;

// How much a stream may hold written but unacknowledged before write_all waits: enough to keep
// a loopback path busy (ngtcp2's congestion window there reaches a few MiB), small enough that a
// slow reader cannot make a sender hold much.
constexpr std::uint64_t send_limit = 4 << 20;
constexpr std::size_t chunk_limit = 64 << 10;

quic_connection* self_of(void* user_data) {
  return static_cast<quic_connection*>(user_data);
}

std::error_code reset_error() {
  return std::make_error_code(std::errc::connection_reset);
}

}  // namespace

namespace {
std::atomic<std::size_t> lingering{0};
}

std::size_t quic_lingering() {
  return lingering.load();
}

// ---- addresses

quic_addr quic_addr::from(const socket_address& a) {
  quic_addr q;
  if (a.ip.is_v4()) {
    auto* in = reinterpret_cast<sockaddr_in*>(&q.ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(a.port);
    in->sin_addr.s_addr = htonl(a.ip.v4_value());
    q.len = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&q.ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(a.port);
    std::memcpy(&in6->sin6_addr, a.ip.bytes().data(), 16);
    q.len = sizeof(sockaddr_in6);
  }
  return q;
}

socket_address quic_addr::to() const {
  socket_address a;
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    a.ip = ip_address::v4(ntohl(in->sin_addr.s_addr));
    a.port = ntohs(in->sin_port);
  } else {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), &in6->sin6_addr, 16);
    a.ip = ip_address::v6(b).unmap();
    a.port = ntohs(in6->sin6_port);
  }
  return a;
}

// ---- the connection

quic_connection::quic_connection(context& c, bool is_server)
    : ctx(c), server(is_server), changed(c), handshake_ev(c), wake_(std::make_unique<event>(c)) {
  ref.user_data = this;
  ref.get_conn = [](ngtcp2_crypto_conn_ref* r) { return self_of(r->user_data)->conn; };
}

quic_connection::~quic_connection() {
  if (conn) ngtcp2_conn_del(conn);
  if (tls) gnutls_deinit(tls);
  if (qlog) std::fclose(qlog);
}

ngtcp2_tstamp quic_connection::ts() const {
  // ngtcp2 wants nanoseconds on a monotonic clock; the context's (virtual on the mock network).
  return static_cast<ngtcp2_tstamp>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(ctx.now().time_since_epoch()).count());
}

clock::time_point quic_connection::time_of(ngtcp2_tstamp t) const {
  return clock::time_point(
      std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(t)));
}

void quic_connection::wake() {
  dirty_ = true;
  wake_->notify();
}

void quic_connection::finish(std::string reason, int exit) {
  if (finished) return;
  finished = true;
  if (lingers_) {
    lingers_ = false;
    --lingering;
  }
  if (end_reason.empty()) end_reason = std::move(reason);
  if (!end_exit) end_exit = exit;
  handshake_ev.notify();
  changed.notify();
  wake_->notify();
  if (sock) sock->cancel();
  if (old_sock) old_sock->cancel();
  if (qlog) {
    std::fclose(qlog);
    qlog = nullptr;
  }
}

void quic_connection::begin_close(std::uint64_t code, std::string reason) {
  if (closing || finished) return;
  closing = true;
  if (!lingers_) {
    lingers_ = true;
    ++lingering;
  }
  close_code = code;
  close_reason = std::move(reason);
  // What was written goes out first, within a bound: a peer that stopped acknowledging must not
  // keep a closed connection (and its buffers) for ever.
  linger_deadline = ctx.now() + std::chrono::seconds(10);
  wake();
}

void quic_connection::abort_now(std::uint64_t code, std::string reason) {
  if (finished) return;
  closing = true;
  close_code = code;
  close_reason = std::move(reason);
  linger_deadline = ctx.now();
  wake();
}

std::shared_ptr<quic_stream_state> quic_connection::find_or_make(std::int64_t id) {
  auto it = streams.find(id);
  if (it != streams.end()) return it->second;
  auto s = std::make_shared<quic_stream_state>();
  s->id = id;
  streams.emplace(id, s);
  return s;
}

std::shared_ptr<quic_stream_state> quic_connection::open_local(bool bidi) {
  std::int64_t id = -1;
  int rv = bidi ? ngtcp2_conn_open_bidi_stream(conn, &id, nullptr)
                : ngtcp2_conn_open_uni_stream(conn, &id, nullptr);
  if (rv != 0) return nullptr;
  auto s = find_or_make(id);
  s->held = true;
  if (!bidi) s->fin_received = true;  // nothing comes back on a stream of ours that is one-way
  return s;
}

void quic_connection::consumed(quic_stream_state& s, std::size_t n) {
  if (!n || finished) return;
  ngtcp2_conn_extend_max_stream_offset(conn, s.id, n);
  ngtcp2_conn_extend_max_offset(conn, n);
  wake();
}

quic_stats quic_connection::stats() const {
  quic_stats st;
  if (!conn) return st;
  ngtcp2_conn_stat cs;
  ngtcp2_conn_get_conn_stat(conn, &cs);
  st.smoothed_rtt = duration(cs.smoothed_rtt);
  st.min_rtt = duration(cs.min_rtt == UINT64_MAX ? 0 : cs.min_rtt);
  st.cwnd = cs.cwnd;
  return st;
}

// ---- callbacks from ngtcp2 (none may call back into ngtcp2's sending functions)

namespace {

int on_recv_stream_data(ngtcp2_conn*, std::uint32_t flags, std::int64_t id, std::uint64_t,
                        const std::uint8_t* data, std::size_t len, void* ud, void*) {
  auto* c = self_of(ud);
  auto s = c->find_or_make(id);
  if (s->read_shut) {
    // Nobody will read it: give the credit back at once.
    ngtcp2_conn_extend_max_stream_offset(c->conn, id, len);
    ngtcp2_conn_extend_max_offset(c->conn, len);
  } else if (len) {
    s->rq.emplace_back(reinterpret_cast<const char*>(data), len);
    s->rq_bytes += len;
  }
  if (flags & NGTCP2_STREAM_DATA_FLAG_FIN) s->fin_received = true;
  c->changed.notify();
  return 0;
}

int on_stream_open(ngtcp2_conn*, std::int64_t id, void* ud) {
  auto* c = self_of(ud);
  auto s = c->find_or_make(id);
  // A stream the peer opened one-way carries nothing from us.
  if (ngtcp2_is_bidi_stream(id) == 0) s->fin_sent = true;
  c->incoming.push_back(s);
  c->changed.notify();
  return 0;
}

int on_acked(ngtcp2_conn*, std::int64_t id, std::uint64_t, std::uint64_t len, void* ud, void*) {
  auto* c = self_of(ud);
  auto it = c->streams.find(id);
  if (it == c->streams.end()) return 0;
  auto& s = *it->second;
  while (len && !s.sq.empty()) {
    auto& front = s.sq.front();
    auto take = std::min<std::uint64_t>(len, front.size() - s.sq_acked);
    s.sq_acked += take;
    s.buffered -= take;
    len -= take;
    if (s.sq_acked == front.size()) {
      s.sq.pop_front();
      s.sq_acked = 0;
      if (s.unsent_chunk > 0) --s.unsent_chunk;
    }
  }
  c->changed.notify();
  return 0;
}

int on_stream_close(ngtcp2_conn* conn, std::uint32_t flags, std::int64_t id, std::uint64_t code,
                    void* ud, void*) {
  auto* c = self_of(ud);
  auto it = c->streams.find(id);
  if (it != c->streams.end()) {
    auto& s = *it->second;
    s.closed = true;
    if (!s.fin_received && !s.reset_code && (flags & NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET))
      s.reset_code = code;
    if (!s.held && s.rq_bytes == 0) c->streams.erase(it);
  }
  // The peer may open another in its place.
  if (!ngtcp2_conn_is_local_stream(conn, id)) {
    if (ngtcp2_is_bidi_stream(id))
      ngtcp2_conn_extend_max_streams_bidi(conn, 1);
    else
      ngtcp2_conn_extend_max_streams_uni(conn, 1);
  }
  c->changed.notify();
  return 0;
}

int on_stream_reset(ngtcp2_conn*, std::int64_t id, std::uint64_t, std::uint64_t code, void* ud,
                    void*) {
  auto* c = self_of(ud);
  auto it = c->streams.find(id);
  if (it != c->streams.end()) it->second->reset_code = code;
  c->changed.notify();
  return 0;
}

int on_stop_sending(ngtcp2_conn*, std::int64_t id, std::uint64_t code, void* ud, void*) {
  auto* c = self_of(ud);
  auto it = c->streams.find(id);
  if (it != c->streams.end()) it->second->stop_code = code;
  c->changed.notify();
  c->wake();
  return 0;
}

int on_extend_stream_data(ngtcp2_conn*, std::int64_t id, std::uint64_t, void* ud, void*) {
  auto* c = self_of(ud);
  if (auto it = c->streams.find(id); it != c->streams.end()) it->second->blocked = false;
  c->wake();
  return 0;
}

int on_extend_streams(ngtcp2_conn*, std::uint64_t, void* ud) {
  self_of(ud)->changed.notify();
  return 0;
}

void on_rand(std::uint8_t* dest, std::size_t len, const ngtcp2_rand_ctx* rc) {
  static_cast<context*>(rc->native_handle)->random({dest, len});
}

int on_new_cid(ngtcp2_conn*, ngtcp2_cid* cid, std::uint8_t* token, std::size_t len, void* ud);
int on_remove_cid(ngtcp2_conn*, const ngtcp2_cid* cid, void* ud);

int on_handshake_completed(ngtcp2_conn*, void* ud) {
  auto* c = self_of(ud);
  c->handshake_done = true;
  quic_fill_tls_info(c->tls, c->info);
  if (c->server) {
    // Tickets are sent by hand (GNUTLS_NO_AUTO_SEND_TICKET): now, once the handshake is done,
    // so a client can resume, and send early data, next time.
    gnutls_session_ticket_send(c->tls, 1, 0);
  } else if (c->wants_early) {
    bool accepted = (gnutls_session_get_flags(c->tls) & GNUTLS_SFLAGS_EARLY_DATA) != 0;
    c->info.early_data_accepted = accepted;
    if (!accepted) ngtcp2_conn_early_data_rejected(c->conn);
  }
  c->handshake_ev.notify();
  c->changed.notify();
  return 0;
}

int on_handshake_confirmed(ngtcp2_conn*, void* ud) {
  auto* c = self_of(ud);
  c->handshake_confirmed = true;
  c->changed.notify();
  return 0;
}

int on_update_key(ngtcp2_conn* conn, std::uint8_t* rx_secret, std::uint8_t* tx_secret,
                  ngtcp2_crypto_aead_ctx* rx_aead_ctx, std::uint8_t* rx_iv,
                  ngtcp2_crypto_aead_ctx* tx_aead_ctx, std::uint8_t* tx_iv,
                  const std::uint8_t* current_rx_secret, const std::uint8_t* current_tx_secret,
                  std::size_t secretlen, void* ud) {
  ++self_of(ud)->key_updates;
  return ngtcp2_crypto_update_key_cb(conn, rx_secret, tx_secret, rx_aead_ctx, rx_iv, tx_aead_ctx,
                                     tx_iv, current_rx_secret, current_tx_secret, secretlen, ud);
}

int on_path_validation(ngtcp2_conn*, std::uint32_t, const ngtcp2_path*,
                       ngtcp2_path_validation_result res, void* ud) {
  auto* c = self_of(ud);
  c->path_validated = res == NGTCP2_PATH_VALIDATION_RESULT_SUCCESS;
  c->changed.notify();
  return 0;
}

int on_stateless_reset(ngtcp2_conn*, const ngtcp2_pkt_stateless_reset*, void* ud) {
  self_of(ud)->finish("the peer reset the connection (stateless reset)",
                      core::to_int(exit_code::unavailable));
  return 0;
}

void qlog_write(void* ud, std::uint32_t, const void* data, std::size_t len) {
  auto* c = self_of(ud);
  if (!c->qlog) return;
  std::fwrite(data, 1, len, c->qlog);
  // Flushed record by record: a server ended by a signal still leaves complete qlogs.
  std::fflush(c->qlog);
}

}  // namespace

// Defined in server.cpp: a server's connections register their ids with it.
int quic_server_new_cid(quic_connection& c, ngtcp2_cid* cid, std::uint8_t* token, std::size_t len);
void quic_server_remove_cid(quic_connection& c, const ngtcp2_cid* cid);

namespace {
int on_new_cid(ngtcp2_conn*, ngtcp2_cid* cid, std::uint8_t* token, std::size_t len, void* ud) {
  auto* c = self_of(ud);
  if (c->server) return quic_server_new_cid(*c, cid, token, len);
  c->ctx.random({cid->data, len});
  cid->datalen = len;
  c->ctx.random({token, NGTCP2_STATELESS_RESET_TOKENLEN});
  return 0;
}
int on_remove_cid(ngtcp2_conn*, const ngtcp2_cid* cid, void* ud) {
  auto* c = self_of(ud);
  if (c->server) quic_server_remove_cid(*c, cid);
  return 0;
}
}  // namespace

/// The callbacks both sides share; client and server add their own Initial handling.
ngtcp2_callbacks quic_callbacks(bool server) {
  ngtcp2_callbacks cb{};
  if (server) {
    cb.recv_client_initial = ngtcp2_crypto_recv_client_initial_cb;
  } else {
    cb.client_initial = ngtcp2_crypto_client_initial_cb;
    cb.recv_retry = ngtcp2_crypto_recv_retry_cb;
  }
  cb.recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb;
  cb.encrypt = ngtcp2_crypto_encrypt_cb;
  cb.decrypt = ngtcp2_crypto_decrypt_cb;
  cb.hp_mask = ngtcp2_crypto_hp_mask_cb;
  cb.update_key = on_update_key;
  cb.delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb;
  cb.delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
  cb.get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb;
  cb.version_negotiation = ngtcp2_crypto_version_negotiation_cb;
  cb.recv_stream_data = on_recv_stream_data;
  cb.stream_open = on_stream_open;
  cb.acked_stream_data_offset = on_acked;
  cb.stream_close = on_stream_close;
  cb.stream_reset = on_stream_reset;
  cb.stream_stop_sending = on_stop_sending;
  cb.extend_max_stream_data = on_extend_stream_data;
  cb.extend_max_local_streams_bidi = on_extend_streams;
  cb.extend_max_local_streams_uni = on_extend_streams;
  cb.rand = on_rand;
  cb.get_new_connection_id = on_new_cid;
  cb.remove_connection_id = on_remove_cid;
  cb.handshake_completed = on_handshake_completed;
  cb.handshake_confirmed = on_handshake_confirmed;
  cb.path_validation = on_path_validation;
  cb.recv_stateless_reset = on_stateless_reset;
  return cb;
}

namespace {
void debug_log(void*, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  std::vfprintf(stderr, format, ap);
  va_end(ap);
  std::fputc('\n', stderr);
}
}  // namespace

void quic_settings(quic_connection& c, ngtcp2_settings& s, duration handshake_timeout,
                   const ngtcp2_cid& odcid, bool qlog) {
  ngtcp2_settings_default(&s);
  s.initial_ts = c.ts();
  s.rand_ctx.native_handle = &c.ctx;
  s.handshake_timeout = static_cast<ngtcp2_duration>(handshake_timeout.count());
  // Windows grow with the transfer up to these (ngtcp2's auto-tuning); a receiver holds at most
  // a window of unread data per stream.
  s.max_window = 24 << 20;
  s.max_stream_window = 16 << 20;
  if (qlog) quic_compat::set_qlog(s, qlog_write, odcid);
  // VITNET_QUIC_DEBUG=1: ngtcp2's own log of every packet and frame on stderr (for developers).
  if (std::getenv("VITNET_QUIC_DEBUG")) s.log_printf = debug_log;
}

void quic_params(ngtcp2_transport_params& p, duration idle) {
  ngtcp2_transport_params_default(&p);
  p.initial_max_stream_data_bidi_local = 1 << 20;
  p.initial_max_stream_data_bidi_remote = 1 << 20;
  p.initial_max_stream_data_uni = 1 << 20;
  p.initial_max_data = 4 << 20;
  p.initial_max_streams_bidi = 100;
  p.initial_max_streams_uni = 100;
  p.max_idle_timeout = static_cast<ngtcp2_duration>(idle.count());
  p.active_connection_id_limit = 7;
}

// ---- packets in

// Set while ngtcp2 (and GnuTLS under it) works for a connection: certificate checks and session
// ticket ages read the calendar through it. Per thread: `test net --jobs` runs worlds at once.
thread_local context* quic_calendar_context = nullptr;

namespace {
struct calendar_scope {
  explicit calendar_scope(context& c) { quic_calendar_context = &c; }
  ~calendar_scope() { quic_calendar_context = nullptr; }
  calendar_scope(const calendar_scope&) = delete;
  calendar_scope& operator=(const calendar_scope&) = delete;
};
}  // namespace

void quic_connection::on_packet(std::span<const std::uint8_t> pkt, const quic_addr& local_addr,
                                const quic_addr& from) {
  if (finished || !conn) return;
  quic_addr l = local_addr, r = from;
  ngtcp2_path path{l.addr(), r.addr(), nullptr};
  ngtcp2_pkt_info pi{};
  int rv = 0;
  {
    calendar_scope cal(ctx);
    rv = ngtcp2_conn_read_pkt(conn, &path, &pi, pkt.data(), pkt.size(), ts());
  }
  if (rv == 0) {
    wake();
    return;
  }
  switch (rv) {
    case NGTCP2_ERR_DRAINING: {
      // The peer closed the connection: nothing more is sent, not even a reply.
      auto e = quic_compat::peer_close_error(conn);
      std::string why;
      int code = 0;
      std::string reason(reinterpret_cast<const char*>(e.reason), e.reasonlen);
      if (quic_compat::close_error_is_app(e)) {
        why = e.error_code == 0 ? "closed by the peer"
                                : fmt::format("closed by the peer (application error {:#x}{})",
                                              e.error_code, reason.empty() ? "" : ": " + reason);
      } else if (e.error_code == 0) {
        why = "closed by the peer";
      } else if (e.error_code >= 0x100 && e.error_code < 0x200) {
        auto alert = static_cast<gnutls_alert_description_t>(e.error_code - 0x100);
        const char* name = gnutls_alert_get_name(alert);
        why = fmt::format("the peer refused the TLS handshake: alert {} ({})", e.error_code - 0x100,
                          name ? name : "unknown");
        code = core::to_int(exit_code::protocol);
      } else {
        why = fmt::format("closed by the peer with QUIC error {:#x}{}", e.error_code,
                          reason.empty() ? "" : ": " + reason);
        code = core::to_int(exit_code::protocol);
      }
      finish(why, handshake_done ? code : core::to_int(exit_code::protocol));
      return;
    }
    case NGTCP2_ERR_DROP_CONN:
      finish("the connection was dropped", core::to_int(exit_code::protocol));
      return;
    case NGTCP2_ERR_CRYPTO: {
      quic_compat::close_error e;
      quic_compat::close_error_tls_alert(&e, ngtcp2_conn_get_tls_alert(conn));
      std::string why = verify_failure;
      if (why.empty()) {
        auto alert = static_cast<gnutls_alert_description_t>(ngtcp2_conn_get_tls_alert(conn));
        const char* name = gnutls_alert_get_name(alert);
        why = fmt::format("TLS handshake failed ({})", name ? name : "unknown alert");
      }
      end_reason = why;
      end_exit = core::to_int(exit_code::protocol);
      close_code = e.error_code;
      crypto_close_ = true;
      abort_now(e.error_code, {});
      return;
    }
    default:
      end_reason = fmt::format("QUIC error: {}", ngtcp2_strerror(rv));
      end_exit = core::to_int(exit_code::protocol);
      liberr_ = rv;
      abort_now(0, {});
      return;
  }
}

task<void> quic_connection::read_loop(std::shared_ptr<datagram_socket> s) {
  auto self = shared_from_this();
  std::vector<char> buf(65536);
  auto le = s->local_endpoint();
  socket_address la{ip_address::parse(le.host).value_or(ip_address{}), le.port};
  quic_addr l = quic_addr::from(la);
  while (!finished) {
    auto r = co_await s->receive_from(buf);
    if (finished) break;
    if (r.ec) {
      if (is_cancelled(r.ec) || s != sock) break;
      if (r.ec == std::errc::connection_refused || r.ec == asio::error::connection_refused) {
        // ICMP port unreachable: nobody listens there. Before the handshake that is the answer;
        // after it, a stray one is ignored (the idle timeout decides).
        if (!handshake_done) {
          finish(fmt::format("connection refused (no QUIC server on {})", peer_name),
                 core::to_int(exit_code::unavailable));
          break;
        }
        continue;
      }
      finish(fmt::format("receive: {}", r.ec.message()), core::to_int(exit_code::io));
      break;
    }
    // A connected socket only hears its peer (or, in a scenario, the proxy standing in for
    // it): the path is the one ngtcp2 knows.
    for_each_datagram(buf, r, [&](std::span<const std::uint8_t> p) { on_packet(p, l, remote); });
    // Drain what else is waiting before the driver runs.
    for (int i = 0; i < 64 && !finished; ++i) {
      auto more = s->try_receive_from(buf);
      if (more.ec) break;
      for_each_datagram(buf, more,
                        [&](std::span<const std::uint8_t> p) { on_packet(p, l, remote); });
    }
  }
}

// ---- packets out

task<std::error_code> quic_connection::send_packet(const ngtcp2_path& path,
                                                   std::span<const std::uint8_t> pkt) {
  std::span<const char> data(reinterpret_cast<const char*>(pkt.data()), pkt.size());
  if (srv) co_return co_await quic_server_send(*srv, data, path);
  // A client sends on the socket whose port is the path's local one (the new one, once it
  // migrated); connected, so a scenario's redirect to a proxy holds.
  auto* s = sock.get();
  if (old_sock && path.local.addrlen) {
    quic_addr l;
    std::memcpy(&l.ss, path.local.addr, path.local.addrlen);
    if (l.to().port == old_sock->local_endpoint().port) s = old_sock.get();
  }
  auto ec = co_await s->send(data);
  co_return ec;
}

bool quic_connection::refused(const std::error_code& ec) {
  if (!ec || finished || server || handshake_done) return false;
  if (ec != std::errc::connection_refused && ec != asio::error::connection_refused) return false;
  finish(fmt::format("connection refused (no QUIC server on {})", peer_name),
         core::to_int(exit_code::unavailable));
  return true;
}

task<std::error_code> quic_connection::send_batch(const quic_addr& l, const quic_addr& r,
                                                  std::span<const std::uint8_t> data,
                                                  std::size_t seg) {
  auto self = shared_from_this();
  std::span<const char> bytes(reinterpret_cast<const char*>(data.data()), data.size());
  datagram_socket* s = nullptr;
  socket_address to;
  if (srv) {
    s = &quic_server_socket(*srv);
    to = r.to();
  } else {
    s = sock.get();
    if (old_sock && l.len && l.to().port == old_sock->local_endpoint().port) s = old_sock.get();
  }
  auto got = s->try_send_segments(bytes, seg, srv ? &to : nullptr);
  if (got.ec && !is_would_block(got.ec)) co_return got.ec;
  // What the socket did not take now (or all of it, on the mock network): one by one, waiting.
  quic_addr lc = l, rc = r;
  ngtcp2_path path{lc.addr(), rc.addr(), nullptr};
  for (std::size_t off = got.n; off < data.size(); off += seg) {
    auto ec = co_await send_packet(path, data.subspan(off, std::min(seg, data.size() - off)));
    if (ec) co_return ec;
  }
  co_return std::error_code{};
}

namespace {
// Stream data from the unsent position, as ngtcp2 vectors.
// The stream's unsent bytes as at most `max` pieces, enough for `enough` bytes (one packet's
// worth: gathering more, for every packet, was a good part of what a bulk sender spent here).
std::size_t unsent_vec(quic_stream_state& s, ngtcp2_vec* v, std::size_t max, std::size_t enough) {
  std::size_t n = 0, bytes = 0;
  std::size_t off = s.unsent_off;
  for (std::size_t i = s.unsent_chunk; i < s.sq.size() && n < max && bytes < enough; ++i) {
    auto& c = s.sq[i];
    v[n].base = c.data() + off;
    v[n].len = c.size() - off;
    bytes += v[n].len;
    ++n;
    off = 0;
  }
  return n;
}

void advance_sent(quic_stream_state& s, std::size_t n) {
  s.unsent -= n;
  while (n) {
    auto& c = s.sq[s.unsent_chunk];
    auto take = std::min(n, c.size() - s.unsent_off);
    s.unsent_off += take;
    n -= take;
    if (s.unsent_off == c.size()) {
      ++s.unsent_chunk;
      s.unsent_off = 0;
    }
  }
}

bool wants_send(const quic_stream_state& s) {
  if (s.write_shut || s.stop_code || s.blocked || s.closed) return false;
  return s.unsent > 0 || (s.fin_wanted && !s.fin_sent) || s.announce;
}
}  // namespace

task<void> quic_connection::flush() {
  auto self = shared_from_this();
  auto& buf = out_;  // reused: flush runs often, and only from the driver
  for (auto& [id, s] : streams) s->blocked = false;
  // Stop-sending asked by the peer: answer with a reset of our side.
  for (auto& [id, s] : streams)
    if (s->stop_code && !s->write_shut) {
      s->write_shut = true;
      quic_compat::shutdown_stream_write(conn, id, *s->stop_code);
    }
  // Packets go out in batches: consecutive packets of one path and one size (the last may be
  // shorter) are handed to the kernel in one call with UDP segmentation offload, where one
  // sendto per packet was most of what a bulk transfer cost (perf: the syscalls and the trips
  // through the event loop, not the crypto).
  constexpr std::size_t batch_limit = 64 << 10;
  if (buf.size() < batch_limit) buf.resize(batch_limit);
  std::size_t used = 0, seg = 0, count = 0;
  quic_addr bl, br;  // the batch's path
  // Per packet only the path's bytes are compared with the batch's; its addresses are copied
  // once per batch. (Building and zeroing address structures for every packet moved about as
  // many bytes through memory as the payload did.)
  ngtcp2_path_storage ps;
  ngtcp2_path_storage_zero(&ps);
  auto same_path = [&ps](const quic_addr& l, const quic_addr& r) {
    return ps.path.local.addrlen == l.len && ps.path.remote.addrlen == r.len &&
           std::memcmp(ps.path.local.addr, &l.ss, l.len) == 0 &&
           std::memcmp(ps.path.remote.addr, &r.ss, r.len) == 0;
  };
  for (int packets = 0; !finished; ++packets) {
    ngtcp2_pkt_info pi{};
    auto t = ts();
    // Room for the largest packet this end sends, not only the path's current size: path MTU
    // discovery's probes are bigger than what the path has proved (1200 bytes at first), and
    // with room for only that, no probe could go out and every packet would stay at 1200
    // (a bulk transfer then costs the receiver a fifth more packets than at 1452).
    std::size_t max = ngtcp2_conn_get_max_tx_udp_payload_size(conn);
    if (used + max > buf.size()) {
      auto ec = co_await send_batch(bl, br, {buf.data(), used}, seg);
      used = count = 0;
      if (refused(ec)) co_return;
    }
    ngtcp2_ssize nwrite = 0;
    // Fill one packet, with data from as many streams as fit (round robin over them).
    for (;;) {
      std::shared_ptr<quic_stream_state> st;
      if (!streams.empty()) {
        auto it = streams.begin();
        std::advance(it, rr_ % streams.size());
        for (std::size_t i = 0; i < streams.size(); ++i) {
          if (wants_send(*it->second)) {
            st = it->second;
            break;
          }
          if (++it == streams.end()) it = streams.begin();
        }
      }
      ngtcp2_vec vec[16];
      std::size_t nvec = 0;
      std::uint32_t flags = NGTCP2_WRITE_STREAM_FLAG_MORE;
      std::int64_t sid = -1;
      bool fin = false;
      std::size_t vlen = 0;
      if (st) {
        sid = st->id;
        nvec = unsent_vec(*st, vec, 16, max);
        for (std::size_t i = 0; i < nvec; ++i) vlen += vec[i].len;
        fin = st->fin_wanted && vlen == st->unsent;
        if (fin) flags |= NGTCP2_WRITE_STREAM_FLAG_FIN;
      }
      ngtcp2_ssize ndatalen = -1;
      {
        // A client's first write starts the TLS handshake: the age of the ticket it resumes
        // is reckoned by the same calendar that stamped the ticket (the mock network's).
        calendar_scope cal(ctx);
        nwrite = ngtcp2_conn_writev_stream(conn, &ps.path, &pi, buf.data() + used, max, &ndatalen,
                                           flags, sid, vec, nvec, t);
      }
      if (st && ndatalen >= 0) {
        advance_sent(*st, static_cast<std::size_t>(ndatalen));
        if (fin && static_cast<std::size_t>(ndatalen) == vlen) st->fin_sent = true;
        st->announce = false;
        ++rr_;
      }
      if (nwrite >= 0) break;
      if (nwrite == NGTCP2_ERR_WRITE_MORE) continue;
      if (st && nwrite == NGTCP2_ERR_STREAM_DATA_BLOCKED) {
        st->blocked = true;
        continue;
      }
      if (st && (nwrite == NGTCP2_ERR_STREAM_SHUT_WR || nwrite == NGTCP2_ERR_STREAM_NOT_FOUND)) {
        st->write_shut = true;
        continue;
      }
      // Anything else ends the connection.
      end_reason = fmt::format("QUIC error: {}", ngtcp2_strerror(static_cast<int>(nwrite)));
      end_exit = core::to_int(exit_code::protocol);
      liberr_ = static_cast<int>(nwrite);
      closing = true;
      linger_deadline = ctx.now();
      co_return;
    }
    if (nwrite == 0) break;
    auto n = static_cast<std::size_t>(nwrite);
    bool joins = used > 0 && n <= seg && count < 64 && same_path(bl, br);
    if (used > 0 && !joins) {
      // Another path, or a bigger packet: the batch goes first, this packet starts the next.
      auto ec = co_await send_batch(bl, br, {buf.data(), used}, seg);
      std::memmove(buf.data(), buf.data() + used, n);
      used = count = 0;
      if (refused(ec)) co_return;
    }
    if (used == 0) {
      std::memcpy(&bl.ss, ps.path.local.addr, ps.path.local.addrlen);
      bl.len = ps.path.local.addrlen;
      std::memcpy(&br.ss, ps.path.remote.addr, ps.path.remote.addrlen);
      br.len = ps.path.remote.addrlen;
      seg = n;
    }
    used += n;
    ++count;
    if (n < seg) {  // a shorter packet ends a batch
      auto ec = co_await send_batch(bl, br, {buf.data(), used}, seg);
      used = count = 0;
      if (refused(ec)) co_return;
    }
  }
  if (used > 0 && !finished) {
    auto ec = co_await send_batch(bl, br, {buf.data(), used}, seg);
    if (refused(ec)) co_return;
  }
  if (!finished) ngtcp2_conn_update_pkt_tx_time(conn, ts());
  changed.notify();
}

task<void> quic_connection::send_close() {
  auto self = shared_from_this();
  if (finished) co_return;
  // Nothing to say when the handshake never got keys to say it with; ngtcp2 sends what it can.
  quic_compat::close_error e;
  if (crypto_close_) {
    quic_compat::close_error_tls_alert(&e, static_cast<std::uint8_t>(close_code - 0x100));
  } else if (liberr_) {
    quic_compat::close_error_liberr(&e, liberr_);
  } else {
    quic_compat::close_error_app(&e, close_code, close_reason);
  }
  std::vector<std::uint8_t> buf(1500);
  ngtcp2_path_storage ps;
  ngtcp2_path_storage_zero(&ps);
  ngtcp2_pkt_info pi{};
  auto n =
      ngtcp2_conn_write_connection_close(conn, &ps.path, &pi, buf.data(), buf.size(), &e, ts());
  if (n > 0) co_await send_packet(ps.path, {buf.data(), static_cast<std::size_t>(n)});
}

bool quic_connection::drained() const {
  for (auto& [id, s] : streams) {
    if (s->write_shut || s->stop_code || s->closed) continue;
    if (s->buffered > 0 || (s->fin_wanted && !s->fin_sent)) return false;
    // Our FIN sent but not yet acknowledged, on a stream whose other side has ended: ngtcp2
    // closes the stream once the FIN is acknowledged. Closing before that, a lost FIN was never
    // sent again and the peer saw the connection end instead of the stream (found under 5% loss).
    if (s->fin_sent && (s->fin_received || s->reset_code)) return false;
  }
  return true;
}

task<void> quic_connection::run() {
  auto self = shared_from_this();
  while (!finished) {
    if (closing && (drained() || (linger_deadline && ctx.now() >= *linger_deadline))) {
      co_await send_close();
      finish(end_reason.empty() ? "closed" : end_reason, end_exit);
      break;
    }
    dirty_ = false;
    co_await flush();
    if (finished) break;
    if (closing && liberr_) continue;
    auto exp = ngtcp2_conn_get_expiry(conn);
    auto now = ts();
    if (exp <= now && ++overdue_ > 2) {
      // A deadline that stays due however often it is handled (a pacing slot ngtcp2 keeps at
      // "now"): on the mock network time stands still while this loop runs, so it would spin
      // for ever. Let a little time pass instead.
      overdue_ = 0;
      co_await wake_->wait_until(ctx.now() + std::chrono::microseconds(100));
      continue;
    }
    if (exp <= now) {
      int rv = ngtcp2_conn_handle_expiry(conn, now);
      if (rv == NGTCP2_ERR_IDLE_CLOSE) {
        finish(handshake_done ? "idle timeout: the peer went silent" : "no answer from the peer",
               core::to_int(exit_code::timeout));
        break;
      }
      if (rv == NGTCP2_ERR_HANDSHAKE_TIMEOUT) {
        finish("no QUIC handshake within the timeout", core::to_int(exit_code::timeout));
        break;
      }
      if (rv != 0) {
        end_reason = fmt::format("QUIC error: {}", ngtcp2_strerror(rv));
        end_exit = core::to_int(exit_code::protocol);
        liberr_ = rv;
        closing = true;
        linger_deadline = ctx.now();
      }
      continue;
    }
    overdue_ = 0;
    if (dirty_) continue;
    auto deadline = time_of(exp);
    if (exp == UINT64_MAX) deadline = ctx.now() + std::chrono::hours(24);
    if (closing && linger_deadline) deadline = std::min(deadline, *linger_deadline);
    bool woken = co_await wake_->wait_until(deadline);
    if (!woken && ctx.now() < deadline && !dirty_) {
      // The context gave up on us (the end of a process on the mock network).
      finish("ended", 0);
      break;
    }
  }
}

// ---- stream handles

quic_stream_ref::~quic_stream_ref() {
  if (!conn || !s) return;
  quic_close(*this);
}

namespace {
std::error_code end_error(const quic_connection& c) {
  if (c.end_exit == core::to_int(exit_code::timeout))
    return std::make_error_code(std::errc::timed_out);
  return reset_error();
}

io_result take(quic_connection& c, quic_stream_state& s, std::span<char> buf) {
  std::size_t n = 0;
  while (n < buf.size() && !s.rq.empty()) {
    auto& f = s.rq.front();
    auto k = std::min(buf.size() - n, f.size() - s.rq_front);
    std::memcpy(buf.data() + n, f.data() + s.rq_front, k);
    n += k;
    s.rq_front += k;
    if (s.rq_front == f.size()) {
      s.rq.pop_front();
      s.rq_front = 0;
    }
  }
  s.rq_bytes -= n;
  c.consumed(s, n);
  return {{}, n};
}
}  // namespace

io_result quic_try_read_some(quic_stream_ref& r, std::span<char> buf) {
  auto& s = *r.s;
  auto& c = *r.conn;
  if (s.rq_bytes > 0) return take(c, s, buf);
  if (s.fin_received) return {asio::error::eof, 0};
  if (s.reset_code) return {reset_error(), 0};
  if (c.finished) return {end_error(c), 0};
  return {std::make_error_code(std::errc::operation_would_block), 0};
}

task<io_result> quic_read_some(quic_stream_ref& r, std::span<char> buf) {
  auto conn = r.conn;
  auto st = r.s;
  auto cancels = r.cancels;
  for (;;) {
    auto got = quic_try_read_some(r, buf);
    if (!is_would_block(got.ec)) co_return got;
    if (st->read_shut || r.cancels != cancels)
      co_return io_result{asio::error::operation_aborted, 0};
    bool woken = co_await conn->changed.wait();
    if (!woken) co_return io_result{asio::error::operation_aborted, 0};
  }
}

task<std::error_code> quic_wait_readable(quic_stream_ref& r) {
  auto conn = r.conn;
  auto st = r.s;
  auto cancels = r.cancels;
  for (;;) {
    if (st->rq_bytes || st->fin_received || st->reset_code || conn->finished)
      co_return std::error_code{};
    if (st->read_shut || r.cancels != cancels) co_return asio::error::operation_aborted;
    bool woken = co_await conn->changed.wait();
    if (!woken) co_return asio::error::operation_aborted;
  }
}

task<io_result> quic_write_all(quic_stream_ref& r, std::span<const char> data) {
  auto conn = r.conn;
  auto st = r.s;
  auto cancels = r.cancels;
  std::size_t done = 0;
  while (done < data.size()) {
    if (r.cancels != cancels) co_return io_result{asio::error::operation_aborted, done};
    if (conn->finished) co_return io_result{end_error(*conn), done};
    if (st->stop_code || st->write_shut || st->fin_wanted)
      co_return io_result{std::make_error_code(std::errc::broken_pipe), done};
    if (st->buffered >= send_limit) {
      bool woken = co_await conn->changed.wait();
      if (!woken) co_return io_result{asio::error::operation_aborted, done};
      continue;
    }
    auto room = std::min<std::uint64_t>(send_limit - st->buffered, data.size() - done);
    auto k = static_cast<std::size_t>(std::min<std::uint64_t>(room, chunk_limit));
    auto* p = reinterpret_cast<const std::uint8_t*>(data.data() + done);
    st->sq.emplace_back(p, p + k);
    st->buffered += k;
    st->unsent += k;
    done += k;
    conn->wake();
  }
  co_return io_result{{}, done};
}

std::error_code quic_shutdown_send(quic_stream_ref& r) {
  if (r.send_closed) return {};
  r.send_closed = true;
  if (r.conn->finished) return {};
  if (!r.s->fin_wanted) {
    r.s->fin_wanted = true;
    r.conn->wake();
  }
  return {};
}

void quic_cancel(quic_stream_ref& r) {
  // Pending reads, waits and writes of this handle end with operation_aborted.
  ++r.cancels;
  r.conn->changed.notify();
}

void quic_close(quic_stream_ref& r) {
  auto& c = *r.conn;
  auto& s = *r.s;
  if (!s.held) return;
  s.held = false;
  if (!c.finished) {
    quic_shutdown_send(r);
    // Nobody reads on: tell the peer to stop sending (STOP_SENDING, code 0) — but only once what
    // we wrote is out and acknowledged: a peer answers STOP_SENDING with RESET_STREAM, and
    // ngtcp2 then forgets the stream, unsent bytes included. Until then what arrives is
    // dropped here, its credit given back.
    if (!s.fin_received && !s.reset_code && !s.read_shut && !s.closed &&
        ngtcp2_is_bidi_stream(s.id) && s.buffered == 0) {
      s.read_shut = true;
      ngtcp2_conn_shutdown_stream_read(c.conn, s.id, 0);
    }
    s.read_shut = true;
    if (s.rq_bytes) {
      c.consumed(s, s.rq_bytes);
      s.rq.clear();
      s.rq_front = 0;
      s.rq_bytes = 0;
    }
  }
  if (s.closed || c.finished) c.streams.erase(s.id);
  c.changed.notify();
  if (r.owns_connection && --c.stream_owners == 0) c.begin_close(0, {});
}

void quic_abort(quic_stream_ref& r) {
  auto& c = *r.conn;
  if (!c.finished && !r.s->closed) {
    quic_compat::shutdown_stream(c.conn, r.s->id, 0);
    r.s->write_shut = true;
  }
  // The connection's only stream aborted is the connection aborted (as a TCP reset); one of
  // several (--streams) is reset alone, and the others go on.
  if (r.owns_connection && r.s->held && --c.stream_owners == 0) c.abort_now(0x1, "aborted");
  r.s->held = false;
  c.changed.notify();
  c.wake();
}

bool quic_is_open(const quic_stream_ref& r) {
  return r.s->held && !r.conn->finished;
}

std::string quic_failure(const quic_stream_ref& r) {
  return r.conn->finished ? r.conn->end_reason : std::string{};
}

stream make_quic_stream(std::shared_ptr<quic_connection> c, std::shared_ptr<quic_stream_state> s,
                        bool owns_connection) {
  s->held = true;
  auto ref = std::make_shared<quic_stream_ref>();
  ref->conn = c;
  ref->s = std::move(s);
  ref->owns_connection = owns_connection;
  if (owns_connection) ++c->stream_owners;
  auto i = std::make_unique<stream::impl>(std::move(ref), c->peer_name);
  i->peer = c->remote.to();
  return stream(std::move(i));
}

void quic_hold_connection(stream& s) {
  auto* r = s.get().quic();
  if (!r || r->owns_connection) return;
  r->owns_connection = true;
  ++r->conn->stream_owners;
}

}  // namespace net

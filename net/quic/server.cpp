// QUIC servers: one UDP socket, its packets sorted to connections by destination connection id,
// new connections made from Initial packets, Version Negotiation for versions we do not speak.
#include <fmt/format.h>

#include <unordered_map>

#include "core/exit_code.hpp"
#include "net/quic/engine.hpp"
#include "net/quic/tls.hpp"
#include "net/socket_impls.hpp"
#include "net/stream_impl.hpp"

namespace net {

ngtcp2_callbacks quic_callbacks(bool server);
void quic_settings(quic_connection& c, ngtcp2_settings& s, duration handshake_timeout,
                   const ngtcp2_cid& odcid, bool qlog);
void quic_params(ngtcp2_transport_params& p, duration idle);
FILE* quic_open_qlog(const std::string& dir, const ngtcp2_cid& id, bool server,
                     std::string& warning);

namespace {
using core::exit_code;
constexpr std::size_t scid_len = 18;
// A handshake that has not finished by then is dropped (and its slot freed).
constexpr auto handshake_limit = std::chrono::seconds(10);

std::string key_of(const std::uint8_t* p, std::size_t n) {
  return std::string(reinterpret_cast<const char*>(p), n);
}
}  // namespace

class quic_server_state : public std::enable_shared_from_this<quic_server_state> {
 public:
  quic_server_state(context& c, quic_server_options opts)
      : ctx(c), o(std::move(opts)), accept_ev(c) {}

  context& ctx;
  quic_server_options o;
  std::shared_ptr<quic_credentials> creds;
  std::shared_ptr<datagram_socket> sock;
  endpoint local;
  quic_addr local_addr;
  std::unordered_map<std::string, std::weak_ptr<quic_connection>> by_cid;
  std::deque<std::shared_ptr<quic_connection>> accepted;
  event accept_ev;
  std::size_t live = 0;
  std::array<std::uint8_t, 32> reset_secret{};
  bool closed = false;     ///< no new connections
  bool abandoned = false;  ///< the socket is closed: nothing more is read
  std::function<void(const std::string&)> on_failure;

  task<void> read_loop();
  void handle(std::span<const std::uint8_t> pkt, const socket_address& from);
  void handle_all(std::span<const char> buf, const datagram_result& r);
  task<void> watch(std::shared_ptr<quic_connection> c);
  task<void> send_vn(const ngtcp2_version_cid& vc, socket_address to);
};

int quic_server_new_cid(quic_connection& c, ngtcp2_cid* cid, std::uint8_t* token, std::size_t len) {
  auto& s = *c.srv;
  c.ctx.random({cid->data, len});
  cid->datalen = len;
  if (ngtcp2_crypto_generate_stateless_reset_token(token, s.reset_secret.data(),
                                                   s.reset_secret.size(), cid) != 0)
    return NGTCP2_ERR_CALLBACK_FAILURE;
  s.by_cid[key_of(cid->data, cid->datalen)] = c.weak_from_this();
  return 0;
}

void quic_server_remove_cid(quic_connection& c, const ngtcp2_cid* cid) {
  c.srv->by_cid.erase(key_of(cid->data, cid->datalen));
}

datagram_socket& quic_server_socket(quic_server_state& s) {
  return *s.sock;
}

task<std::error_code> quic_server_send(quic_server_state& s, std::span<const char> data,
                                       const ngtcp2_path& path) {
  quic_addr to;
  std::memcpy(&to.ss, path.remote.addr, path.remote.addrlen);
  to.len = path.remote.addrlen;
  auto addr = to.to();
  auto ec = s.sock->try_send_to(data, addr);
  if (is_would_block(ec)) ec = co_await s.sock->send_to(data, addr);
  co_return ec;
}

task<void> quic_server_state::read_loop() {
  auto self = shared_from_this();
  std::vector<char> buf(65536);
  // Reads on after close() while accepted connections live: their packets come here too.
  while (!abandoned) {
    auto r = co_await sock->receive_from(buf);
    if (abandoned) break;
    if (r.ec) {
      if (is_cancelled(r.ec)) break;
      continue;  // an ICMP error for an earlier send, or a datagram too big: the next one
    }
    handle_all(buf, r);
    for (int i = 0; i < 64 && !abandoned; ++i) {
      auto more = sock->try_receive_from(buf);
      if (more.ec) break;
      handle_all(buf, more);
    }
  }
}

task<void> quic_server_state::send_vn(const ngtcp2_version_cid& vc, socket_address to) {
  auto self = shared_from_this();
  std::array<std::uint8_t, 256> buf;
  std::uint32_t versions[] = {NGTCP2_PROTO_VER_V1};
  std::uint8_t unused = 0;
  ctx.random({&unused, 1});
  // The reply swaps the ids: its destination is the client's source id.
  auto n = ngtcp2_pkt_write_version_negotiation(buf.data(), buf.size(), unused, vc.scid, vc.scidlen,
                                                vc.dcid, vc.dcidlen, versions, 1);
  if (n <= 0) co_return;
  std::span<const char> data(reinterpret_cast<const char*>(buf.data()),
                             static_cast<std::size_t>(n));
  auto ec = sock->try_send_to(data, to);
  if (is_would_block(ec)) co_await sock->send_to(data, to);
}

void quic_server_state::handle_all(std::span<const char> buf, const datagram_result& r) {
  for_each_datagram(buf, r, [&](std::span<const std::uint8_t> pkt) {
    if (!abandoned) handle(pkt, r.from);
  });
}

void quic_server_state::handle(std::span<const std::uint8_t> pkt, const socket_address& from) {
  ngtcp2_version_cid vc;
  int rv = ngtcp2_pkt_decode_version_cid(&vc, pkt.data(), pkt.size(), scid_len);
  if (rv == NGTCP2_ERR_VERSION_NEGOTIATION) {
    // Only for a datagram big enough to be a client's first (RFC 9000 6.1: no amplification).
    if (pkt.size() >= 1200) ctx.start(send_vn(vc, from));
    return;
  }
  if (rv != 0) return;
  auto from_q = quic_addr::from(from);
  if (auto it = by_cid.find(key_of(vc.dcid, vc.dcidlen)); it != by_cid.end()) {
    if (auto c = it->second.lock()) {
      c->on_packet(pkt, local_addr, from_q);
      return;
    }
    by_cid.erase(it);
  }
  ngtcp2_pkt_hd hd;
  if (ngtcp2_accept(&hd, pkt.data(), pkt.size()) != 0) {
    return;
  }
  if (closed || live >= o.max_connections) return;  // full: the client retries, or gives up

  auto c = std::make_shared<quic_connection>(ctx, true);
  c->srv = shared_from_this();
  c->creds = creds;
  c->peer_name = from.to_string();
  c->local = local_addr;
  c->remote = from_q;
  c->info.remote = c->peer_name;
  c->info.local = local.display();
  ngtcp2_cid scid;
  scid.datalen = scid_len;
  ctx.random({scid.data, scid.datalen});
  std::string warning;
  c->qlog = quic_open_qlog(o.qlog_dir, hd.dcid, true, warning);
  ngtcp2_settings settings;
  quic_settings(*c, settings, handshake_limit, hd.dcid, c->qlog != nullptr);
  settings.token = hd.token;
  ngtcp2_transport_params params;
  quic_params(params, o.idle_timeout);
  params.original_dcid = hd.dcid;
  params.stateless_reset_token_present = 1;
  ngtcp2_crypto_generate_stateless_reset_token(params.stateless_reset_token, reset_secret.data(),
                                               reset_secret.size(), &scid);
  auto cb = quic_callbacks(true);
  quic_addr l = local_addr;
  ngtcp2_path path{l.addr(), from_q.addr(), nullptr};
  if (ngtcp2_conn_server_new(&c->conn, &hd.scid, &scid, &path, hd.version, &cb, &settings, &params,
                             nullptr, c.get()) != 0)
    return;
  try {
    quic_server_session(*c, *creds);
  } catch (const vitnet::error& e) {
    if (on_failure) on_failure(fmt::format("{}: {}", c->peer_name, e.what()));
    return;
  }
  ngtcp2_conn_set_tls_native_handle(c->conn, c->tls);
  by_cid[key_of(scid.data, scid.datalen)] = c;
  by_cid[key_of(hd.dcid.data, hd.dcid.datalen)] = c;
  ++live;
  ctx.start(c->run());
  ctx.start(watch(c));
  c->on_packet(pkt, local_addr, from_q);
}

task<void> quic_server_state::watch(std::shared_ptr<quic_connection> c) {
  auto self = shared_from_this();
  auto deadline = ctx.now() + handshake_limit;
  while (!c->handshake_done && !c->finished) {
    bool woken = co_await c->handshake_ev.wait_until(deadline);
    if (!woken) break;
  }
  if (c->handshake_done && !c->finished) {
    accepted.push_back(c);
    accept_ev.notify();
  } else {
    if (!c->finished) c->abort_now(0, {});
    if (on_failure)
      on_failure(
          fmt::format("{}: {}", c->peer_name,
                      c->end_reason.empty() ? "no QUIC handshake within 10s" : c->end_reason));
  }
  // The connection's slot is freed when it ends; its ids go with it.
  while (!c->finished) {
    bool woken = co_await c->changed.wait();
    if (!woken) break;
  }
  --live;
  if (closed && live == 0 && !abandoned) {
    // Closed, and the last connection is gone: the socket goes too.
    abandoned = true;
    sock->close();
  }
  std::vector<ngtcp2_cid> ids(ngtcp2_conn_get_num_scid(c->conn));
  ids.resize(ngtcp2_conn_get_scid(c->conn, ids.data()));
  for (auto& id : ids) {
    auto it = by_cid.find(key_of(id.data, id.datalen));
    if (it != by_cid.end() && it->second.lock() == c) by_cid.erase(it);
  }
  for (auto it = by_cid.begin(); it != by_cid.end();)
    it = it->second.expired() ? by_cid.erase(it) : std::next(it);
}

task<quic_server> quic_server::listen(context& ctx, const endpoint& where,
                                      const quic_server_options& o) {
  auto s = std::make_shared<quic_server_state>(ctx, o);
  std::vector<std::string> names = o.tls.names;
  if (names.empty())
    for (std::string n :
         {where.host, std::string("localhost"), std::string("127.0.0.1"), std::string("::1")})
      if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  s->creds = quic_server_credentials(o, names);
  endpoint udp = where;
  udp.transport = transport::udp;
  udp.quic = false;
  s->sock = std::make_shared<datagram_socket>(co_await ctx.bind_datagram(udp));
  s->sock->use_for_quic();
  s->local = s->sock->local_endpoint();
  s->local.quic = true;
  s->local_addr = quic_addr::from(
      {ip_address::parse(s->local.host).value_or(ip_address::v6({})), s->local.port});
  ctx.random(s->reset_secret);
  ctx.start(s->read_loop());
  quic_server q;
  q.s_ = s;
  co_return q;
}

task<std::optional<quic_session>> quic_server::accept() {
  auto s = s_;
  for (;;) {
    if (!s->accepted.empty()) {
      auto c = s->accepted.front();
      s->accepted.pop_front();
      if (c->finished) continue;
      co_return quic_session(c);
    }
    if (s->closed) co_return std::nullopt;
    bool woken = co_await s->accept_ev.wait();
    if (!woken) co_return std::nullopt;
  }
}

const endpoint& quic_server::local_endpoint() const {
  return s_->local;
}
const std::string& quic_server::fingerprint() const {
  return s_->creds->fingerprint;
}
bool quic_server::ephemeral() const {
  return s_->creds->ephemeral;
}
void quic_server::close() {
  if (!s_ || s_->closed) return;
  s_->closed = true;
  if (s_->live == 0) {
    s_->abandoned = true;
    s_->sock->close();
  }
  s_->accept_ev.notify();
  // Connections already accepted keep the socket (they share it); new ones are not made.
}
void quic_server::abandon() {
  if (!s_) return;
  s_->closed = true;
  s_->abandoned = true;
  s_->by_cid.clear();
  s_->sock->close();
  s_->accept_ev.notify();
}
void quic_server::on_handshake_failure(std::function<void(const std::string&)> f) {
  s_->on_failure = std::move(f);
}

// ---- quic:// as a listener

namespace {
// Every bidirectional stream the client opens is served as a connection of its own would be
// (`connect --bench --streams N` opens several on one connection); the connection ends when the
// last of them is closed. The peer's stream credit (quic_params) bounds how many are open.
task<void> serve_streams(std::shared_ptr<quic_listener_state> l, quic_session conn) {
  auto& ctx = *l->ctx;
  // The client opens its stream right after the handshake (an empty frame if it has nothing to
  // say yet); one that does not is dropped.
  auto done = std::make_shared<bool>(false);
  auto watch = [](quic_session c, std::shared_ptr<bool> done, context& ctx) -> task<void> {
    co_await ctx.sleep(handshake_limit);
    if (!*done) c.abort(0x1, "no stream");
  };
  ctx.start(watch(conn, done, ctx));
  for (;;) {
    auto s = co_await conn.accept_stream();
    *done = true;
    if (!s) co_return;
    auto* q = s->get().quic();
    // Unidirectional streams carry nothing a byte stream could answer; a stream that comes
    // while the connection is closing (its last stream was closed), or after the listener
    // stopped taking connections (netcat mode), is refused: closing it here says so.
    if (!ngtcp2_is_bidi_stream(q->s->id) || q->conn->closing || l->closed) continue;
    quic_hold_connection(*s);
    l->ready.push_back(std::move(*s));
    l->ready_ev->notify();
  }
}

task<void> accept_loop(std::shared_ptr<quic_listener_state> l) {
  while (!l->closed) {
    auto c = co_await l->server.accept();
    if (!c) break;
    l->ctx->start(serve_streams(l, *c));
  }
}
}  // namespace

task<accept_result> quic_listener_accept(quic_listener_state& l) {
  for (;;) {
    if (!l.ready.empty()) {
      auto s = std::move(l.ready.front());
      l.ready.pop_front();
      co_return accept_result{{}, std::move(s)};
    }
    if (l.closed) co_return accept_result{asio::error::operation_aborted, {}};
    bool woken = co_await l.ready_ev->wait();
    if (!woken) co_return accept_result{asio::error::operation_aborted, {}};
  }
}

void quic_listener_close(quic_listener_state& l) {
  if (l.closed) return;
  l.closed = true;
  l.server.close();
  l.ready.clear();
  l.ready_ev->notify();
}

listener quic_stream_listener(context& ctx, quic_server server) {
  auto l = std::make_shared<quic_listener_state>();
  l->server = server;
  l->ctx = &ctx;
  l->ready_ev = std::make_unique<event>(ctx);
  ctx.start(accept_loop(l));
  auto local = server.local_endpoint();
  return listener(std::make_unique<listener::impl>(l, local));
}

// ---- probing

bool is_version_negotiation(std::span<const char> data) {
  // A long header (first bit set) whose version field is 0 (RFC 9000 17.2.1).
  if (data.size() < 7) return false;
  auto b = reinterpret_cast<const std::uint8_t*>(data.data());
  return (b[0] & 0x80) && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0;
}

std::string version_probe(context& ctx) {
  // RFC 9000 15: versions of the form 0x?a?a?a?a are reserved to exercise negotiation.
  std::string p(1200, '\0');
  auto* b = reinterpret_cast<std::uint8_t*>(p.data());
  b[0] = 0xc0;
  b[1] = 0x1a;
  b[2] = 0x2a;
  b[3] = 0x3a;
  b[4] = 0x4a;
  b[5] = 8;  // destination id length
  ctx.random({b + 6, 8});
  b[14] = 8;  // source id length
  ctx.random({b + 15, 8});
  return p;
}

}  // namespace net

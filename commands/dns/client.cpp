#include "commands/dns/client.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "net/http_client/http_client.hpp"
#include "net/quic/quic.hpp"
#include "proto/dns/doq.hpp"

namespace commands::dns {

namespace pd = proto::dns;

std::string_view transport_name(transport t) {
  switch (t) {
    case transport::udp:
      return "udp";
    case transport::tcp:
      return "tcp";
    case transport::tls:
      return "tls";
    case transport::https:
      return "https";
    case transport::quic:
      return "quic";
  }
  return "udp";
}

std::string server::display() const {
  if (via == transport::https) return where.to_string();
  return net::join_host_port(where.host, where.port);
}

namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<std::uint16_t> port_number(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

server parse_server(std::string_view text) {
  server s;
  std::string t(text);
  auto scheme_end = t.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : lowered(t.substr(0, scheme_end));
  std::string rest = scheme_end == std::string::npos ? t : t.substr(scheme_end + 3);
  if (scheme == "https") {
    s.via = transport::https;
    s.where = net::parse_endpoint(t);
    if (s.where.target == "/") s.where.target = "/dns-query";
    s.tls.server_name = s.where.host;
    return s;
  }
  std::uint16_t default_port = 53;
  if (scheme.empty() || scheme == "udp" || scheme == "dns")
    s.via = transport::udp;
  else if (scheme == "tcp")
    s.via = transport::tcp;
  else if (scheme == "tls") {
    s.via = transport::tls;
    default_port = 853;
  } else if (scheme == "quic") {
    s.via = transport::quic;
    default_port = pd::doq::default_port;
  } else
    vitnet::fail(core::exit_code::usage,
                 "invalid DNS server '{}': the scheme is udp, tcp, tls, quic or https", text);
  if (rest.empty()) vitnet::fail(core::exit_code::usage, "invalid DNS server '{}': no host", text);
  // A bare IPv6 address has colons of its own: it has no port unless bracketed.
  if (net::ip_address::parse(rest)) {
    s.where.host = rest;
    s.where.port = default_port;
  } else {
    auto hp = net::split_host_port(rest);
    if (!hp) {
      if (rest.find(':') != std::string::npos || rest.find('/') != std::string::npos)
        vitnet::fail(core::exit_code::usage, "invalid DNS server '{}': give HOST or HOST:PORT",
                     text);
      s.where.host = rest;
      s.where.port = default_port;
    } else {
      auto port = port_number(hp->port);
      if (!port)
        vitnet::fail(core::exit_code::usage, "invalid DNS server '{}': bad port '{}'", text,
                     hp->port);
      s.where.host = hp->host;
      s.where.port = *port;
    }
  }
  if (s.where.host.empty())
    vitnet::fail(core::exit_code::usage, "invalid DNS server '{}': no host", text);
  bool datagrams = s.via == transport::udp || s.via == transport::quic;
  s.where.transport = datagrams ? net::transport::udp : net::transport::tcp;
  s.where.tls = s.via == transport::tls;
  s.where.quic = s.via == transport::quic;
  if (s.via == transport::tls || s.via == transport::quic) s.tls.server_name = s.where.host;
  return s;
}

bool answers(const pd::message& reply, const pd::message& query) {
  if (reply.id != query.id || !reply.qr) return false;
  // A FORMERR or NOTIMP reply may leave the question out (RFC 1035 lets servers do so).
  if (reply.questions.empty()) return reply.rcode != pd::rcode::noerror;
  return reply.questions == query.questions;
}

std::uint16_t random_id(net::context& ctx) {
  std::uint8_t b[2];
  ctx.random(b);
  return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}

struct client::doh {
  explicit doh(net::context& ctx) : session(ctx) {}
  net::http_client::session session;
};

client::client(net::context& ctx, server s, core::io* io) : ctx_(ctx), s_(std::move(s)), io_(io) {}
client::~client() = default;

namespace {

[[noreturn]] void malformed(const server& s, std::string_view why) {
  vitnet::fail(core::exit_code::protocol, "resolve: {}: malformed answer: {}", s.display(), why);
}

[[noreturn]] void no_answer(const server& s, net::duration timeout, int tries) {
  if (tries > 1)
    vitnet::fail(core::exit_code::timeout, "resolve: {}: no answer within {} ({} tries)",
                 s.display(), core::format_duration(timeout), tries);
  vitnet::fail(core::exit_code::timeout, "resolve: {}: no answer within {}", s.display(),
               core::format_duration(timeout));
}

}  // namespace

net::task<net::socket_address> client::server_address(net::duration deadline) {
  if (auto ip = net::ip_address::parse(s_.where.host))
    co_return net::socket_address{*ip, s_.where.port};
  // The server's own name goes to the system (or the mock network's table), never to the
  // resolver being configured: that would ask the server for its own address.
  std::string host = s_.where.host;
  auto addrs = co_await ctx_.system_resolve(host, deadline);
  co_return net::socket_address{addrs.front(), s_.where.port};
}

net::task<std::string> client::over_udp(const std::string& wire, const pd::message& q,
                                        const exchange_options& o) {
  auto to = co_await server_address(o.timeout);
  auto sock = co_await ctx_.connect_datagram(to);
  std::vector<char> buf(65535);
  int tries = o.retries + 1;
  for (int attempt = 0; attempt < tries; ++attempt) {
    auto sent = co_await sock.send(std::span<const char>(wire.data(), wire.size()));
    if (sent) vitnet::fail_os("resolve", s_.display(), sent);
    auto until = ctx_.now() + o.timeout;
    for (;;) {
      auto left = until - ctx_.now();
      if (left <= net::duration::zero()) break;
      net::watchdog wd(ctx_, left, [&sock] { sock.cancel(); });
      auto got = co_await sock.receive_from(buf);
      bool timed_out = wd.fired();
      wd.disarm();
      if (got.ec) {
        if (timed_out) break;
        vitnet::fail_os("resolve", s_.display(), got.ec);
      }
      std::string_view bytes(buf.data(), got.n);
      auto pr = pd::parse(bytes);
      // Something that is not the answer (a late answer to an earlier try, a forgery) is
      // dropped and the wait goes on.
      if (!pr.msg) {
        if (pr.has_header && pr.id == q.id) malformed(s_, pr.error);
        continue;
      }
      if (!answers(*pr.msg, q)) continue;
      co_return std::string(bytes);
    }
  }
  no_answer(s_, o.timeout, tries);
}

net::task<std::string> client::over_stream(const std::string& wire, const pd::message& q,
                                           const exchange_options& o, bool tls) {
  auto start = ctx_.now();
  auto to = co_await server_address(o.timeout);
  net::endpoint where = s_.where;
  where.transport = net::transport::tcp;
  where.tls = false;
  where.host = to.ip.to_string();
  net::dial_options dopt;
  dopt.timeout = o.timeout;
  auto conn = co_await net::dial(ctx_, where, dopt);
  if (tls) {
    auto topt = net::for_endpoint(s_.tls, s_.where);
    auto left =
        std::max<net::duration>(o.timeout - (ctx_.now() - start), std::chrono::milliseconds(1));
    auto inner = std::move(conn);
    conn = co_await net::tls_connect(ctx_, std::move(inner), topt, left);
  }
  auto left = o.timeout - (ctx_.now() - start);
  if (left <= net::duration::zero()) no_answer(s_, o.timeout, 1);
  net::watchdog wd(ctx_, left, [&conn] { conn.cancel(); });
  std::string framed;
  framed.reserve(wire.size() + 2);
  framed.push_back(static_cast<char>(wire.size() >> 8));
  framed.push_back(static_cast<char>(wire.size() & 0xff));
  framed += wire;
  auto wr = co_await conn.write_all(std::span<const char>(framed.data(), framed.size()));
  if (wr.ec) {
    if (wd.fired()) no_answer(s_, o.timeout, 1);
    vitnet::fail_os("resolve", s_.display(), wr.ec);
  }
  // Answers to other ids (none should come: one query per connection) are skipped.
  std::string in;
  std::vector<char> buf(16384);
  for (;;) {
    while (in.size() >= 2) {
      std::size_t len = static_cast<std::uint8_t>(in[0]) << 8 | static_cast<std::uint8_t>(in[1]);
      if (in.size() < 2 + len) break;
      std::string msg = in.substr(2, len);
      in.erase(0, 2 + len);
      auto pr = pd::parse(msg);
      if (!pr.msg) malformed(s_, pr.error);
      if (!answers(*pr.msg, q)) continue;
      wd.disarm();
      conn.close();
      co_return msg;
    }
    auto rd = co_await conn.read_some(buf);
    if (rd.ec) {
      if (wd.fired()) no_answer(s_, o.timeout, 1);
      if (net::is_eof(rd.ec))
        vitnet::fail(core::exit_code::protocol, "resolve: {}: the server closed the connection{}",
                     s_.display(), in.empty() ? " without answering" : " mid-answer");
      std::string detail = conn.failure_detail();
      if (!detail.empty())
        vitnet::fail(core::exit_code::protocol, "resolve: {}: {}", s_.display(), detail);
      vitnet::fail_os("resolve", s_.display(), rd.ec);
    }
    in.append(buf.data(), rd.n);
  }
}

net::task<std::string> client::over_https(const std::string& wire, const exchange_options& o) {
  if (!io_) vitnet::fail(core::exit_code::internal, "resolve: DNS over HTTPS needs an output");
  if (!doh_) doh_ = std::make_unique<doh>(ctx_);
  net::http_client::options ho;
  ho.timeout = o.timeout;
  ho.connect_timeout = o.timeout;
  ho.idle_timeout = o.timeout;
  ho.who = "resolve";
  ho.tls = s_.tls;
  net::http_client::request rq;
  rq.where = s_.where;
  std::string body = wire;
  if (s_.https_get) {
    // RFC 8484 section 4.1: base64url without padding in the dns parameter; the id should be
    // 0 so caches can share answers, which the caller's query already allows.
    std::string b64 = core::base64_encode(wire);
    for (auto& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    rq.where.target += (rq.where.target.find('?') == std::string::npos ? "?dns=" : "&dns=") + b64;
    rq.method = "GET";
  } else {
    rq.method = "POST";
    rq.send_body = true;
    rq.body = &body;
    rq.headers.push_back("Content-Type: application/dns-message");
  }
  rq.headers.push_back("Accept: application/dns-message");
  net::http_client::sink out(*io_, net::http_client::sink::kind::memory);
  out.memory_limit = 65535;
  std::function<net::http_client::fate(const net::http_client::response&)> decide =
      [](const net::http_client::response&) { return net::http_client::fate::keep; };
  std::optional<net::clock::time_point> deadline = ctx_.now() + o.timeout;
  auto resp =
      co_await net::http_client::exchange(doh_->session, ho, *io_, out, rq, decide, deadline);
  if (resp.status != 200)
    vitnet::fail(core::exit_code::protocol, "resolve: {}: HTTP status {}{}", s_.display(),
                 resp.status, resp.reason.empty() ? "" : " " + resp.reason);
  co_return resp.body;
}

// One connection per question: a stream for the query, the id 0 on the wire and the caller's
// restored in the answer (RFC 9250 section 4.2.1). The whole exchange, handshake included, has
// the attempt's timeout.
net::task<std::string> client::over_quic(const std::string& wire, const pd::message& q,
                                         const exchange_options& o) {
  namespace doq = pd::doq;
  auto start = ctx_.now();
  auto to = co_await server_address(o.timeout);
  auto left = [&] {
    return std::max<net::duration>(o.timeout - (ctx_.now() - start), std::chrono::milliseconds(1));
  };
  net::endpoint where = s_.where;
  where.host = to.ip.to_string();
  net::quic_client_options qo;
  qo.tls = net::for_endpoint(s_.tls, s_.where);
  qo.tls.alpn = {std::string(doq::alpn)};
  auto session = co_await net::quic_dial(ctx_, where, qo, left());
  // Past the deadline the connection goes, which ends whatever waits on it.
  net::watchdog wd(ctx_, left(),
                   [&session] { session.abort(doq::request_cancelled, "no answer in time"); });
  std::string in;
  bool done = false;
  try {
    auto st = co_await session.open_stream();
    auto framed = doq::frame(wire);
    auto wr = co_await st.write_all(std::span<const char>(framed.data(), framed.size()));
    if (wr.ec) vitnet::fail_os("resolve", s_.display(), wr.ec);
    st.shutdown_send();
    std::vector<char> buf(16384);
    while (!done) {
      auto rd = co_await st.read_some(buf);
      bool ended = false;
      if (rd.ec) {
        if (!net::is_eof(rd.ec)) {
          if (wd.fired()) break;
          auto why = session.end_reason();
          vitnet::fail(core::exit_code::protocol, "resolve: {}: {}", s_.display(),
                       why.empty() ? "the server reset the stream" : why);
        }
        ended = true;
      } else {
        in.append(buf.data(), rd.n);
      }
      if (in.size() > doq::max_stream_bytes) malformed(s_, "a stream longer than one message");
      auto r = doq::read(in, ended);
      if (r.state == doq::status::malformed) malformed(s_, r.error);
      if (r.state == doq::status::complete) {
        in = std::string(r.message);
        done = true;
      }
    }
    st.close();
  } catch (const vitnet::error&) {
    if (!wd.fired()) throw;
  }
  if (!done) no_answer(s_, o.timeout, 1);
  wd.disarm();
  session.close(doq::no_error);
  in[0] = static_cast<char>(q.id >> 8);
  in[1] = static_cast<char>(q.id & 0xff);
  auto pr = pd::parse(in);
  if (!pr.msg) malformed(s_, pr.error);
  if (!answers(*pr.msg, q)) malformed(s_, "the answer to another question");
  co_return in;
}

net::task<exchange_result> client::exchange(pd::message query, exchange_options o) {
  auto self = shared_from_this();
  exchange_result r;
  auto t0 = ctx_.now();
  std::string wire = pd::write(query);
  std::string got;
  r.used = s_.via;
  switch (s_.via) {
    case transport::udp:
      got = co_await over_udp(wire, query, o);
      break;
    case transport::tcp:
      got = co_await over_stream(wire, query, o, false);
      break;
    case transport::tls:
      got = co_await over_stream(wire, query, o, true);
      break;
    case transport::https:
      got = co_await over_https(wire, o);
      break;
    case transport::quic:
      got = co_await over_quic(wire, query, o);
      break;
  }
  auto pr = pd::parse(got);
  if (!pr.msg) malformed(s_, pr.error);
  if (s_.via == transport::https && pr.msg->id != query.id) malformed(s_, "another query's id");
  if (s_.via == transport::udp && pr.msg->tc && o.tcp_fallback) {
    got = co_await over_stream(wire, query, o, false);
    pr = pd::parse(got);
    if (!pr.msg) malformed(s_, pr.error);
    r.used = transport::tcp;
  }
  r.size = got.size();
  r.reply = std::move(*pr.msg);
  r.elapsed = ctx_.now() - t0;
  co_return r;
}

}  // namespace commands::dns

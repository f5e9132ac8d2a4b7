#include "commands/dns/server.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "commands/dns/client.hpp"
#include "commands/dns/doq.hpp"
#include "commands/dns/records.hpp"
#include "core/base64.hpp"
#include "core/error.hpp"
#include "core/exit_code.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "proto/dns/doq.hpp"

namespace commands::dns {

namespace pd = proto::dns;

namespace {

// RFC 8914 info-codes used here.
constexpr std::uint16_t ede_other = 0, ede_no_reachable_authority = 22, ede_network_error = 23;

// Coroutines answering slowly (a delay fault, the upstream) at once: past this many, queries
// that would need one more are answered SERVFAIL at once, so a flood holds bounded memory.
constexpr std::size_t max_pending = 4096;

struct query_outcome {
  std::optional<std::string> reply;  // none: dropped
  std::string qname, qtype;
  std::uint16_t rcode = 0;
  std::size_t answers = 0;
  const fault_rule* fault = nullptr;
  bool upstream = false, truncated = false;
  std::string error;  // a query that could not be read
  std::uint16_t id = 0;
  std::optional<pd::message> msg;  // the reply, before it is written within the size limit
};

class dns_server final : public message_service, public std::enable_shared_from_this<dns_server> {
 public:
  dns_server(net::context& ctx, dns_serve_options o, core::io& io)
      : ctx_(ctx), o_(std::move(o)), io_(io) {
    if (!o_.records_file.empty())
      records_ = std::make_shared<const record_set>(record_set::load(o_.records_file));
    else
      records_ = std::make_shared<const record_set>();
    if (!o_.upstream.empty())
      upstream_ = std::make_shared<client>(ctx_, parse_server(o_.upstream), &io_);
  }

  void describe_start() {
    if (!o_.records_file.empty())
      io_.note("serve dns: {} records from {} ({})", records_->size(), o_.records_file,
               records_->format());
    if (upstream_) io_.note("serve dns: names not held go to {}", upstream_->target().display());
  }

  // ---- message_service: TCP and TLS (two-byte length before each message), HTTPS

  net::task<std::string> serve_stream(net::stream& conn, conn_stats& st,
                                      net::watchdog* idle) override {
    auto self = shared_from_this();
    std::string in;
    std::vector<char> buf(16384);
    const char* transport = tls_ ? "tls" : "tcp";
    for (;;) {
      while (in.size() >= 2) {
        std::size_t len = static_cast<std::uint8_t>(in[0]) << 8 | static_cast<std::uint8_t>(in[1]);
        if (in.size() < 2 + len) break;
        std::string q = in.substr(2, len);
        in.erase(0, 2 + len);
        auto out = co_await answer(q, st.peer, transport, 65535);
        if (!out.reply) continue;  // a dropped query: the client's deadline decides
        std::string framed;
        framed.reserve(out.reply->size() + 2);
        framed.push_back(static_cast<char>(out.reply->size() >> 8));
        framed.push_back(static_cast<char>(out.reply->size() & 0xff));
        framed += *out.reply;
        auto w = co_await conn.write_all(std::span<const char>(framed.data(), framed.size()));
        if (w.ec) co_return "error: " + vitnet::describe(w.ec);
        st.bytes_out += framed.size();
        if (idle) idle->touch();
      }
      auto rd = co_await conn.read_some(buf);
      if (rd.ec) co_return net::is_eof(rd.ec) ? "eof" : "error: " + vitnet::describe(rd.ec);
      st.bytes_in += rd.n;
      if (idle) idle->touch();
      in.append(buf.data(), rd.n);
    }
  }

  net::task<std::optional<std::string>> answer_http(std::string body,
                                                    const conn_stats& st) override {
    auto self = shared_from_this();
    auto out = co_await answer(body, st.peer, "https", 65535);
    co_return out.reply;
  }

  std::string_view media_type() const override { return "application/dns-message"; }

  net::task<std::optional<std::string>> answer_http_get(std::string target,
                                                        const conn_stats& st) override {
    auto self = shared_from_this();
    // RFC 8484 section 4.1: the message in the "dns" parameter, base64url without padding.
    std::string b64;
    auto q = target.find('?');
    std::string_view query =
        q == std::string::npos ? std::string_view{} : std::string_view(target).substr(q + 1);
    while (!query.empty()) {
      auto amp = query.find('&');
      auto pair = query.substr(0, amp);
      if (pair.starts_with("dns=")) b64 = std::string(pair.substr(4));
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
    if (b64.empty())
      vitnet::fail(core::exit_code::data, "DNS over HTTPS: GET needs ?dns=MESSAGE (base64url)");
    for (auto& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (b64.size() % 4) b64 += '=';
    auto bytes = core::base64_decode(b64);
    if (!bytes) vitnet::fail(core::exit_code::data, "DNS over HTTPS: ?dns= is not base64url");
    auto out = co_await answer(*bytes, st.peer, "https", 65535);
    co_return out.reply;
  }

  net::task<void> serve_ws(ws_session&, std::string, conn_stats&) override { co_return; }

  // ---- DNS over QUIC: a query per stream (commands/dns/doq.cpp)

  std::string_view quic_alpn() const override { return quic_ ? pd::doq::alpn : ""; }

  net::task<std::string> serve_quic(net::quic_session& s, conn_stats& st) override {
    auto self = shared_from_this();
    doq_answerer answer = [self, peer = st.peer](std::string q) {
      return [](std::shared_ptr<dns_server> self, std::string q,
                std::string peer) -> net::task<std::optional<std::string>> {
        auto out = co_await self->answer(std::move(q), std::move(peer), "quic", 65535);
        co_return out.reply;
      }(self, std::move(q), peer);
    };
    co_return co_await serve_doq(ctx_, s, std::move(answer), doq_limits{}, st);
  }

  void set_tls(bool tls) { tls_ = tls; }
  void set_quic(bool quic) { quic_ = quic; }
  /// serve's --allow and --deny, which its own listeners apply to TCP; UDP is read here.
  void set_access(std::vector<net::cidr> allow, std::vector<net::cidr> deny) {
    allow_ = std::move(allow);
    deny_ = std::move(deny);
  }

  // ---- UDP

  // The socket is shared: an answer that waits (a delay, the upstream) may finish after the
  // receiving loop, and on the mock network after the command itself.
  net::task<void> serve_udp(std::shared_ptr<net::datagram_socket> sockp) {
    auto self = shared_from_this();
    auto& sock = *sockp;
    std::vector<char> buf(65535);
    for (;;) {
      // Under load the next query is usually there already: take it without a trip through the
      // event loop (an epoll_wait per query cost a sixth of the time), and wait only when none
      // is.
      auto r = sock.try_receive_from(buf);
      if (r.ec) r = co_await sock.receive_from(buf);
      if (r.ec) {
        if (net::is_cancelled(r.ec) || core::errno_of(r.ec) == EBADF) break;
        continue;  // ICMP errors from earlier sends
      }
      if (!admitted(r.from.ip)) continue;
      std::string_view q(buf.data(), r.n);
      query_outcome out;
      if (answer_now(q, r.from, "udp", 0, out)) {
        if (out.reply) {
          auto ec = sock.try_send_to(*out.reply, r.from);
          if (net::is_would_block(ec)) co_await sock.send_to(*out.reply, r.from);
        }
        continue;
      }
      if (pending_ >= max_pending) {
        auto pr = pd::parse(q);
        if (pr.msg) {
          auto reply = reply_to(*pr.msg, pd::rcode::servfail);
          co_await sock.send_to(pd::write(reply, 512), r.from);
        }
        continue;
      }
      ++pending_;
      ctx_.start([](std::shared_ptr<dns_server> self, std::shared_ptr<net::datagram_socket> sock,
                    std::string q, net::socket_address from) -> net::task<void> {
        auto out = co_await self->answer(q, from.to_string(), "udp", 0);
        --self->pending_;
        if (out.reply) co_await sock->send_to(*out.reply, from);
      }(self, sockp, std::string(q), r.from));
    }
  }

  net::task<void> reload_loop() {
    auto self = shared_from_this();
    for (;;) {
      bool asked = co_await ctx_.wait_reload();
      if (!asked) co_return;
      if (o_.records_file.empty()) continue;
      std::string failure;
      try {
        auto fresh = std::make_shared<const record_set>(record_set::load(o_.records_file));
        records_ = std::move(fresh);
      } catch (const vitnet::error& e) {
        failure = e.what();
      }
      if (!failure.empty())
        io_.warn("serve dns: reload: {}; keeping the previous records", failure);
      else
        io_.note("serve dns: reloaded {} records from {}", records_->size(), o_.records_file);
    }
  }

 private:
  bool admitted(const net::ip_address& ip) const {
    for (auto& c : deny_)
      if (c.contains(ip)) return false;
    if (allow_.empty()) return true;
    for (auto& c : allow_)
      if (c.contains(ip)) return true;
    return false;
  }

  // Answers without waiting when no delay and no upstream is involved (the common case, and
  // the fast one: no coroutine frame per query). False: answer() must be awaited instead.
  bool answer_now(std::string_view q, const net::socket_address& from, const char* transport,
                  std::size_t limit, query_outcome& out) {
    // The peer's text only when a log line needs it.
    std::string peer = o_.log ? from.to_string() : std::string();
    auto pr = pd::parse(q);
    if (!prepare(pr, out)) {
      finish(out, peer, transport, limit, nullptr, {});
      return true;
    }
    auto& m = *pr.msg;
    const fault_rule* f = pick_fault(m);
    if (f && f->delay > net::duration::zero()) return false;
    auto local = records_->lookup(m.questions[0].qname, m.questions[0].qtype);
    if (!local && upstream_ && !(f && (f->rcode || f->drop || f->truncate))) return false;
    build(m, f, local, out, transport);
    finish(out, peer, transport, limit, &m, {});
    return true;
  }

  net::task<query_outcome> answer(std::string q, std::string peer, const char* transport,
                                  std::size_t limit) {
    auto self = shared_from_this();
    query_outcome out;
    auto t0 = ctx_.now();
    auto pr = pd::parse(q);
    if (!prepare(pr, out)) {
      finish(out, peer, transport, limit, nullptr, t0);
      co_return out;
    }
    auto& m = *pr.msg;
    const fault_rule* f = pick_fault(m);
    if (f && f->delay > net::duration::zero()) {
      bool slept = co_await ctx_.sleep(f->delay);
      if (!slept) co_return out;
    }
    // The records may be replaced while this query waited; it answers from what is there now.
    auto records = records_;
    auto local = records->lookup(m.questions[0].qname, m.questions[0].qtype);
    if (!local && upstream_ && !(f && (f->rcode || f->drop || f->truncate))) {
      co_await forward(m, out);
      finish(out, peer, transport, limit, &m, t0);
      co_return out;
    }
    build(m, f, local, out, transport);
    finish(out, peer, transport, limit, &m, t0);
    co_return out;
  }

  // Checks a query before anything is looked up; false when `out` is already decided (a reply
  // to a malformed query, or none).
  bool prepare(const pd::parse_result& pr, query_outcome& out) {
    if (!pr.msg) {
      out.error = pr.error;
      // FORMERR when the header could be read (RFC 1035 section 4.1.1); silence otherwise.
      if (pr.has_header) {
        pd::message r;
        r.id = pr.id;
        r.qr = true;
        r.rcode = pd::rcode::formerr;
        out.id = pr.id;
        out.rcode = r.rcode;
        out.reply = pd::write(r);
      }
      return false;
    }
    auto& m = *pr.msg;
    out.id = m.id;
    if (m.qr) {
      out.error = "a response, not a query";
      return false;
    }
    // The name and type as text only for the log: a server run with -q does not pay for them.
    if (o_.log && !m.questions.empty()) {
      out.qname = m.questions[0].qname.to_string();
      out.qtype = pd::type_name(m.questions[0].qtype);
    }
    std::optional<std::uint16_t> refuse;
    if (m.opcode != pd::opcode::query)
      refuse = pd::rcode::notimp;
    else if (m.questions.size() != 1)
      refuse = pd::rcode::formerr;
    else if (m.opt && m.opt->version != 0)
      refuse = pd::rcode::badvers;
    else if (m.questions[0].qtype == pd::type::axfr || m.questions[0].qtype == 251)
      refuse = pd::rcode::notimp;  // zone transfers: not served
    if (!refuse) return true;
    auto r = reply_to(m, *refuse);
    out.rcode = *refuse;
    out.reply = pd::write(r);
    return false;
  }

  const fault_rule* pick_fault(const pd::message& m) {
    auto& q = m.questions[0];
    auto consider = [&](const std::vector<fault_rule>& rules) -> const fault_rule* {
      for (auto& f : rules) {
        if (!f.matches(q.qname, q.qtype)) continue;
        if (f.probability < 1.0) {
          std::uint8_t b[4];
          ctx_.random(b);
          double roll = (b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) / 4294967296.0;
          if (roll >= f.probability) continue;
        }
        return &f;
      }
      return nullptr;
    };
    if (auto* f = consider(o_.faults)) return f;
    return consider(records_->faults());
  }

  pd::message reply_to(const pd::message& q, std::uint16_t rcode) const {
    pd::message r;
    r.id = q.id;
    r.qr = true;
    r.opcode = q.opcode;
    r.rd = q.rd;
    r.cd = q.cd;
    r.ra = upstream_ != nullptr;
    r.rcode = rcode;
    r.questions = q.questions;
    if (q.opt) {
      pd::edns e;
      e.udp_size = 1232;
      e.dnssec_ok = q.opt->dnssec_ok;
      r.opt = e;
    }
    return r;
  }

  static void add_ede(pd::message& r, std::uint16_t code, std::string_view text) {
    if (!r.opt) return;  // only to a client that speaks EDNS
    std::string data;
    data.push_back(static_cast<char>(code >> 8));
    data.push_back(static_cast<char>(code & 0xff));
    data += text;
    r.opt->options.push_back(pd::edns_option{pd::option::extended_error, data});
  }

  void build(const pd::message& m, const fault_rule* f, const std::optional<local_answer>& local,
             query_outcome& out, const char* transport) {
    out.fault = f;
    if (f && f->drop) return;
    pd::message r;
    if (f && f->rcode) {
      r = reply_to(m, *f->rcode);
      add_ede(r, ede_other, fmt::format("injected by vitnet serve dns (--fault {})", f->text));
    } else if (f && f->truncate && std::string_view(transport) == "udp") {
      // An empty answer with TC: the client must ask again over TCP (RFC 7766).
      r = reply_to(m, pd::rcode::noerror);
      r.tc = true;
      out.truncated = true;
    } else if (local) {
      r = reply_to(m, local->rcode);
      r.aa = !local->referral;
      r.answers = local->answers;
      r.authority = local->authority;
      r.additional = local->additional;
    } else {
      r = reply_to(m, pd::rcode::nxdomain);
    }
    out.rcode = r.rcode;
    out.answers = r.answers.size();
    out.msg = std::move(r);
  }

  net::task<void> forward(const pd::message& m, query_outcome& out) {
    out.upstream = true;
    pd::message q = m;
    q.id = random_id(ctx_);
    q.rd = true;
    exchange_options eo;
    eo.timeout = o_.upstream_timeout;
    eo.retries = 1;
    std::string failure;
    std::uint16_t ede = ede_network_error;
    pd::message r;
    try {
      auto got = co_await upstream_->exchange(q, eo);
      r = std::move(got.reply);
    } catch (const vitnet::error& e) {
      failure = e.what();
      ede = e.code() == core::exit_code::timeout ? ede_no_reachable_authority : ede_network_error;
    }
    if (!failure.empty()) {
      r = reply_to(m, pd::rcode::servfail);
      add_ede(r, ede, failure);
    } else {
      r.id = m.id;
      r.questions = m.questions;  // the asker's spelling (0x20 case randomisation survives)
      r.ra = true;
      r.aa = false;
      if (!m.opt) r.opt.reset();
    }
    out.rcode = r.rcode;
    out.answers = r.answers.size();
    out.msg = std::move(r);
  }

  // Writes the reply built last (if any) within `limit` and logs the query.
  void finish(query_outcome& out, const std::string& peer, const char* transport, std::size_t limit,
              const pd::message* q, std::optional<net::clock::time_point> t0) {
    if (out.msg) {
      std::size_t max = limit;
      if (max == 0) {
        // UDP: what the requester said it can take, 512 without EDNS (RFC 6891 section 6.2.5).
        max = 512;
        if (q && q->opt) max = std::clamp<std::size_t>(q->opt->udp_size, 512, 4096);
      }
      std::string bytes;
      try {
        bytes = pd::write(*out.msg, max);
      } catch (const std::logic_error&) {
        // Not writable (a record past 65535 bytes, an upstream's extended rcode without EDNS
        // to carry it): a failure the client can see, rather than silence.
        auto r = reply_to(*q, pd::rcode::servfail);
        bytes = pd::write(r, max);
      }
      if (bytes.size() >= 3 && (static_cast<std::uint8_t>(bytes[2]) & 0x02)) out.truncated = true;
      out.reply = std::move(bytes);
    }
    ++served_;
    if (!o_.log) return;
    double ms = t0 ? std::chrono::duration<double, std::milli>(ctx_.now() - *t0).count() : 0.0;
    auto when = core::format_timestamp(ctx_.calendar_now(), 3);
    std::string rcode = out.reply ? pd::rcode_name(out.rcode) : "DROPPED";
    if (io_.json()) {
      nlohmann::ordered_json j{{"event", "query"},
                               {"time", when},
                               {"client", peer},
                               {"transport", transport},
                               {"id", out.id},
                               {"name", out.qname},
                               {"type", out.qtype},
                               {"rcode", rcode},
                               {"answers", out.answers},
                               {"truncated", out.truncated},
                               {"upstream", out.upstream},
                               {"elapsed_ms", ms}};
      if (out.fault) j["fault"] = out.fault->text;
      if (!out.error.empty()) j["error"] = out.error;
      io_.out(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
      return;
    }
    std::string extra;
    if (out.truncated) extra += " truncated";
    if (out.upstream) extra += " upstream";
    if (out.fault) extra += " fault=" + out.fault->text;
    if (!out.error.empty()) extra += " error=\"" + out.error + "\"";
    io_.out(fmt::format("{} {} {} {} {} {} answers={} {:.1f}ms{}\n", when, peer, transport,
                        out.qname.empty() ? "-" : out.qname, out.qtype.empty() ? "-" : out.qtype,
                        rcode, out.answers, ms, extra));
  }

  net::context& ctx_;
  dns_serve_options o_;
  core::io& io_;
  std::shared_ptr<const record_set> records_;
  std::shared_ptr<client> upstream_;
  std::size_t pending_ = 0;
  std::uint64_t served_ = 0;
  bool tls_ = false, quic_ = false;
  std::vector<net::cidr> allow_, deny_;
};

}  // namespace

net::task<int> run_dns_serve(net::context& ctx, serve_options so, dns_serve_options o,
                             core::io& io) {
  if (o.log) io.log_without_blocking();
  int workers = std::max(1, o.workers);
  auto s = std::make_shared<dns_server>(ctx, std::move(o), io);
  s->describe_start();
  ctx.start(s->reload_loop());
  so.service = s;
  so.keep_open = true;
  // A DNS message is at most 65535 bytes; a connection idle for 10 s is closed (RFC 7766
  // section 6.2.3 suggests seconds), unless --idle-timeout says otherwise.
  so.http.limits.max_body = 65535;
  if (!so.idle_timeout) so.idle_timeout = std::chrono::seconds(10);
  if (so.where.is_http()) {
    so.http.service = s;
    so.http.log = false;  // the query log says it all
    so.scheme = so.where.tls ? "https" : "http";
    co_return co_await run_serve(ctx, so, io);
  }
  if (so.where.quic) {
    s->set_quic(true);
    so.scheme = "quic";
    co_return co_await run_serve(ctx, so, io);
  }
  if (so.where.tls) {
    s->set_tls(true);
    so.scheme = "tls";
    co_return co_await run_serve(ctx, so, io);
  }
  // dns://: UDP and TCP on one port. With port 0 the UDP socket picks it, and TCP must then
  // get the same one: tried, and the pair picked again when TCP's is taken.
  net::endpoint udp_where = so.where;
  udp_where.transport = net::transport::udp;
  auto sock = std::make_shared<net::datagram_socket>();
  net::endpoint tcp_where = so.where;
  tcp_where.transport = net::transport::tcp;
  for (int attempt = 0;; ++attempt) {
    *sock = co_await ctx.bind_datagram(udp_where);
    tcp_where.port = sock->local_endpoint().port;
    if (so.where.port != 0) break;
    std::optional<std::string> taken;
    try {
      auto probe = co_await ctx.listen(tcp_where);
      probe.close();
    } catch (const vitnet::error& e) {
      taken = e.what();
    }
    if (!taken) break;
    sock->close();
    if (attempt >= 20) vitnet::fail(core::exit_code::unavailable, "serve: {}", *taken);
  }
  // More processes for UDP: they share the socket, each taking the queries it reads first.
  if (workers > 1 && ctx.fork_workers(workers - 1) > 0) {
    co_await s->serve_udp(sock);
    co_return 0;
  }
  so.where = tcp_where;
  so.scheme = "dns";
  s->set_access(so.allow, so.deny);
  auto udp = s->serve_udp(sock);
  auto tcp = [](net::context& ctx, serve_options so, core::io& io,
                std::shared_ptr<net::datagram_socket> sock) -> net::task<void> {
    co_await run_serve(ctx, so, io);
    sock->cancel();
  }(ctx, so, io, sock);
  co_await net::both(ctx, std::move(udp), std::move(tcp));
  co_return 0;
}

}  // namespace commands::dns

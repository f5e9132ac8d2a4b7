#include "commands/dns/doq.hpp"

#include <memory>
#include <vector>

#include "core/error.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "proto/dns/doq.hpp"

namespace commands::dns {

namespace doq = proto::dns::doq;

namespace {

// What the connection's streams share; each stream's coroutine holds it, so it outlives the
// accepting loop when a stream is still being answered.
struct connection {
  connection(net::context& c, net::quic_session s, doq_answerer a, doq_limits l)
      : ctx(c), session(std::move(s)), answer(std::move(a)), limits(l), idle(c) {}
  net::context& ctx;
  net::quic_session session;
  doq_answerer answer;
  doq_limits limits;
  std::size_t active = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  std::string failure;  // the protocol error that closed the connection, if one did
  net::event idle;      // a stream finished

  void protocol_error(const char* why) {
    if (failure.empty()) failure = why;
    session.close(doq::protocol_error, why);
  }
};

net::task<void> serve_query(std::shared_ptr<connection> c, net::stream q) {
  // The query must come whole, with its FIN, within the read timeout.
  net::watchdog wd(c->ctx, c->limits.read_timeout, [&q] { q.cancel(); });
  std::string in;
  std::vector<char> buf(4096);
  doq::read_result r;
  while (r.state == doq::status::incomplete) {
    auto rd = co_await q.read_some(buf);
    bool ended = false;
    if (rd.ec) {
      if (!net::is_eof(rd.ec)) {
        q.abort();  // timed out, reset by the client, or the connection is gone
        co_return;
      }
      ended = true;
    } else {
      c->bytes_in += rd.n;
      in.append(buf.data(), rd.n);
    }
    if (in.size() > doq::max_stream_bytes) {
      c->protocol_error("a stream longer than one message");
      co_return;
    }
    r = doq::read(in, ended);
  }
  wd.disarm();
  if (r.state == doq::status::malformed) {
    c->protocol_error(r.error);
    co_return;
  }
  auto reply = co_await c->answer(std::string(r.message));
  if (!reply) {
    // Dropped (a fault): the client's own deadline decides; the stream is held until ours.
    co_await c->ctx.sleep(c->limits.read_timeout);
    q.abort();
    co_return;
  }
  std::string framed;
  try {
    framed = doq::frame(*reply);
  } catch (const std::length_error&) {
    q.abort();
    co_return;
  }
  net::watchdog wwd(c->ctx, c->limits.read_timeout, [&q] { q.cancel(); });
  auto wr = co_await q.write_all(std::span<const char>(framed.data(), framed.size()));
  c->bytes_out += wr.n;
  if (wr.ec) {
    q.abort();
    co_return;
  }
  q.shutdown_send();
  q.close();
}

}  // namespace

net::task<std::string> serve_doq(net::context& ctx, net::quic_session session, doq_answerer answer,
                                 doq_limits limits, conn_stats& st) {
  auto c = std::make_shared<connection>(ctx, session, std::move(answer), limits);
  for (;;) {
    auto q = co_await session.accept_stream();
    if (!q) break;
    // Queries come on client-initiated bidirectional streams (id & 3 == 0); a unidirectional
    // one carries nothing DoQ knows.
    if ((net::quic_session::stream_id(*q) & 0x3) != 0) {
      q->close();
      continue;
    }
    if (c->active >= c->limits.max_streams) {
      // The engine's stream credit keeps clients within it; one past it anyway is refused.
      q->abort();
      continue;
    }
    ++c->active;
    ctx.start([](std::shared_ptr<connection> c, net::stream q) -> net::task<void> {
      co_await serve_query(c, std::move(q));
      --c->active;
      c->idle.notify();
    }(c, std::move(*q)));
  }
  // The connection is gone: its streams' reads and writes fail at once, so this is brief.
  while (c->active > 0) {
    bool woken = co_await c->idle.wait();
    if (!woken) break;
  }
  st.bytes_in += c->bytes_in;
  st.bytes_out += c->bytes_out;
  if (!c->failure.empty()) co_return "error: " + c->failure;
  auto why = session.end_reason();
  co_return why.empty() ? "eof" : why;
}

}  // namespace commands::dns

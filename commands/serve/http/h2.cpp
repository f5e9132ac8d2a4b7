// serve https:// over HTTP/2, for message services (DNS over HTTPS, JSON-RPC over HTTP): each
// stream's request is gathered whole, answered by the same handler as HTTP/1.1, and its reply
// sent whole. Offered in ALPN only for those services, whose replies are bodies in memory.
#include <fmt/format.h>

#include "commands/serve/http/service.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "proto/http2/server.hpp"

namespace commands {

net::task<std::string> http_service::serve_h2(net::stream& conn, conn_stats& st) {
  proto::http2::server_session h2(o_.limits.max_body);
  std::vector<char> buf(16 * 1024);
  // An idle connection (no byte either way) ends after the keep-alive timeout; a client that
  // stops reading is cut off by the same watchdog.
  net::watchdog idle(ctx_, o_.keepalive_timeout, [&conn] { conn.close(); });
  std::string out = h2.output();
  for (;;) {
    if (!out.empty()) {
      auto w = co_await conn.write_all(std::span<const char>(out.data(), out.size()));
      if (w.ec) co_return "error: " + vitnet::describe(w.ec);
      st.bytes_out += out.size();
      idle.touch();
    }
    if (h2.finished()) co_return "eof";
    auto r = co_await conn.read_some(std::span<char>(buf.data(), buf.size()));
    if (r.ec) {
      if (idle.fired()) co_return "idle_timeout";
      co_return net::is_eof(r.ec) ? "eof" : "error: " + vitnet::describe(r.ec);
    }
    st.bytes_in += r.n;
    idle.touch();
    if (!h2.feed(std::string_view(buf.data(), r.n))) {
      out = h2.output();
      if (!out.empty()) co_await conn.write_all(std::span<const char>(out.data(), out.size()));
      co_return "error: http2: " + h2.error();
    }
    for (auto& rq : h2.take_requests()) {
      auto started = ctx_.now();
      proto::request req;
      req.method = rq.method;
      req.target = rq.path;
      auto q = rq.path.find('?');
      req.path = proto::percent_decode(rq.path.substr(0, q)).value_or(rq.path.substr(0, q));
      if (q != std::string::npos) req.query = rq.path.substr(q + 1);
      for (auto& [n, v] : rq.headers) req.headers.add(n, v);
      if (!rq.authority.empty()) req.headers.set("Host", rq.authority);
      req.body = std::move(rq.body);
      http_reply reply;
      if (!authorized(req)) {
        reply.resp.status = 401;
        reply.resp.body = "unauthorized\n";
      } else {
        reply = co_await handler_->handle(req, st);
      }
      decorate(req, reply.resp);
      proto::http2::response resp;
      resp.status = reply.resp.status;
      for (auto& [n, v] : reply.resp.headers.fields()) resp.headers.emplace_back(n, v);
      resp.body = std::move(reply.resp.body);
      if (reply.shared_body) resp.body += *reply.shared_body;
      std::uint64_t size = resp.body.size();
      h2.respond(rq.stream_id, std::move(resp));
      log(req, st, reply.resp.status, size, ctx_.now() - started);
    }
    out = h2.output();
  }
}

}  // namespace commands

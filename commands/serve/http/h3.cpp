// serve https:// --http3: the same service over HTTP/3 on the same port number (UDP). Each
// request is gathered whole (within the body limit), answered by the same handler as HTTP/1.1,
// and its reply sent as it is produced: bodies in memory at once, file sections read a piece at
// a time, a reverse proxy's body as the backend gives it, never more than a bounded amount
// queued per request.
#include <fmt/format.h>
#include <unistd.h>

#include <deque>

#include "commands/serve/http/service.hpp"
#include "core/error.hpp"
#include "net/http3/link.hpp"

namespace commands {

namespace {

constexpr std::size_t feed_piece = 256 << 10;
// Bytes queued for one response before its feeder waits for them to go out.
constexpr std::uint64_t feed_limit = 2 << 20;
// Requests open at once on one connection; nghttp3 refuses more streams than QUIC allows anyway.
constexpr std::size_t max_requests = 100;

// Response fields HTTP/3 forbids (RFC 9114 4.2): connection-specific ones.
bool connection_specific(std::string_view name) {
  return proto::iequals(name, "connection") || proto::iequals(name, "keep-alive") ||
         proto::iequals(name, "transfer-encoding") || proto::iequals(name, "upgrade") ||
         proto::iequals(name, "proxy-connection");
}

std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

}  // namespace

namespace {
// A piece of a response body: text as it came, or a section of a file read into memory that is
// not cleared first (zeroing 256 KiB pieces before pread overwrote them cost more than 1% of a
// large download's CPU).
struct body_piece {
  std::string text;
  std::unique_ptr<char[]> raw;
  std::size_t raw_size = 0;
  body_piece(std::string t) : text(std::move(t)) {}
  explicit body_piece(std::size_t capacity) : raw(new char[capacity]), raw_size(capacity) {}
  char* data() { return raw ? raw.get() : text.data(); }
  std::size_t size() const { return raw ? raw_size : text.size(); }
};
}  // namespace

net::task<std::string> http_service::serve_h3(net::quic_session conn, conn_stats st) {
  namespace h3 = net::http3;
  struct request_state {
    std::int64_t id = -1;
    proto::request req;
    std::string authority;
    bool too_big = false, answered = false;
    // The response body: pieces waiting for nghttp3, from `handed` on not yet given to it.
    std::deque<body_piece> pieces;
    std::size_t handed = 0, front_acked = 0;
    std::uint64_t queued = 0;
    bool eof = false, waiting = false;
  };
  struct h3_conn : std::enable_shared_from_this<h3_conn> {
    http_service& svc;
    conn_stats st;
    std::shared_ptr<h3::link> link;
    std::map<std::int64_t, std::shared_ptr<request_state>> reqs;
    net::event drained;
    h3_conn(http_service& s, conn_stats stats, net::quic_session c)
        : svc(s),
          st(std::move(stats)),
          link(std::make_shared<h3::link>(s.ctx_, c)),
          drained(s.ctx_) {}

    static request_state* of(void* sud) { return static_cast<request_state*>(sud); }
    static h3_conn* self_of(void* ud) { return static_cast<h3_conn*>(ud); }

    void setup() {
      nghttp3_callbacks cb{};
      cb.begin_headers = [](nghttp3_conn* c, std::int64_t id, void* ud, void*) {
        auto* self = self_of(ud);
        if (self->reqs.size() >= max_requests) return 0;
        auto r = std::make_shared<request_state>();
        r->id = id;
        self->reqs[id] = r;
        nghttp3_conn_set_stream_user_data(c, id, r.get());
        return 0;
      };
      cb.recv_header = [](nghttp3_conn*, std::int64_t, std::int32_t, nghttp3_rcbuf* name,
                          nghttp3_rcbuf* value, std::uint8_t, void*, void* sud) {
        if (!sud) return 0;
        auto* r = of(sud);
        auto nb = nghttp3_rcbuf_get_buf(name), vb = nghttp3_rcbuf_get_buf(value);
        std::string n(reinterpret_cast<const char*>(nb.base), nb.len);
        std::string v(reinterpret_cast<const char*>(vb.base), vb.len);
        if (n == ":method") {
          r->req.method = v;
        } else if (n == ":path") {
          r->req.target = v;
        } else if (n == ":authority") {
          r->authority = v;
        } else if (!n.starts_with(":")) {
          r->req.headers.add(std::move(n), std::move(v));
        }
        return 0;
      };
      cb.recv_data = [](nghttp3_conn*, std::int64_t, const std::uint8_t* data, std::size_t len,
                        void* ud, void* sud) {
        if (!sud) return 0;
        auto* r = of(sud);
        if (r->req.body.size() + len > self_of(ud)->svc.o_.limits.max_body)
          r->too_big = true;
        else
          r->req.body.append(reinterpret_cast<const char*>(data), len);
        return 0;
      };
      cb.end_stream = [](nghttp3_conn*, std::int64_t id, void* ud, void* sud) {
        auto* self = self_of(ud);
        if (!sud) return 0;
        auto it = self->reqs.find(id);
        if (it != self->reqs.end())
          self->svc.ctx_.start(answer(self->shared_from_this(), it->second));
        return 0;
      };
      cb.acked_stream_data = [](nghttp3_conn*, std::int64_t, std::uint64_t len, void* ud,
                                void* sud) {
        if (!sud) return 0;
        auto* r = of(sud);
        // nghttp3 still points into the unacknowledged rest of a piece: pieces are dropped
        // whole, never shortened.
        while (len && !r->pieces.empty()) {
          auto& front = r->pieces.front();
          auto take = std::min<std::uint64_t>(len, front.size() - r->front_acked);
          r->front_acked += take;
          r->queued -= take;
          len -= take;
          if (r->front_acked == front.size()) {
            r->pieces.pop_front();
            r->front_acked = 0;
            if (r->handed) --r->handed;
          }
        }
        self_of(ud)->drained.notify();
        return 0;
      };
      cb.stream_close = [](nghttp3_conn*, std::int64_t id, std::uint64_t, void* ud, void*) {
        auto* self = self_of(ud);
        self->reqs.erase(id);
        self->drained.notify();
        return 0;
      };
      auto s = h3::settings();
      nghttp3_conn_server_new(&link->h3, &cb, &s, nghttp3_mem_default(), this);
    }

    static nghttp3_ssize read_body(nghttp3_conn*, std::int64_t, nghttp3_vec* vec,
                                   std::size_t veccnt, std::uint32_t* flags, void*, void* sud) {
      auto* r = of(sud);
      std::size_t n = 0;
      while (n < veccnt && r->handed < r->pieces.size()) {
        auto& p = r->pieces[r->handed++];
        vec[n].base = reinterpret_cast<std::uint8_t*>(p.data());
        vec[n].len = p.size();
        ++n;
      }
      if (r->handed == r->pieces.size() && r->eof) {
        *flags |= NGHTTP3_DATA_FLAG_EOF;
        return static_cast<nghttp3_ssize>(n);
      }
      if (n == 0) {
        r->waiting = true;
        return NGHTTP3_ERR_WOULDBLOCK;
      }
      return static_cast<nghttp3_ssize>(n);
    }

    // Adds a piece of the body; waits while too much is queued.
    net::task<bool> feed(std::shared_ptr<request_state> r, body_piece piece) {
      auto self = shared_from_this();
      while (r->queued >= feed_limit && !link->done && reqs.count(r->id)) {
        bool woken = co_await drained.wait();
        if (!woken) co_return false;
      }
      if (link->done || !reqs.count(r->id)) co_return false;
      if (piece.size() > 0) {
        r->queued += piece.size();
        r->pieces.push_back(std::move(piece));
      }
      if (r->waiting) {
        r->waiting = false;
        nghttp3_conn_resume_stream(link->h3, r->id);
      }
      link->poke();
      co_return true;
    }

    net::task<void> finish_body(std::shared_ptr<request_state> r) {
      r->eof = true;
      body_piece none(std::string{});
      co_await feed(r, std::move(none));
    }

    static net::task<void> answer(std::shared_ptr<h3_conn> self, std::shared_ptr<request_state> r) {
      auto& svc = self->svc;
      auto started = svc.ctx_.now();
      auto& req = r->req;
      auto q = req.target.find('?');
      req.path = proto::percent_decode(req.target.substr(0, q)).value_or(req.target.substr(0, q));
      if (q != std::string::npos) req.query = req.target.substr(q + 1);
      if (!r->authority.empty()) req.headers.set("Host", r->authority);
      http_reply reply;
      if (r->too_big) {
        reply.resp.status = 413;
        reply.resp.body = "request body too large\n";
      } else if (req.method.empty() || req.target.empty()) {
        reply.resp.status = 400;
        reply.resp.body = "bad request\n";
      } else if (!svc.authorized(req)) {
        reply.resp.status = 401;
        reply.resp.body = "unauthorized\n";
      } else if (svc.handler_->streams()) {
        // A streaming handler (the reverse proxy) reads the body gathered here.
        struct whole : body_source {
          std::string b;
          bool given = false;
          net::task<std::string> next() override {
            if (given) co_return std::string{};
            given = true;
            co_return std::move(b);
          }
        } body;
        body.b = req.body;
        reply = co_await svc.handler_->handle_stream(req, self->st, body);
      } else {
        reply = co_await svc.handler_->handle(req, self->st);
      }
      svc.decorate(req, reply.resp);
      if (self->link->done || !self->reqs.count(r->id)) co_return;
      bool head = req.method == "HEAD";
      std::vector<std::pair<std::string, std::string>> fields;
      fields.emplace_back(":status", std::to_string(reply.resp.status));
      bool has_length = false;
      for (auto& [n, v] : reply.resp.headers.fields()) {
        if (connection_specific(n)) continue;
        if (proto::iequals(n, "content-length")) has_length = true;
        fields.emplace_back(lower(n), v);
      }
      if (!has_length && (!reply.streamed || reply.stream_length))
        fields.emplace_back("content-length", std::to_string(reply.streamed ? *reply.stream_length
                                                                            : reply.body_length()));
      std::vector<nghttp3_nv> nva;
      for (auto& [n, v] : fields)
        nva.push_back({reinterpret_cast<std::uint8_t*>(n.data()),
                       reinterpret_cast<std::uint8_t*>(v.data()), n.size(), v.size(),
                       NGHTTP3_NV_FLAG_NONE});
      nghttp3_data_reader dr{read_body};
      int rv = nghttp3_conn_submit_response(self->link->h3, r->id, nva.data(), nva.size(),
                                            head ? nullptr : &dr);
      if (rv != 0) co_return;
      self->link->poke();
      std::uint64_t sent = 0;
      if (!head) {
        // The body, piece by piece.
        bool ok = true;
        if (!reply.resp.body.empty()) {
          sent += reply.resp.body.size();
          body_piece whole(std::move(reply.resp.body));
          ok = co_await self->feed(r, std::move(whole));
        }
        if (ok && reply.shared_body && !reply.shared_body->empty()) {
          sent += reply.shared_body->size();
          body_piece shared(*reply.shared_body);
          ok = co_await self->feed(r, std::move(shared));
        }
        for (auto& [text, part] : reply.parts) {
          if (!ok) break;
          if (!text.empty()) {
            sent += text.size();
            body_piece head_text(text);
            ok = co_await self->feed(r, std::move(head_text));
          }
          std::uint64_t off = part.offset, left = part.length;
          while (ok && left > 0 && part.fd) {
            body_piece piece(std::min<std::uint64_t>(left, feed_piece));
            auto n = ::pread(*part.fd, piece.data(), piece.size(), static_cast<off_t>(off));
            if (n <= 0) {
              ok = false;  // the file shrank: the response is cut short (the length said more)
              break;
            }
            piece.raw_size = static_cast<std::size_t>(n);
            off += piece.size();
            left -= piece.size();
            sent += piece.size();
            ok = co_await self->feed(r, std::move(piece));
          }
        }
        while (ok && reply.streamed && reply.stream) {
          std::string piece;
          auto failed = co_await net::failure_of(
              [&]() -> net::task<void> { piece = co_await reply.stream->next(); }());
          if (failed || piece.empty()) break;
          sent += piece.size();
          body_piece streamed(std::move(piece));
          ok = co_await self->feed(r, std::move(streamed));
        }
        // A body that could not be completed is left short; the connection's end cleans up.
        if (ok) co_await self->finish_body(r);
      }
      svc.log(req, self->st, reply.resp.status, sent, svc.ctx_.now() - started);
    }
  };

  auto c = std::make_shared<h3_conn>(*this, std::move(st), conn);
  c->st.alpn = "h3";
  c->setup();
  std::string reason = "eof";
  auto failed = co_await net::failure_of(c->link->start());
  if (failed) co_return "error: " + *failed;
  co_await conn.closed();
  c->link->done = true;
  c->link->poke();
  c->drained.notify();
  if (!c->link->failure.empty()) reason = "error: " + c->link->failure;
  co_return reason;
}

}  // namespace commands

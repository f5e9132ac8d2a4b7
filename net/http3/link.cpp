#include "net/http3/link.hpp"

#include <fmt/format.h>

namespace net::http3 {

link::link(context& c, quic_session s) : ctx(c), sess(std::move(s)), wake(c) {}

link::~link() {
  if (h3) nghttp3_conn_del(h3);
}

nghttp3_settings settings() {
  nghttp3_settings s;
  nghttp3_settings_default(&s);
  s.qpack_max_dtable_capacity = 4096;
  s.qpack_blocked_streams = 100;
  return s;
}

void link::fail(std::string why) {
  if (done || !failure.empty()) return;
  failure = std::move(why);
  done = true;
  poke();
  if (on_failure) on_failure();
}

task<void> link::start() {
  auto self = shared_from_this();
  auto ctrl = co_await sess.open_stream(false);
  auto enc = co_await sess.open_stream(false);
  auto dec = co_await sess.open_stream(false);
  auto ci = quic_session::stream_id(ctrl), ei = quic_session::stream_id(enc),
       di = quic_session::stream_id(dec);
  nghttp3_conn_bind_control_stream(h3, ci);
  nghttp3_conn_bind_qpack_streams(h3, ei, di);
  streams.emplace(ci, std::move(ctrl));
  streams.emplace(ei, std::move(enc));
  streams.emplace(di, std::move(dec));
  ctx.start(write_loop(self));
  ctx.start(accept_loop(self));
}

void link::read(std::int64_t id) {
  ctx.start(read_loop(shared_from_this(), id));
}

task<void> link::write_loop(std::shared_ptr<link> self) {
  while (!self->done) {
    self->dirty = false;
    for (;;) {
      std::int64_t sid = -1;
      int fin = 0;
      nghttp3_vec vec[16];
      auto n = nghttp3_conn_writev_stream(self->h3, &sid, &fin, vec, 16);
      if (n < 0) {
        self->fail(fmt::format("http3: {}", nghttp3_strerror(static_cast<int>(n))));
        co_return;
      }
      if (sid < 0) break;
      std::size_t total = 0;
      auto it = self->streams.find(sid);
      for (nghttp3_ssize i = 0; i < n; ++i) {
        total += vec[i].len;
        if (it == self->streams.end()) continue;
        std::span<const char> data(reinterpret_cast<const char*>(vec[i].base), vec[i].len);
        auto w = co_await it->second.write_all(data);
        if (self->done) co_return;
        if (w.ec) break;  // the peer stopped reading it, or the connection ended
        it = self->streams.find(sid);
      }
      nghttp3_conn_add_write_offset(self->h3, sid, total);
      // The QUIC stream keeps its own copy until acknowledged: nghttp3 may let go now.
      nghttp3_conn_add_ack_offset(self->h3, sid, total);
      if (fin && it != self->streams.end()) {
        it->second.shutdown_send();
        self->finished(sid, false);
      }
      if (self->on_activity) self->on_activity();
    }
    // Anything poked while the loop was busy is written before waiting again.
    if (self->dirty) {
      self->dirty = false;
      continue;
    }
    co_await self->wake.wait();
    self->dirty = false;
  }
}

task<void> link::accept_loop(std::shared_ptr<link> self) {
  while (!self->done) {
    auto s = co_await self->sess.accept_stream();
    if (!s || self->done) break;
    auto id = quic_session::stream_id(*s);
    self->streams.emplace(id, std::move(*s));
    self->ctx.start(read_loop(self, id));
  }
  if (!self->done && !self->sess.end_reason().empty())
    self->fail("the connection ended: " + self->sess.end_reason());
}

task<void> link::read_loop(std::shared_ptr<link> self, std::int64_t id) {
  std::vector<char> buf(64 * 1024);
  while (!self->done) {
    auto it = self->streams.find(id);
    if (it == self->streams.end()) break;
    auto r = co_await it->second.read_some(buf);
    if (self->done) break;
    bool fin = false;
    if (r.ec) {
      if (!is_eof(r.ec)) {
        // The peer reset the stream, or the connection ended: nghttp3 forgets the stream.
        nghttp3_conn_close_stream(self->h3, id, h3_no_error);
        self->streams.erase(id);
        self->poke();
        break;
      }
      fin = true;
    }
    if (self->on_activity) self->on_activity();
    auto n = nghttp3_conn_read_stream(self->h3, id, reinterpret_cast<std::uint8_t*>(buf.data()),
                                      r.n, fin);
    if (n < 0) {
      self->fail(fmt::format("http3: {}", nghttp3_strerror(static_cast<int>(n))));
      break;
    }
    if (self->after_read) co_await self->after_read();
    self->poke();
    if (fin) {
      self->finished(id, true);
      break;
    }
  }
}

void link::finished(std::int64_t id, bool reading) {
  auto& [r, w] = ends_[id];
  (reading ? r : w) = true;
  // A request stream done both ways (the whole request read, the whole response sent) is
  // forgotten by nghttp3 and here; its QUIC stream finishes sending on its own.
  if (r && w) {
    ends_.erase(id);
    nghttp3_conn_close_stream(h3, id, h3_no_error);
    streams.erase(id);
  }
}

}  // namespace net::http3

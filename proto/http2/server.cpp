#include "proto/http2/server.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <map>

namespace proto::http2 {

struct server_session::impl {
  nghttp2_session* session = nullptr;
  std::size_t max_body;
  // Body bytes held for requests not yet taken, across all streams: bounded by max_body, so
  // that many streams at once hold no more than one request may.
  std::size_t buffered = 0;
  std::map<std::int32_t, request> open;  // requests still arriving
  std::vector<request> done;
  // Response bodies being sent, read by the data source callback.
  struct outgoing {
    std::string body;
    std::size_t sent = 0;
  };
  std::map<std::int32_t, outgoing> sending;

  static request& req(impl* self, std::int32_t id) {
    auto& r = self->open[id];
    r.stream_id = id;
    return r;
  }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto* self = static_cast<impl*>(user);
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST)
      req(self, frame->hd.stream_id);
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* user) {
    auto* self = static_cast<impl*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    auto it = self->open.find(frame->hd.stream_id);
    if (it == self->open.end()) return 0;
    std::string_view n(reinterpret_cast<const char*>(name), namelen);
    std::string v(reinterpret_cast<const char*>(value), valuelen);
    auto& r = it->second;
    if (n == ":method")
      r.method = std::move(v);
    else if (n == ":scheme")
      r.scheme = std::move(v);
    else if (n == ":authority")
      r.authority = std::move(v);
    else if (n == ":path")
      r.path = std::move(v);
    else if (!n.starts_with(':')) {
      if (r.headers.size() >= 100) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
      r.headers.emplace_back(std::string(n), std::move(v));
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session* s, uint8_t, int32_t stream_id, const uint8_t* data,
                           size_t len, void* user) {
    auto* self = static_cast<impl*>(user);
    auto it = self->open.find(stream_id);
    if (it == self->open.end()) return 0;
    if (self->buffered + len > self->max_body) {
      self->buffered -= it->second.body.size();
      self->open.erase(it);
      nghttp2_submit_rst_stream(s, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_REFUSED_STREAM);
      return 0;
    }
    self->buffered += len;
    it->second.body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto* self = static_cast<impl*>(user);
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
      auto it = self->open.find(frame->hd.stream_id);
      if (it != self->open.end()) {
        self->done.push_back(std::move(it->second));
        self->open.erase(it);
      }
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* user) {
    auto* self = static_cast<impl*>(user);
    if (auto it = self->open.find(stream_id); it != self->open.end()) {
      self->buffered -= it->second.body.size();
      self->open.erase(it);
    }
    self->sending.erase(stream_id);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, int32_t stream_id, uint8_t* buf, size_t length,
                           uint32_t* flags, nghttp2_data_source*, void* user) {
    auto* self = static_cast<impl*>(user);
    auto it = self->sending.find(stream_id);
    if (it == self->sending.end()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      return 0;
    }
    auto& o = it->second;
    std::size_t n = std::min(length, o.body.size() - o.sent);
    std::copy_n(o.body.data() + o.sent, n, buf);
    o.sent += n;
    if (o.sent == o.body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
};

server_session::server_session(std::size_t max_body, std::uint32_t max_streams)
    : impl_(std::make_unique<impl>()) {
  impl_->max_body = max_body;
  nghttp2_session_callbacks* cb = nullptr;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, impl::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cb, impl::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, impl::on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, impl::on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, impl::on_stream_close);
  nghttp2_session_server_new(&impl_->session, cb, impl_.get());
  nghttp2_session_callbacks_del(cb);
  // Bounded: streams open at once, and what a client may make this side buffer.
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, max_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 65536},
  };
  nghttp2_submit_settings(impl_->session, NGHTTP2_FLAG_NONE, settings, 2);
}

server_session::~server_session() {
  nghttp2_session_del(impl_->session);
}

bool server_session::feed(std::string_view bytes) {
  auto rv = nghttp2_session_mem_recv(impl_->session, reinterpret_cast<const uint8_t*>(bytes.data()),
                                     bytes.size());
  if (rv < 0) {
    error_ = nghttp2_strerror(static_cast<int>(rv));
    return false;
  }
  return true;
}

std::vector<request> server_session::take_requests() {
  std::vector<request> out;
  out.swap(impl_->done);
  for (auto& r : out) impl_->buffered -= r.body.size();
  return out;
}

void server_session::respond(std::int32_t stream_id, response r) {
  std::vector<std::string> store;
  store.reserve(2 + 2 * r.headers.size());
  store.push_back(std::to_string(r.status));
  std::vector<nghttp2_nv> nva;
  auto add = [&](std::string_view n, std::string_view v) {
    nghttp2_nv nv;
    nv.name = reinterpret_cast<uint8_t*>(const_cast<char*>(n.data()));
    nv.namelen = n.size();
    nv.value = reinterpret_cast<uint8_t*>(const_cast<char*>(v.data()));
    nv.valuelen = v.size();
    nv.flags = NGHTTP2_NV_FLAG_NONE;
    nva.push_back(nv);
  };
  add(":status", store.back());
  for (auto& [n, v] : r.headers) {
    std::string lower = n;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Connection-specific fields are not allowed in HTTP/2 (RFC 9113 section 8.2.2).
    if (lower == "connection" || lower == "keep-alive" || lower == "transfer-encoding" ||
        lower == "upgrade" || lower == "proxy-connection")
      continue;
    store.push_back(std::move(lower));
    std::string_view name = store.back();
    add(name, v);
  }
  store.push_back(std::to_string(r.body.size()));
  add("content-length", store.back());
  impl_->sending[stream_id] = impl::outgoing{std::move(r.body), 0};
  nghttp2_data_provider dp;
  dp.source.ptr = nullptr;
  dp.read_callback = impl::read_body;
  // nghttp2 copies the name/value pairs, so `store` may go when this returns.
  nghttp2_submit_response(impl_->session, stream_id, nva.data(), nva.size(), &dp);
}

std::string server_session::output() {
  std::string out;
  for (;;) {
    const uint8_t* data = nullptr;
    auto n = nghttp2_session_mem_send(impl_->session, &data);
    if (n <= 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
  return out;
}

bool server_session::finished() const {
  return !nghttp2_session_want_read(impl_->session) && !nghttp2_session_want_write(impl_->session);
}

}  // namespace proto::http2

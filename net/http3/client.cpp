// An HTTP/3 exchange: QUIC with ALPN h3, the control and QPACK streams HTTP/3 needs, one request
// stream; nghttp3 frames and parses, this file moves its bytes between it and the streams.
#include "net/http3/client.hpp"

#include <fmt/format.h>
#include <nghttp3/nghttp3.h>
#include <strings.h>

#include <map>

#include "core/exit_code.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "net/http3/link.hpp"
#include "net/quic/quic.hpp"

namespace net::http3 {

namespace {

using core::exit_code;
namespace hc = http_client;

std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

class h3_exchange : public std::enable_shared_from_this<h3_exchange> {
 public:
  h3_exchange(context& ctx, const hc::options& o, core::io& io, hc::sink& out,
              const hc::request& rq, std::function<hc::fate(const hc::response&)> decide)
      : ctx_(ctx), o_(o), io_(io), out_(out), rq_(rq), decide_(std::move(decide)), changed_(ctx) {}

  task<hc::response> run(std::optional<clock::time_point> deadline) {
    auto self = shared_from_this();
    start_ = ctx_.now();
    r_.url = rq_.where.to_string();
    r_.method = rq_.method;
    r_.http_version = "3";
    quic_client_options q;
    q.tls = for_endpoint(o_.tls, rq_.where);
    q.tls.alpn = {"h3"};
    q.idle_timeout = o_.idle_timeout;
    auto connect_limit = o_.connect_timeout;
    if (deadline) connect_limit = std::min<duration>(connect_limit, *deadline - ctx_.now());
    sess_ = co_await quic_dial(ctx_, rq_.where, q, connect_limit);
    r_.time.connect = since_start();
    r_.time.tls = r_.time.connect;
    io_.verbose(1, "quic: {} {}, alpn h3 with {}", sess_.info().tls_version, sess_.info().cipher,
                sess_.info().remote);
    link_ = std::make_shared<link>(ctx_, sess_);
    setup();
    link_->after_read = [this]() { return deliver(); };
    link_->on_failure = [this] { fail_with(exit_code::protocol, link_->failure); };
    co_await open_streams();
    // The whole exchange within the deadline; no byte either way for the idle timeout.
    std::optional<watchdog> limit;
    if (deadline)
      limit.emplace(ctx_, *deadline - ctx_.now(), [this] {
        fail_with(exit_code::timeout, "the request took longer than --timeout");
      });
    watchdog idle(ctx_, o_.idle_timeout, [this] {
      fail_with(exit_code::timeout,
                fmt::format("no data for {} ({})", core::format_duration(o_.idle_timeout),
                            o_.idle_option));
    });
    idle_ = &idle;
    link_->on_activity = [&idle] { idle.touch(); };
    while (!ended_ && !failure_) {
      bool woken = co_await changed_.wait();
      if (!woken) break;
      if (!failure_ && sess_.end_reason().size() && !ended_)
        fail_with(exit_code::protocol, "the connection ended: " + sess_.end_reason());
    }
    idle_ = nullptr;
    link_->on_activity = nullptr;
    idle.disarm();
    if (limit) limit->disarm();
    done_ = true;
    link_->done = true;
    link_->poke();
    link_->after_read = nullptr;
    link_->on_failure = nullptr;
    sess_.close(h3_no_error);
    if (failure_) throw *failure_;
    r_.time.total = since_start();
    co_return std::move(r_);
  }

 private:
  double since_start() const { return std::chrono::duration<double>(ctx_.now() - start_).count(); }

  void fail_with(exit_code c, std::string why) {
    if (failure_ || ended_) return;
    failure_ = vitnet::error(c, fmt::format("{}: {}: {}", o_.who, r_.url, why));
    sess_.abort(h3_internal_error, {});  // the exchange is abandoned
    changed_.notify();
  }

  void setup() {
    nghttp3_callbacks cb{};
    cb.recv_header = [](nghttp3_conn*, std::int64_t id, std::int32_t, nghttp3_rcbuf* name,
                        nghttp3_rcbuf* value, std::uint8_t, void* ud, void*) {
      auto n = nghttp3_rcbuf_get_buf(name), v = nghttp3_rcbuf_get_buf(value);
      static_cast<h3_exchange*>(ud)->on_header({reinterpret_cast<const char*>(n.base), n.len},
                                               {reinterpret_cast<const char*>(v.base), v.len});
      return 0;
    };
    cb.end_headers = [](nghttp3_conn*, std::int64_t, int, void* ud, void*) {
      static_cast<h3_exchange*>(ud)->on_end_headers();
      return 0;
    };
    cb.recv_data = [](nghttp3_conn*, std::int64_t, const std::uint8_t* data, std::size_t len,
                      void* ud, void*) {
      auto* self = static_cast<h3_exchange*>(ud);
      if (self->fate_ == hc::fate::keep)
        self->body_.append(reinterpret_cast<const char*>(data), len);
      return 0;
    };
    cb.end_stream = [](nghttp3_conn*, std::int64_t, void* ud, void*) {
      static_cast<h3_exchange*>(ud)->stream_ended_ = true;
      return 0;
    };
    cb.reset_stream = [](nghttp3_conn*, std::int64_t, std::uint64_t code, void* ud, void*) {
      static_cast<h3_exchange*>(ud)->fail_with(
          exit_code::protocol,
          fmt::format("the server reset the request (HTTP/3 error {:#x})", code));
      return 0;
    };
    auto st = settings();
    nghttp3_conn_client_new(&link_->h3, &cb, &st, nghttp3_mem_default(), this);
    h3_ = link_->h3;
  }

  void on_header(std::string_view name, std::string_view value) {
    if (name == ":status") {
      r_.status = 0;
      if (value.size() == 3) r_.status = std::strtol(std::string(value).c_str(), nullptr, 10);
      return;
    }
    fields_.emplace_back(std::string(name), std::string(value));
  }

  void on_end_headers() {
    if (r_.status >= 100 && r_.status < 200) {  // an interim response: the final one follows
      fields_.clear();
      return;
    }
    // The head as curl would show it, read back by the same reader as HTTP/1.1's.
    hc::read_head_line(r_, fmt::format("HTTP/3 {}\r\n", r_.status));
    for (auto& [n, v] : fields_) hc::read_head_line(r_, fmt::format("{}: {}\r\n", n, v));
    hc::read_head_line(r_, "\r\n");
    r_.time.first_byte = since_start();
    for (auto& [n, v] : r_.headers)
      if (n == "location" && !v.empty()) {
        if (v.find("://") != std::string::npos)
          r_.location = v;
        else if (v.starts_with("/"))
          r_.location =
              fmt::format("https://{}{}", join_host_port(rq_.where.host, rq_.where.port), v);
      }
    fate_ = decide_(r_);
    if (fate_ == hc::fate::discard) return;
    if (o_.include && !io_.json()) head_pending_ = r_.head;
    if (fate_ == hc::fate::keep && out_.k == hc::sink::kind::file) out_.file->truncate();
  }

  // The request: its stream, head and body; the control and QPACK streams every HTTP/3
  // connection has.
  static nghttp3_ssize read_body(nghttp3_conn*, std::int64_t, nghttp3_vec* vec, std::size_t,
                                 std::uint32_t* flags, void* ud, void*) {
    auto* self = static_cast<h3_exchange*>(ud);
    *flags |= NGHTTP3_DATA_FLAG_EOF;
    if (self->body_sent_ || !self->rq_.body || self->rq_.body->empty()) return 0;
    self->body_sent_ = true;
    vec[0].base = reinterpret_cast<std::uint8_t*>(const_cast<char*>(self->rq_.body->data()));
    vec[0].len = self->rq_.body->size();
    return 1;
  }

  task<void> open_streams() {
    co_await link_->start();
    auto req = co_await sess_.open_stream(true);
    request_id_ = quic_session::stream_id(req);
    link_->streams.emplace(request_id_, std::move(req));
    link_->read(request_id_);

    std::string authority =
        rq_.where.port == 443 ? rq_.where.host : join_host_port(rq_.where.host, rq_.where.port);
    std::vector<std::pair<std::string, std::string>> h = {
        {":method", rq_.method},
        {":scheme", "https"},
        {":authority", authority},
        {":path", rq_.where.target.empty() ? "/" : rq_.where.target},
    };
    std::vector<std::pair<std::string, std::string>> defaults = {
        {"user-agent", "vitnet/" VITNET_VERSION},
        {"accept", o_.json_body ? "application/json" : "*/*"}};
    if (rq_.send_body)
      defaults.emplace_back(
          "content-type", o_.json_body ? "application/json" : "application/x-www-form-urlencoded");
    std::vector<std::pair<std::string, std::string>> extra;
    for (const auto& line : rq_.headers) {
      auto colon = line.find_first_of(":;");
      std::string name = lower(line.substr(0, colon));
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      std::erase_if(defaults, [&](auto& d) { return d.first == name; });
      if (line[colon] == ':' && value.empty()) continue;  // "Name:" removes a default
      if (name == "host")
        name = ":authority", h[2].second = value;
      else
        extra.emplace_back(name, value);
    }
    for (auto& d : defaults) h.push_back(d);
    for (auto& e : extra) h.push_back(e);
    std::vector<nghttp3_nv> nva;
    for (auto& [n, v] : h)
      nva.push_back({reinterpret_cast<std::uint8_t*>(n.data()),
                     reinterpret_cast<std::uint8_t*>(v.data()), n.size(), v.size(),
                     NGHTTP3_NV_FLAG_NONE});
    for (auto& [n, v] : h) io_.verbose(1, "> {}: {}", n, v);
    nghttp3_data_reader dr{read_body};
    int rv = nghttp3_conn_submit_request(h3_, request_id_, nva.data(), nva.size(),
                                         rq_.send_body ? &dr : nullptr, nullptr);
    if (rv != 0) fail_with(exit_code::protocol, fmt::format("http3: {}", nghttp3_strerror(rv)));
    link_->poke();
  }

  // The head (for -i) and body bytes nghttp3 handed over, to where they go.
  task<void> deliver() {
    auto self = shared_from_this();
    std::string chunk;
    if (!head_pending_.empty()) chunk.swap(head_pending_);
    if (fate_ == hc::fate::keep && !body_.empty()) {
      r_.size += body_.size();
      switch (out_.k) {
        case hc::sink::kind::memory:
          if (out_.memory_limit && r_.body.size() + body_.size() > out_.memory_limit) {
            fail_with(exit_code::protocol,
                      fmt::format("the response body passed {} bytes", out_.memory_limit));
            co_return;
          }
          r_.body += body_;
          break;
        case hc::sink::kind::file:
          out_.file->write(body_);
          out_.bar.update(r_.size, std::nullopt, ctx_.now());
          break;
        case hc::sink::kind::stream:
          chunk += body_;
          break;
      }
      body_.clear();
    } else {
      body_.clear();
    }
    if (!chunk.empty()) {
      out_.stdout_used = true;
      auto w = co_await ctx_.standard_output().write_all(chunk);
      if (w.ec) {
        if (core::errno_of(w.ec) == EPIPE || is_cancelled(w.ec)) {
          r_.output_closed = true;
          ended_ = true;
          changed_.notify();
          co_return;
        }
        vitnet::fail_os("write", "stdout", w.ec);
      }
    }
    if (stream_ended_ && !ended_) {
      ended_ = true;
      changed_.notify();
    }
  }

  context& ctx_;
  const hc::options& o_;
  core::io& io_;
  hc::sink& out_;
  const hc::request& rq_;
  std::function<hc::fate(const hc::response&)> decide_;
  event changed_;
  quic_session sess_;
  std::shared_ptr<link> link_;
  nghttp3_conn* h3_ = nullptr;
  std::int64_t request_id_ = -1;
  clock::time_point start_{};
  hc::response r_;
  std::vector<std::pair<std::string, std::string>> fields_;
  hc::fate fate_ = hc::fate::discard;
  std::string body_, head_pending_;
  bool body_sent_ = false, stream_ended_ = false, ended_ = false, done_ = false;
  std::optional<vitnet::error> failure_;
  watchdog* idle_ = nullptr;
};

}  // namespace

task<hc::response> exchange(context& ctx, const hc::options& o, core::io& io, hc::sink& out,
                            const hc::request& rq,
                            std::function<hc::fate(const hc::response&)> decide,
                            std::optional<clock::time_point> deadline) {
  auto x = std::make_shared<h3_exchange>(ctx, o, io, out, rq, std::move(decide));
  co_return co_await x->run(deadline);
}

}  // namespace net::http3

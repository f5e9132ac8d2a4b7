#include <algorithm>

#include "core/error.hpp"
#include "net/deadline.hpp"
#include "net/http_client/curl.hpp"
#include "net/http_client/fd_bridge.hpp"

namespace net::http_client {

namespace {

using core::exit_code;

constexpr std::size_t pending_limit = 1 << 20;  // stdout bytes held before curl is paused

struct easy_deleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};

class exchanger {
 public:
  exchanger(session& s, const options& o, core::io& io, sink& out, const request& rq,
            std::function<fate(const response&)> decide)
      : ctx_(s.context()),
        multi_(s.multi()),
        o_(o),
        io_(io),
        out_(out),
        rq_(rq),
        decide_(std::move(decide)) {}

  net::task<response> run(std::optional<net::clock::time_point> deadline) {
    start_ = ctx_.now();
    auto where = rq_.where;
    if (where.host.empty()) where.host = "localhost";
    r_.url = where.to_string();
    r_.method = rq_.method;
    if (deadline && *deadline <= start_) timed_out(*o_.timeout);

    // vitnet dials: its resolver (the mock network's names), its deadlines and messages.
    net::duration budget = o_.connect_timeout;
    if (deadline) budget = std::min(budget, *deadline - start_);
    std::string host = where.host;
    auto addresses = co_await ctx_.resolve(host, budget);
    r_.time.dns = since_start();
    std::optional<net::stream> conn;
    std::error_code last;
    for (const auto& ip : addresses) {
      net::socket_address sa{ip, where.port};
      auto [ec, s] = co_await ctx_.connect_once(where, &sa, budget);
      if (!ec) {
        conn.emplace(std::move(s));
        break;
      }
      last = ec;
    }
    if (!conn) {
      if (core::errno_of(last) == ETIMEDOUT)
        vitnet::fail(exit_code::timeout, "connect: {}: connection timed out after {}",
                     where.display(), core::format_duration(budget));
      vitnet::fail(core::exit_code_for(last), "connect: {}: {}", where.display(),
                   vitnet::describe(last));
    }
    r_.time.connect = since_start();
    peer_ = conn->peer_name();
    auto peer_ip = conn->peer_address().value_or(net::socket_address{addresses.front(), 0}).ip;
    io_.verbose(1, "connected to {}", peer_);

    slist resolve, headers;  // outlive the easy handle that points at them
    std::unique_ptr<CURL, easy_deleter> easy(curl_easy_init());
    if (!easy) vitnet::fail(exit_code::internal, "curl: cannot make an easy handle");
    // curl resolves nothing: the name maps to the address vitnet connected to.
    if (!net::ip_address::parse(where.host)) {
      std::string ip = peer_ip.to_string();
      if (peer_ip.is_v6()) ip = "[" + ip + "]";
      append(resolve, fmt::format("{}:{}:{}", where.host, where.port, ip));
    }
    easy_ = easy.get();
    configure(easy_, r_.url, resolve.get(), headers);

    curl_multi::transfer t(multi_, easy.get(), net::hand_off(ctx_, std::move(*conn)));
    transfer_ = &t;
    // However this ends, the idle watchdog (a member) must not poke a transfer that is gone.
    struct unhook {
      exchanger* x;
      ~unhook() {
        if (x->idle_) x->idle_->disarm();
        x->transfer_ = nullptr;
      }
    } guard{this};
    std::unique_ptr<net::watchdog> whole;
    if (deadline)
      whole = std::make_unique<net::watchdog>(ctx_, *deadline - ctx_.now(), [this] {
        expired_ = expiry::whole;
        if (transfer_) transfer_->poke();
      });
    arm_idle();

    while (!t.done()) {
      co_await t.wait();
      if (expired_ != expiry::none || r_.output_closed) break;
      co_await flush();
      if (r_.output_closed) break;
      if (out_.paused && !t.done()) {
        out_.paused = false;
        curl_easy_pause(easy.get(), CURLPAUSE_CONT);  // may hand the held data over at once
      }
    }
    if (whole) whole->disarm();
    if (idle_) idle_->disarm();
    r_.time.total = since_start();
    if (expired_ == expiry::whole) timed_out(*o_.timeout);
    if (expired_ == expiry::idle)
      vitnet::fail(exit_code::timeout, "{}: {}: no data either way for {} ({})", o_.who, r_.url,
                   core::format_duration(o_.idle_timeout), o_.idle_option);
    if (!r_.output_closed) co_await flush();
    if (r_.output_closed) co_return std::move(r_);
    if (failure_) throw *failure_;
    if (t.result() != CURLE_OK) {
      long os_errno = 0;
      curl_easy_getinfo(easy.get(), CURLINFO_OS_ERRNO, &os_errno);
      fail_curl(t.result(), error_[0] ? error_ : curl_easy_strerror(t.result()), os_errno, r_.url,
                peer_, !o_.tls.ca_file.empty());
    }
    long version = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_HTTP_VERSION, &version);
    r_.http_version = version == CURL_HTTP_VERSION_1_0   ? "1.0"
                      : version == CURL_HTTP_VERSION_2_0 ? "2"
                      : version == CURL_HTTP_VERSION_3   ? "3"
                                                         : "1.1";
    char* location = nullptr;
    if (curl_easy_getinfo(easy.get(), CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
      r_.location = location;
    co_return std::move(r_);
  }

 private:
  enum class expiry { none, whole, idle };

  double since_start() const { return core::seconds(ctx_.now() - start_); }

  [[noreturn]] void timed_out(core::duration limit) const {
    vitnet::fail(exit_code::timeout, "connect: {}: no complete answer within {} (--timeout)",
                 r_.url, core::format_duration(limit));
  }

  void arm_idle() {
    idle_ = std::make_unique<net::watchdog>(ctx_, o_.idle_timeout, [this] {
      // Output that does not drain (a reader of stdout that pauses) is not the peer's silence.
      if (flushing_) {
        rearm_idle_ = true;
        return;
      }
      expired_ = expiry::idle;
      if (transfer_) transfer_->poke();
    });
  }

  void touch() {
    if (idle_) idle_->touch();
  }

  void configure(CURL* e, const std::string& url, curl_slist* resolve, slist& headers) {
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");  // the connection is vitnet's, never a proxy's
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);  // the target goes out as written
    if (resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
    // curl's clock is not the context's (virtual on the mock network): vitnet's watchdogs bound
    // the request, and curl's own limit is set out of their way.
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 24L * 3600 * 1000);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "vitnet/" VITNET_VERSION);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &exchanger::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &exchanger::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &exchanger::on_debug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, this);
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);  // for timings and -v; printed by on_debug only

    set_request(e, rq_, o_, headers);
  }

  // ---- curl's callbacks (never throw through curl: failures are kept for later) --------------

  static std::size_t on_header(char* data, std::size_t, std::size_t n, void* self_p) {
    auto* self = static_cast<exchanger*>(self_p);
    self->touch();
    std::string_view line(data, n);
    auto& r = self->r_;
    if (!self->first_byte_) {
      self->first_byte_ = true;
      r.time.first_byte = self->since_start();
    }
    if (self->headers_done_) return n;  // trailers
    if (read_head_line(r, line)) self->headers_end();
    return n;
  }

  void headers_end() {
    headers_done_ = true;
    fate_ = decide_(r_);
    if (fate_ == fate::discard) return;
    if (o_.include && !io_.json()) {  // with --json the document has the headers
      out_.pending += r_.head;
      if (transfer_) transfer_->poke();
    }
    if (fate_ != fate::keep) return;
    r_.body.clear();
    if (out_.k == sink::kind::file) {
      try {
        out_.file->truncate();
      } catch (const vitnet::error& e) {
        failure_ = e;
      }
    }
  }

  static std::size_t on_body(char* data, std::size_t, std::size_t n, void* self_p) {
    auto* self = static_cast<exchanger*>(self_p);
    self->touch();
    if (self->fate_ != fate::keep) return n;
    auto& out = self->out_;
    std::string_view chunk(data, n);
    switch (out.k) {
      case sink::kind::memory:
        if (out.memory_limit && self->r_.body.size() + n > out.memory_limit) {
          self->failure_ =
              vitnet::error(exit_code::protocol,
                            fmt::format("the response body passed {} bytes", out.memory_limit));
          return 0;  // curl stops with a write error
        }
        self->r_.body.append(chunk);
        break;
      case sink::kind::file: {
        try {
          out.file->write(chunk);
        } catch (const vitnet::error& e) {
          self->failure_ = e;
          return 0;  // curl stops with a write error
        }
        curl_off_t total = -1;
        curl_easy_getinfo(self->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &total);
        std::optional<std::uint64_t> expect;
        if (total >= 0) expect = static_cast<std::uint64_t>(total);
        out.bar.update(self->r_.size + n, expect, self->ctx_.now());
        break;
      }
      case sink::kind::stream:
        if (out.pending.size() >= pending_limit) {
          out.paused = true;  // curl hands this chunk over again once resumed
          self->transfer_->poke();
          return CURL_WRITEFUNC_PAUSE;
        }
        out.pending.append(chunk);
        self->transfer_->poke();
        break;
    }
    self->r_.size += n;
    return n;
  }

  static int on_debug(CURL*, curl_infotype type, char* data, std::size_t n, void* self_p) {
    auto* self = static_cast<exchanger*>(self_p);
    std::string_view text(data, n);
    switch (type) {
      case CURLINFO_HEADER_OUT:
        if (!self->request_sent_) {
          self->request_sent_ = true;
          if (self->rq_.where.tls) self->r_.time.tls = self->since_start();
        }
        self->touch();
        self->show_lines('>', text);
        break;
      case CURLINFO_HEADER_IN:
        self->touch();
        self->show_lines('<', text);
        break;
      case CURLINFO_TEXT:
        self->io_.verbose(2, "curl: {}", trim_line(text));
        break;
      default:  // data, TLS records
        self->touch();
        break;
    }
    return 0;
  }

  void show_lines(char direction, std::string_view text) {
    if (io_.options().verbosity < 1) return;
    while (!text.empty()) {
      auto nl = text.find('\n');
      std::string line = trim_line(text.substr(0, nl));
      if (!line.empty()) io_.verbose(1, "{} {}", direction, line);
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
  }

  // ---- output
  // -----------------------------------------------------------------------------------

  net::task<void> flush() {
    while (!out_.pending.empty()) {
      std::string chunk;
      chunk.swap(out_.pending);
      out_.stdout_used = true;
      flushing_ = true;
      auto wr = co_await ctx_.standard_output().write_all(chunk);
      flushing_ = false;
      if (rearm_idle_) {
        rearm_idle_ = false;
        arm_idle();
      } else {
        touch();
      }
      if (wr.ec) {
        // A reader of stdout that went away (| head) ends the transfer, as it ends a relay.
        if (core::errno_of(wr.ec) == EPIPE || net::is_cancelled(wr.ec)) {
          r_.output_closed = true;
          co_return;
        }
        vitnet::fail_os("write", "stdout", wr.ec);
      }
    }
  }

  net::context& ctx_;
  curl_multi& multi_;
  const options& o_;
  core::io& io_;
  sink& out_;
  const request& rq_;
  std::function<fate(const response&)> decide_;
  response r_;
  net::clock::time_point start_{};
  std::string peer_;
  char error_[CURL_ERROR_SIZE] = {};
  curl_multi::transfer* transfer_ = nullptr;
  std::unique_ptr<net::watchdog> idle_;
  expiry expired_ = expiry::none;
  fate fate_ = fate::discard;
  bool first_byte_ = false, headers_done_ = false, request_sent_ = false;
  bool flushing_ = false, rearm_idle_ = false;
  std::optional<vitnet::error> failure_;
  CURL* easy_ = nullptr;
};

}  // namespace

session::session(net::context& ctx) : ctx_(ctx) {
  load_libcurl();
  multi_ = std::make_unique<curl_multi>(ctx);
}

session::~session() = default;

net::task<response> exchange(session& s, const options& o, core::io& io, sink& out,
                             const request& rq, std::function<fate(const response&)> decide,
                             std::optional<net::clock::time_point> deadline) {
  exchanger x(s, o, io, out, rq, std::move(decide));
  co_return co_await x.run(deadline);
}

}  // namespace net::http_client

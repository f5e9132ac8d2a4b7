#include "commands/connect/http/client.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>

#include "commands/connect/http/report.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "net/http3/client.hpp"

// gcc 12 warns, wrongly, that a coroutine frame here is freed with a mismatched operator delete
// (asio's frame allocation seen through inlining; which frame depends on inlining choices).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace commands {

namespace {

using core::exit_code;
using net::task;
namespace hc = net::http_client;

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool transient_error(exit_code c) {
  return c == exit_code::no_host || c == exit_code::unavailable || c == exit_code::timeout;
}

bool same_origin(const net::endpoint& a, const net::endpoint& b) {
  return a.tls == b.tls && a.host == b.host && a.port == b.port;
}

class client {
 public:
  client(net::context& ctx, const net::endpoint& url, const http_options& o, core::io& io)
      : ctx_(ctx),
        url_(url),
        o_(o),
        io_(io),
        session_(ctx),
        out_(io, o.download  ? hc::sink::kind::file
                 : io.json() ? hc::sink::kind::memory
                             : hc::sink::kind::stream) {}

  task<int> run() {
    // Local files are checked before any byte goes out.
    for (const auto* f : {&o_.tls.ca_file, &o_.tls.cert_file, &o_.tls.key_file})
      if (!f->empty()) core::read_file(*f);
    if (o_.download) out_.file = std::make_unique<core::atomic_file>(*o_.download);
    if (o_.body) body_ = *o_.body;
    if (o_.body_from_stdin) body_ = co_await read_stdin();
    if (o_.tls.insecure) io_.warn("tls: certificate verification is off (--insecure)");

    auto start = url_;
    start.target = with_query(start.target, o_.query);
    hc::response r;
    net::duration delay = o_.retry_delay;
    int attempt = 0;
    for (;; ++attempt) {
      bool last = attempt >= o_.retry;
      std::optional<vitnet::error> failure;
      try {
        r = co_await fetch(start, last);
      } catch (const vitnet::error& e) {
        if (last || !transient_error(e.code()) || out_.stdout_used) throw;
        failure = e;
      }
      if (!failure && (last || !transient_status(r.status))) break;
      std::string why = failure ? std::string(failure->what())
                                : fmt::format("connect: {}: {} {}", r.url, r.status, r.reason);
      net::duration wait = delay;
      // A server that says when to come back is believed, up to a minute.
      if (!failure && r.retry_after)
        wait =
            std::max<net::duration>(wait, std::chrono::seconds(std::min<long>(*r.retry_after, 60)));
      io_.warn("{} (retry {}/{} in {})", why, attempt + 1, o_.retry, core::format_duration(wait));
      co_await ctx_.sleep(wait);
      delay = std::min<net::duration>(delay * 2, std::chrono::seconds(30));
    }
    if (r.output_closed) co_return 0;

    bool failed = o_.fail && r.status >= 400;
    if (out_.file) {
      out_.bar.finish();
      if (!failed) out_.file->commit();  // a --fail answer leaves no file behind
    }
    if (io_.json())
      io_.out(http::document(r, hops_, attempt + 1, o_.download.has_value(),
                             failed ? std::nullopt : o_.download)
                  .dump() +
              "\n");
    if (failed)
      vitnet::fail(exit_code::no, "connect: {}: {}{}{}", r.url, r.status,
                   r.reason.empty() ? "" : " ", r.reason);
    co_return 0;
  }

 private:
  // One attempt: the request, then each redirect it leads to.
  task<hc::response> fetch(const net::endpoint& start, bool last_attempt) {
    std::optional<net::clock::time_point> deadline;
    if (o_.timeout) deadline = ctx_.now() + *o_.timeout;
    hops_.clear();
    hc::request rq;
    rq.where = start;
    rq.send_body = o_.body || o_.body_from_stdin;
    rq.body = &body_;
    rq.method = !o_.method.empty() ? o_.method : rq.send_body ? "POST" : "GET";
    rq.headers = o_.headers;
    for (;;) {
      auto decide = [this, last_attempt](const hc::response& r) {
        if (!last_attempt && transient_status(r.status)) return hc::fate::discard;
        if (follows(r)) return hc::fate::headers_only;
        return hc::fate::keep;
      };
      auto r = co_await one_exchange(rq, decide, deadline);
      if (r.output_closed || !follows(r) || (!last_attempt && transient_status(r.status)))
        co_return r;
      if (r.location.empty())
        vitnet::fail(exit_code::protocol, "connect: {}: {} redirect without a usable Location",
                     r.url, r.status);
      if (static_cast<int>(hops_.size()) >= o_.max_redirs)
        vitnet::fail(exit_code::protocol, "connect: {}: more than {} redirects (--max-redirs)",
                     r.url, o_.max_redirs);
      hops_.push_back({r.url, r.status, r.location});
      std::string why;
      auto next = net::try_parse_endpoint(r.location, why);
      if (!next || !next->is_http())
        vitnet::fail(exit_code::protocol, "connect: {}: cannot follow the redirect to '{}'{}{}",
                     r.url, r.location, why.empty() ? " (not http or https)" : ": ", why);
      io_.verbose(1, "following a {} redirect to {}", r.status, r.location);
      // 303 always, and 301/302 after a POST, become a GET without a body, as browsers do.
      if ((r.status == 303 && rq.method != "HEAD") ||
          ((r.status == 301 || r.status == 302) && rq.method == "POST")) {
        rq.method = "GET";
        rq.send_body = false;
      }
      // Credentials given for one origin are not handed to another.
      if (!same_origin(rq.where, *next))
        std::erase_if(rq.headers, [](const std::string& h) {
          std::string name = h.substr(0, h.find_first_of(":;"));
          for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          return name == "authorization" || name == "cookie" || name == "proxy-authorization";
        });
      rq.where = *next;
    }
  }

  // HTTP/3 for https when asked (--http3 goes on over TCP when QUIC cannot be reached, as
  // curl's does; --http3-only does not), else libcurl.
  task<hc::response> one_exchange(const hc::request& rq,
                                  std::function<hc::fate(const hc::response&)> decide,
                                  std::optional<net::clock::time_point> deadline) {
    if ((o_.http3 || o_.http3_only) && rq.where.tls) {
      if (o_.http3_only || h3_works_)
        co_return co_await net::http3::exchange(ctx_, o_, io_, out_, rq, decide, deadline);
      std::optional<hc::response> got;
      auto failed = co_await net::failure_of([&]() -> task<void> {
        got = co_await net::http3::exchange(ctx_, o_, io_, out_, rq, decide, deadline);
      }());
      if (got) {
        h3_works_ = true;
        co_return std::move(*got);
      }
      if (out_.stdout_used) vitnet::fail(exit_code::protocol, "{}", *failed);
      io_.warn("{}; trying HTTP/1.1 over TCP", *failed);
    }
    co_return co_await hc::exchange(session_, o_, io_, out_, rq, decide, deadline);
  }

  // Whether `r` is a redirect this command follows. Its headers are enough to tell, so this
  // also decides, before the body comes, whether the body is shown.
  bool follows(const hc::response& r) const {
    auto location = [](const auto& h) { return ::strcasecmp(h.first.c_str(), "location") == 0; };
    return o_.max_redirs > 0 && is_redirect(r.status) &&
           (!r.location.empty() || std::any_of(r.headers.begin(), r.headers.end(), location));
  }

  task<std::string> read_stdin() {
    std::string data;
    std::vector<char> buf(65536);
    auto& in = ctx_.standard_input();
    for (;;) {
      auto rd = co_await in.read_some(buf);
      if (rd.ec) {
        if (!net::is_eof(rd.ec)) vitnet::fail_os("read", "stdin", rd.ec);
        break;
      }
      data.append(buf.data(), rd.n);
    }
    co_return data;
  }

  net::context& ctx_;
  const net::endpoint& url_;
  const http_options& o_;
  core::io& io_;
  net::http_client::session session_;
  hc::sink out_;
  std::string body_;
  std::vector<http::redirect_hop> hops_;
  bool h3_works_ = false;  // once HTTP/3 answered, redirects and retries keep to it
};

}  // namespace

std::string with_query(const std::string& target, const std::vector<std::string>& pairs) {
  auto encode = [](std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      bool plain = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
      out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
    }
    return out;
  };
  std::string out = target;
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (out.find('?') == std::string::npos)
      out += '?';
    else if (out.back() != '?' && out.back() != '&')
      out += '&';
    out += encode(std::string_view(p).substr(0, eq));
    if (eq != std::string::npos) out += "=" + encode(std::string_view(p).substr(eq + 1));
  }
  return out;
}

bool transient_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

task<int> run_http(net::context& ctx, const net::endpoint& url, const http_options& o,
                   core::io& io) {
  client c(ctx, url, o, io);
  co_return co_await c.run();
}

}  // namespace commands

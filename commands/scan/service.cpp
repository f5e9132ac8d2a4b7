// A second look at open TCP ports: what the service says first (--banners) and whether it speaks
// TLS, with whose certificate and until when (--tls). Open ports are few, so this runs on
// coroutines over the context, a bounded number at a time.
#include <algorithm>

#include "commands/scan/scan.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "net/tls/tls.hpp"
#include "net/x509/x509.hpp"

namespace commands {

namespace {

using namespace std::chrono_literals;

// How many open ports are looked at at once.
constexpr int service_workers = 32;
// A handshake gets this long; a TLS server answers a ClientHello at once.
constexpr net::duration handshake_wait = 3s;

std::string printable_line(std::string_view bytes) {
  std::string s;
  for (char c : bytes) {
    if (c == '\r' || c == '\n') {
      if (!s.empty()) break;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    s += (u >= 0x20 && u < 0x7f) ? c : '.';
    if (s.size() >= 120) break;
  }
  return s;
}

net::task<std::string> grab_banner(net::context& ctx, net::stream& s, net::duration wait) {
  char buf[512];
  auto read_within = [&](net::duration w) -> net::task<std::size_t> {
    net::watchdog wd(ctx, w, [&s] { s.cancel(); });
    auto r = co_await s.read_some(std::span<char>(buf, sizeof buf));
    wd.disarm();
    co_return r.ec ? 0 : r.n;
  };
  // A service that speaks first (SSH, SMTP, FTP, Redis errors...) says so within a short wait;
  // otherwise ask as HTTP, which most of the rest answer.
  std::size_t n = co_await read_within(wait);
  if (n == 0 && s.is_open()) {
    static constexpr std::string_view probe = "HEAD / HTTP/1.0\r\n\r\n";
    auto w = co_await s.write_all(std::span<const char>(probe.data(), probe.size()));
    if (!w.ec) n = co_await read_within(wait);
  }
  co_return printable_line(std::string_view(buf, n));
}

net::task<void> look_at(net::context& ctx, const scan_options& o, const scan_host& h,
                        std::uint16_t port, port_result& out) {
  net::endpoint where;
  where.host = h.ip.to_string();
  where.port = port;
  net::socket_address to{h.ip, port};
  auto wait = std::max<net::duration>(o.timeout, 1s);
  if (o.banners) {
    auto [ec, s] = co_await ctx.connect_once(where, &to, wait);
    if (!ec) {
      out.banner = co_await grab_banner(ctx, s, o.banner_wait);
      s.abort();
    }
  }
  if (!o.tls) co_return;
  auto [ec, s] = co_await ctx.connect_once(where, &to, wait);
  if (ec) co_return;
  net::tls_client_options tls;
  tls.insecure = true;  // a scan reports certificates; it does not judge them
  tls.server_name = h.name.empty() ? h.ip.to_string() : h.name;
  net::tls_info info;
  std::optional<net::stream> secured;
  try {
    secured = co_await net::tls_connect(ctx, std::move(s), tls, handshake_wait, &info);
  } catch (const vitnet::error&) {
    co_return;  // not TLS, or a handshake that failed: no TLS to report
  }
  out.tls_version = info.version;
  if (!info.peer_chain_pem.empty()) {
    try {
      auto c = net::x509::describe_cert(info.peer_chain_pem.front());
      out.tls_subject = c.subject;
      out.tls_issuer = c.issuer;
      out.tls_not_after = c.not_after;
      auto now =
          std::chrono::duration_cast<std::chrono::seconds>(ctx.calendar_now().time_since_epoch())
              .count();
      out.tls_days_left = (c.not_after_unix - now) / 86400;
    } catch (const vitnet::error&) {
    }
  }
  secured->abort();
}

}  // namespace

net::task<void> probe_services(net::context& ctx, const scan_options& o, scan_outcome& r) {
  if (!o.banners && !o.tls) co_return;
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < r.results.size(); ++i)
    if (r.results[i].state == port_state::open) open.push_back(i);
  std::size_t next = 0;
  int running = 0;
  auto done = ctx.make_timer();
  auto worker = [&]() -> net::task<void> {
    while (next < open.size()) {
      auto i = open[next++];
      co_await look_at(ctx, o, r.hosts[i / r.ports.size()], r.ports[i % r.ports.size()],
                       r.results[i]);
    }
    if (--running == 0) done->cancel();
  };
  int n = static_cast<int>(std::min<std::size_t>(open.size(), service_workers));
  running = n;
  for (int i = 0; i < n; ++i) ctx.start(worker());
  if (n > 0) {
    done->expires_after(std::chrono::hours(24 * 365));
    co_await done->wait();
  }
}

}  // namespace commands

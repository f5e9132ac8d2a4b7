// --udp: a datagram to each port. An ICMP port unreachable means closed, any answer means open,
// silence means open|filtered (a UDP service need not answer what it does not understand, and a
// firewall may drop either way). Well-known services get a probe they answer; others a QUIC
// packet of a version nobody speaks, which a QUIC server answers with Version Negotiation
// (RFC 9000 6) and so shows itself as "quic"; anything else ignores it as it would an empty
// datagram.
#include <cerrno>

#include "commands/scan/scan.hpp"
#include "commands/scan/schedule.hpp"
#include "core/error.hpp"
#include "core/exit_code.hpp"
#include "net/deadline.hpp"
#include "net/quic/quic.hpp"

namespace commands {

namespace {

std::string udp_payload(std::uint16_t port) {
  using namespace std::string_literals;
  switch (port) {
    case 53:  // DNS: a query for the root's NS records, recursion desired
      return "\x76\x6e\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01"s;
    case 123:  // NTP: a version 4 client request
      return "\x23"s + std::string(47, '\0');
    case 161:  // SNMP v1 get-request of sysDescr.0, community "public"
      return "\x30\x26\x02\x01\x00\x04\x06public\xa0\x19\x02\x01\x01\x02\x01\x00\x02\x01\x00"
             "\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00"s;
    default:
      return {};
  }
}

struct udp_scan {
  net::context& ctx;
  const scan_options& o;
  scan_outcome& r;
  scan_permutation perm;
  std::uint64_t total, next, step;
  bool permuted;
  scan_progress& progress;
  int running = 0;
  net::clock::time_point next_slot{};
  std::unique_ptr<net::timer> done = ctx.make_timer();

  std::optional<std::uint64_t> take() {
    if (next >= total) return std::nullopt;
    auto pos = next;
    next += step;
    return permuted ? perm(pos) : pos;
  }

  // --rate: probes leave at evenly spaced times.
  net::task<void> pace() {
    if (o.rate <= 0) co_return;
    auto interval =
        std::chrono::duration_cast<net::duration>(std::chrono::duration<double>(1.0 / o.rate));
    auto now = ctx.now();
    auto slot = std::max(now, next_slot);
    next_slot = slot + interval;
    if (slot > now) co_await ctx.sleep(slot - now);
  }

  net::task<port_state> probe_once(const net::socket_address& to, const std::string& payload,
                                   std::string* service) {
    net::datagram_socket sock;
    try {
      sock = co_await ctx.connect_datagram(to);
    } catch (const vitnet::error&) {
      co_return port_state::filtered;
    }
    auto sent = co_await sock.send(std::span<const char>(payload.data(), payload.size()));
    if (sent)
      co_return core::errno_of(sent) == ECONNREFUSED ? port_state::closed : port_state::filtered;
    char buf[1500];
    net::watchdog wd(ctx, o.timeout, [&sock] { sock.cancel(); });
    auto got = co_await sock.receive_from(std::span<char>(buf, sizeof buf));
    bool timed_out = wd.fired();
    wd.disarm();
    if (!got.ec) {
      if (net::is_version_negotiation(std::span<const char>(buf, got.n))) *service = "quic";
      co_return port_state::open;
    }
    if (timed_out) co_return port_state::open_filtered;
    int e = core::errno_of(got.ec);
    if (e == ECONNREFUSED) co_return port_state::closed;
    co_return port_state::filtered;
  }

  net::task<void> worker() {
    while (auto i = take()) {
      auto& h = r.hosts[*i / r.ports.size()];
      auto port = r.ports[*i % r.ports.size()];
      net::socket_address to{h.ip, port};
      auto payload = udp_payload(port);
      if (payload.empty()) payload = net::version_probe(ctx);
      std::string service;
      auto t0 = ctx.now();
      port_state s = port_state::open_filtered;
      for (int attempt = 0; attempt <= o.retries && s == port_state::open_filtered; ++attempt) {
        co_await pace();
        s = co_await probe_once(to, payload, &service);
        ++r.probes_sent;
      }
      r.results[*i].state = s;
      r.results[*i].service = service;
      if (s == port_state::open || s == port_state::closed) r.results[*i].rtt = ctx.now() - t0;
      progress.done.fetch_add(1, std::memory_order_relaxed);
      if (s == port_state::open) progress.open.fetch_add(1, std::memory_order_relaxed);
    }
    if (--running == 0) done->cancel();
  }
};

}  // namespace

net::task<void> scan_udp(net::context& ctx, const scan_options& o, scan_outcome& r,
                         scan_progress& progress) {
  std::uint64_t total = static_cast<std::uint64_t>(r.hosts.size()) * r.ports.size();
  udp_scan u{ctx,
             o,
             r,
             scan_permutation(total, o.seed),
             total,
             static_cast<std::uint64_t>(o.shard_index - 1),
             static_cast<std::uint64_t>(o.shard_count),
             o.randomize || o.shard_count > 1,
             progress};
  int n = scan_concurrency(o, r.planned);
  r.concurrency = n;
  u.running = n;
  for (int i = 0; i < n; ++i) ctx.start(u.worker());
  while (u.running > 0) {
    u.done->expires_after(std::chrono::hours(24 * 365));
    co_await u.done->wait();
  }
}

}  // namespace commands

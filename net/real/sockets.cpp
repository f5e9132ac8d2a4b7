// The real backend's name resolution, connections, listeners and datagram sockets.
#include "net/real/state.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "net/nothrow.hpp"
#include "net/probe.hpp"
#include "net/socket_impls.hpp"
#include "net/stream_impl.hpp"

extern char** environ;

namespace net {

// ---- name resolution
// -----------------------------------------------------------------------------

namespace {
// getaddrinfo cannot be cancelled, so it runs on a thread of its own and the caller waits for it
// or for the deadline, whichever comes first; an abandoned lookup finishes into the void.
struct lookup {
  std::mutex m;
  bool done = false;
  bool abandoned = false;
  int rc = 0;
  std::vector<ip_address> out;
  asio::steady_timer* wake = nullptr;  // touched only on the event loop's thread
};
}  // namespace

task<std::vector<ip_address>> real_context::system_resolve(std::string host, duration deadline) {
  if (auto ip = ip_address::parse(host)) co_return std::vector<ip_address>{*ip};
  if (auto it = s_->host_names.find(host); it != s_->host_names.end())
    co_return std::vector<ip_address>{it->second};
  auto st = std::make_shared<lookup>();
  asio::steady_timer timer(s_->io);
  timer.expires_after(deadline);
  st->wake = &timer;
  struct guard {
    std::shared_ptr<lookup> st;
    ~guard() {
      std::lock_guard lk(st->m);
      st->wake = nullptr;
      if (!st->done) st->abandoned = true;
    }
  } g{st};
  std::thread([st, host, ex = s_->io.get_executor()] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    std::vector<ip_address> out;
    for (auto* p = res; rc == 0 && p != nullptr; p = p->ai_next) {
      if (p->ai_family == AF_INET) {
        auto* sin = reinterpret_cast<sockaddr_in*>(p->ai_addr);
        out.push_back(ip_address::v4(ntohl(sin->sin_addr.s_addr)));
      } else if (p->ai_family == AF_INET6) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(p->ai_addr);
        std::array<std::uint8_t, 16> b;
        std::memcpy(b.data(), &sin6->sin6_addr, 16);
        out.push_back(ip_address::v6(b));
      }
    }
    if (res) ::freeaddrinfo(res);
    std::lock_guard lk(st->m);
    if (st->abandoned) return;
    st->done = true;
    st->rc = rc;
    st->out = std::move(out);
    asio::post(ex, [st] {
      if (st->wake) st->wake->cancel();
    });
  }).detach();
  co_await timer.async_wait(nothrow);
  std::lock_guard lk(st->m);
  if (!st->done)
    vitnet::fail(core::exit_code::timeout, "resolve: {}: no answer within {}", host,
                 core::format_duration(deadline));
  if (st->rc == EAI_NONAME || st->rc == EAI_NODATA || (st->rc == 0 && st->out.empty()))
    vitnet::fail(core::exit_code::no_host, "resolve: {}: unknown host", host);
  if (st->rc == EAI_AGAIN)
    vitnet::fail(core::exit_code::no_host, "resolve: {}: temporary failure in name resolution",
                 host);
  if (st->rc != 0)
    vitnet::fail(core::exit_code::no_host, "resolve: {}: {}", host, ::gai_strerror(st->rc));
  co_return std::move(st->out);
}

// ---- connect and listen
// --------------------------------------------------------------------------

namespace {

asio::local::stream_protocol::endpoint unix_endpoint(const endpoint& e) {
  if (e.abstract) return asio::local::stream_protocol::endpoint(std::string(1, '\0') + e.path);
  return asio::local::stream_protocol::endpoint(e.path);
}

// A connect's deadline is a plain timer whose handler cancels the socket: no coroutine of its own,
// since a scan makes tens of thousands of these. `state` outlives the frame if the handler is late.
template <typename Socket, typename Endpoint>
task<std::error_code> connect_within(asio::io_context& io, Socket& s, Endpoint ep,
                                     duration timeout) {
  struct state {
    bool armed = true, fired = false;
  };
  auto st = std::make_shared<state>();
  asio::steady_timer t(io);
  t.expires_after(timeout);
  t.async_wait([st, &s](std::error_code ec) {
    if (ec || !st->armed) return;
    st->fired = true;
    std::error_code ignored;
    s.cancel(ignored);
  });
  auto [ec] = co_await s.async_connect(ep, nothrow);
  st->armed = false;
  t.cancel();
  if (st->fired) co_return std::make_error_code(std::errc::timed_out);
  co_return ec;
}

}  // namespace

task<std::pair<std::error_code, stream>> real_context::connect_once(const endpoint& where,
                                                                    const socket_address* ip,
                                                                    duration timeout,
                                                                    const ip_address* source) {
  using result = std::pair<std::error_code, stream>;
  if (where.is_unix()) {
    asio::local::stream_protocol::socket s(s_->io);
    auto ec = co_await connect_within(s_->io, s, unix_endpoint(where), timeout);
    if (ec) co_return result{ec, stream{}};
    s.non_blocking(true, ec);
    co_return result{std::error_code{},
                     stream(std::make_unique<stream::impl>(std::move(s), where.display()))};
  }
  asio::ip::tcp::socket s(s_->io);
  socket_address to = *ip;
  if (auto it = s_->redirects.find(to); it != s_->redirects.end()) to = it->second;
  asio::ip::tcp::endpoint ep(to_asio(to.ip), to.port);
  std::error_code ec;
  std::optional<asio::ip::address> from;
  if (source)
    from = to_asio(*source);
  else if (s_->own_address && ep.address().is_v4())
    from = s_->own_address;  // a scenario host's own
  if (from) {
    // Peers see who connects: a scenario host, or the client a proxy relays for.
    s.open(from->is_v4() ? asio::ip::tcp::v4() : asio::ip::tcp::v6(), ec);
    if (!ec) s.bind(asio::ip::tcp::endpoint(*from, 0), ec);
    if (ec) co_return result{ec, stream{}};
  }
  ec = co_await connect_within(s_->io, s, ep, timeout);
  if (ec) co_return result{ec, stream{}};
  std::error_code ignored;
  s.set_option(asio::ip::tcp::no_delay(true), ignored);
  s.non_blocking(true, ignored);
  auto i = std::make_unique<stream::impl>(std::move(s), ip->to_string());
  i->peer = *ip;
  co_return result{std::error_code{}, stream(std::move(i))};
}

namespace {

// The address to bind for a listening endpoint: "any" (dual-stack) when no host is given, or
// the scenario host's own address on the loopback backend.
task<asio::ip::address> bind_address(context& ctx, const endpoint& where,
                                     const std::optional<asio::ip::address>& own) {
  if (where.host.empty()) co_return own ? *own : asio::ip::address(asio::ip::address_v6::any());
  auto addrs = co_await ctx.resolve(where.host, std::chrono::seconds(10));
  // Prefer IPv4 for a name such as "localhost", which is what most clients try first.
  for (auto& a : addrs)
    if (a.is_v4()) co_return to_asio(a);
  co_return to_asio(addrs.front());
}

[[noreturn]] void fail_listen(const endpoint& where, const std::error_code& ec) {
  vitnet::fail_os("listen", where.display(), ec);
}

}  // namespace

task<listener> real_context::listen(const endpoint& where, listen_options opts) {
  std::error_code ec;
  if (where.is_unix()) {
    asio::local::stream_protocol::acceptor a(s_->io);
    auto ep = unix_endpoint(where);
    if (!where.abstract) {
      struct stat st {};
      if (::lstat(where.path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
          vitnet::fail(core::exit_code::unavailable, "listen: {}: file exists and is not a socket",
                       where.path);
        // A socket file nobody answers on is left over from an earlier run: replace it.
        asio::local::stream_protocol::socket probe(s_->io);
        probe.connect(ep, ec);
        if (!ec) fail_listen(where, std::make_error_code(std::errc::address_in_use));
        if (core::errno_of(ec) == ECONNREFUSED) ::unlink(where.path.c_str());
        ec.clear();
      }
    }
    a.open(asio::local::stream_protocol(), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(opts.backlog, ec);
    if (ec) fail_listen(where, ec);
    auto i = std::make_unique<listener::impl>(std::move(a), where);
    if (!where.abstract) own_socket_file(*i, where.path);
    co_return listener(std::move(i));
  }
  auto addr = co_await bind_address(*this, where, s_->own_address);
  asio::ip::tcp::acceptor a(s_->io);
  asio::ip::tcp::endpoint ep(addr, where.port);
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && opts.reuse_port) {
    int one = 1;
    if (::setsockopt(a.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
      ec = std::error_code(errno, std::generic_category());
  }
  if (!ec && addr.is_v6() && addr.is_unspecified()) a.set_option(asio::ip::v6_only(false), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(opts.backlog, ec);
  if (ec) fail_listen(where, ec);
  auto i = std::make_unique<listener::impl>(std::move(a), where);
  i->local.port = i->local.port ? i->local.port : std::get<0>(i->a).local_endpoint(ec).port();
  if (where.host.empty() && s_->own_address) i->local.host = s_->own_address->to_string();
  co_return listener(std::move(i));
}

task<datagram_socket> real_context::bind_datagram(const endpoint& local) {
  auto addr = co_await bind_address(*this, local, s_->own_address);
  asio::ip::udp::socket s(s_->io);
  asio::ip::udp::endpoint ep(addr, local.port);
  std::error_code ec;
  s.open(ep.protocol(), ec);
  if (!ec && addr.is_v6() && addr.is_unspecified()) s.set_option(asio::ip::v6_only(false), ec);
  if (!ec) s.bind(ep, ec);
  if (ec) vitnet::fail_os("bind", local.display(), ec);
  endpoint bound = local;
  bound.port = s.local_endpoint(ec).port();
  co_return datagram_socket(std::make_unique<datagram_socket::impl>(std::move(s), bound));
}

task<datagram_socket> real_context::connect_datagram(const socket_address& peer) {
  asio::ip::udp::socket s(s_->io);
  socket_address to = peer;
  if (auto it = s_->redirects.find(to); it != s_->redirects.end()) to = it->second;
  asio::ip::udp::endpoint ep(to_asio(to.ip), to.port);
  std::error_code ec;
  s.open(ep.protocol(), ec);
  if (!ec && s_->own_address && ep.address().is_v4())
    s.bind(asio::ip::udp::endpoint(*s_->own_address, 0), ec);
  if (!ec) s.connect(ep, ec);
  if (ec) vitnet::fail_os("connect", peer.to_string(), ec);
  auto local = s.local_endpoint(ec);
  endpoint bound{transport::udp, from_asio(local.address()).to_string(), local.port(), {}, false};
  co_return datagram_socket(std::make_unique<datagram_socket::impl>(std::move(s), bound));
}

}  // namespace net

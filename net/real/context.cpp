#include "net/real/context.hpp"

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

unsigned long raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur;
}

struct real_context::state {
  std::set<pid_t> children;  // outlives the io_context, whose teardown may still reap children
  asio::io_context io{1};    // destroyed after everything below, which uses it
  std::unique_ptr<stream> in, out;
  std::unique_ptr<asio::signal_set>
      hangup;  // made on first use: until then SIGHUP keeps its default
  // A scenario host on the loopback backend (`vitnet test net --net loopback`): the address this
  // process listens and connects from, and the scenario's host names.
  std::optional<asio::ip::address> own_address;
  std::map<std::string, ip_address> host_names;
  // Connections to an address and port that go elsewhere: to the proxy realising a fault there.
  std::map<socket_address, socket_address> redirects;
  int saved_flags[2] = {-1, -1};
};

namespace {

class real_timer final : public timer {
 public:
  explicit real_timer(asio::io_context& io) : t_(io) {}
  void expires_after(duration d) override { t_.expires_after(d); }
  task<bool> wait() override {
    auto [ec] = co_await t_.async_wait(nothrow);
    co_return !ec;
  }
  void cancel() override { t_.cancel(); }

 private:
  asio::steady_timer t_;
};

class real_child final : public child_process {
 public:
  real_child(asio::io_context& io, std::set<pid_t>& live, pid_t pid, int in_fd, int out_fd)
      : io_(io),
        live_(live),
        pid_(pid),
        in_(std::unique_ptr<stream::impl>(
            make_fd_impl(io.get_executor(), in_fd, "child stdin", true))),
        out_(std::unique_ptr<stream::impl>(
            make_fd_impl(io.get_executor(), out_fd, "child stdout", true))) {}
  ~real_child() override {
    if (!reaped_) {
      ::kill(pid_, SIGTERM);
      int st;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) live_.erase(pid_);
    }
  }
  stream& stdin_stream() override { return in_; }
  stream& stdout_stream() override { return out_; }

  task<int> wait() override {
    if (reaped_) co_return status_;
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) {
      asio::posix::stream_descriptor d(io_, pidfd);
      co_await d.async_wait(asio::posix::stream_descriptor::wait_read, nothrow);
    }
    asio::steady_timer t(io_);
    for (;;) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        live_.erase(pid_);
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        co_return status_;
      }
      if (r < 0) {
        reaped_ = true;
        co_return status_ = 127;
      }
      // Without pidfd (old kernels), poll.
      t.expires_after(std::chrono::milliseconds(10));
      auto [ec] = co_await t.async_wait(nothrow);
      if (ec) co_return -1;
    }
  }

  void kill(int signal) override {
    if (!reaped_) ::kill(pid_, signal);
  }

 private:
  asio::io_context& io_;
  std::set<pid_t>& live_;  // the context's children not yet reaped, signalled on shutdown
  pid_t pid_;
  stream in_, out_;
  bool reaped_ = false;
  int status_ = -1;
};

}  // namespace

real_context::real_context() : s_(std::make_unique<state>()) {
  ::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  // asio makes stdin and stdout non-blocking; put them back as they were on the way out, since
  // the terminal or pipe is shared with the shell.
  for (int fd : {0, 1}) s_->saved_flags[fd] = ::fcntl(fd, F_GETFL);
  if (const char* a = std::getenv("VITNET_HOST_ADDR"))
    if (auto ip = ip_address::parse(a)) s_->own_address = to_asio(*ip);
  if (const char* r = std::getenv("VITNET_REDIRECT")) {
    // "127.0.0.2:7000=127.0.0.200:7000,..."
    std::string_view rest = r;
    auto parse = [](std::string_view t) -> std::optional<socket_address> {
      auto hp = split_host_port(t);
      if (!hp) return std::nullopt;
      auto ip = ip_address::parse(hp->host);
      auto port = parse_port(hp->port);
      if (!ip || !port) return std::nullopt;
      return socket_address{*ip, *port};
    };
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      auto eq = item.find('=');
      if (eq != std::string_view::npos) {
        auto a = parse(item.substr(0, eq)), b = parse(item.substr(eq + 1));
        if (a && b) s_->redirects[*a] = *b;
      }
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  if (const char* names = std::getenv("VITNET_HOSTS")) {
    // "server=127.0.0.2,client=127.0.0.3"
    std::string_view rest = names;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      auto eq = item.find('=');
      if (eq != std::string_view::npos)
        if (auto ip = ip_address::parse(item.substr(eq + 1)))
          s_->host_names[std::string(item.substr(0, eq))] = *ip;
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
}

real_context::~real_context() {
  for (pid_t p : s_->children) ::kill(p, SIGTERM);
  s_->in.reset();
  s_->out.reset();
  for (int fd : {0, 1})
    if (s_->saved_flags[fd] >= 0) ::fcntl(fd, F_SETFL, s_->saved_flags[fd]);
}

int real_context::run(std::function<task<int>(context&)> main) {
  auto& io = s_->io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool interrupted = false;
  signals.async_wait([&](std::error_code ec, int) {
    if (ec) return;
    interrupted = true;
    io.stop();
  });
  std::exception_ptr failure;
  int status = 0;
  asio::co_spawn(io, main(*this), [&](std::exception_ptr e, int rc) {
    failure = e;
    status = rc;
    signals.cancel();
    io.stop();
  });
  io.run();
  if (interrupted) {
    for (pid_t p : s_->children) ::kill(p, SIGTERM);
    return core::to_int(core::exit_code::interrupted);
  }
  if (failure) std::rethrow_exception(failure);
  return status;
}

clock::time_point real_context::now() const {
  return clock::now();
}

std::unique_ptr<timer> real_context::make_timer() {
  return std::make_unique<real_timer>(s_->io);
}

void real_context::start(task<void> t) {
  asio::co_spawn(s_->io, std::move(t), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      core::write_fd_all(2, fmt::format("vitnet: internal error: {}\n", x.what()));
    }
  });
}

int real_context::fork_workers(int extra) {
  auto& io = s_->io;
  io.notify_fork(asio::execution_context::fork_prepare);
  for (int i = 1; i <= extra; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      // A copy ends with the original, whichever way the original goes.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      s_->children.clear();  // the original's children are not this copy's
      io.notify_fork(asio::execution_context::fork_child);
      return i;
    }
    if (pid > 0) s_->children.insert(pid);
  }
  io.notify_fork(asio::execution_context::fork_parent);
  return 0;
}

int real_context::probe_workers() const {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

task<void> real_context::run_probes(std::vector<probe_source*> sources) {
  // One epoll loop per source, each on its own thread; the last to finish wakes this coroutine.
  // The shared block outlives this frame if the command is interrupted: the threads are told to
  // stop and joined before the frame goes, and a wake-up posted late finds the timer gone.
  struct shared {
    std::atomic<bool> stop{false};
    std::atomic<int> running{0};
    std::mutex m;
    asio::steady_timer* timer = nullptr;
  };
  auto sh = std::make_shared<shared>();
  asio::steady_timer done(s_->io, asio::steady_timer::time_point::max());
  sh->timer = &done;
  sh->running = static_cast<int>(sources.size());
  std::vector<std::thread> threads;
  struct joiner {
    std::shared_ptr<shared> sh;
    std::vector<std::thread>& t;
    ~joiner() {
      {
        std::lock_guard lk(sh->m);
        sh->stop = true;
        sh->timer = nullptr;
      }
      for (auto& x : t) x.join();
    }
  } join{sh, threads};
  auto& io = s_->io;
  for (auto* src : sources)
    threads.emplace_back([sh, src, &io] {
      drive_probes_epoll(*src, sh->stop);
      std::lock_guard lk(sh->m);
      // Once stop is set the io_context may be going away: post nothing into it.
      if (--sh->running == 0 && !sh->stop)
        asio::post(io, [sh] {
          std::lock_guard lk(sh->m);
          if (sh->timer) sh->timer->cancel();
        });
    });
  co_await done.async_wait(nothrow);
}

task<bool> real_context::wait_reload() {
  if (!s_->hangup) s_->hangup = std::make_unique<asio::signal_set>(s_->io, SIGHUP);
  auto [ec, signo] = co_await s_->hangup->async_wait(nothrow);
  co_return !ec;
}

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

task<std::vector<ip_address>> real_context::resolve(std::string host, duration deadline) {
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
    if (!where.abstract) i->unlink_path = where.path;
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

// ---- stdio and children
// --------------------------------------------------------------------------

stream& real_context::standard_input() {
  if (!s_->in)
    s_->in = std::make_unique<stream>(
        std::unique_ptr<stream::impl>(make_fd_impl(s_->io.get_executor(), 0, "stdin", false)));
  return *s_->in;
}

stream& real_context::standard_output() {
  if (!s_->out)
    s_->out = std::make_unique<stream>(
        std::unique_ptr<stream::impl>(make_fd_impl(s_->io.get_executor(), 1, "stdout", false)));
  return *s_->out;
}

std::unique_ptr<fd_watch> real_context::watch_fd(int fd) {
  return make_fd_watch(s_->io, fd);
}

std::unique_ptr<child_process> real_context::spawn(const spawn_options& opts) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0)
    vitnet::fail_os("exec", opts.command, {errno, std::generic_category()});
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    vitnet::fail_os("exec", opts.command, {errno, std::generic_category()});
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  // Nothing else of vitnet's: a child holding another peer's socket would keep that connection
  // open after vitnet closed it (stderr, 2, is shared on purpose).
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // vitnet ignores SIGPIPE; its children should not inherit that
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && opts.env.count(std::string(kv.substr(0, eq)))) continue;
    env_store.emplace_back(kv);
  }
  for (auto& [k, v] : opts.env) env_store.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_store) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = opts.command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]), ::close(out[0]);
    vitnet::fail_os("exec", opts.command, {rc, std::generic_category()});
  }
  s_->children.insert(pid);
  return std::make_unique<real_child>(s_->io, s_->children, pid, in[1], out[0]);
}

}  // namespace net

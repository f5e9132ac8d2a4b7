#include <fcntl.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
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
#include <cstring>
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
#include "net/quic/quic.hpp"
#include "net/real/loopback_env.hpp"
#include "net/real/state.hpp"
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

namespace {

class real_timer final : public timer {
 public:
  explicit real_timer(asio::io_context& io) : t_(io) {}
  void expires_after(duration d) override { t_.expires_after(d); }
  void expires_never() override { t_.expires_at(asio::steady_timer::time_point::max()); }
  task<bool> wait() override {
    auto [ec] = co_await t_.async_wait(nothrow);
    co_return !ec;
  }
  void cancel() override { t_.cancel(); }

 private:
  asio::steady_timer t_;
};

}  // namespace

real_context::real_context() : s_(std::make_unique<state>()) {
  ::signal(SIGPIPE, SIG_IGN);
  fd_limit_ = raise_fd_limit();
  // asio makes stdin and stdout non-blocking; put them back as they were on the way out, since
  // the terminal or pipe is shared with the shell.
  for (int fd : {0, 1}) s_->saved_flags[fd] = ::fcntl(fd, F_GETFL);
  if (const char* a = std::getenv("VITNET_HOST_ADDR"))
    if (auto ip = ip_address::parse(a)) s_->own_address = to_asio(*ip);
  if (const char* r = std::getenv("VITNET_REDIRECT")) s_->redirects = parse_redirects(r);
  if (const char* names = std::getenv("VITNET_HOSTS")) s_->host_names = parse_host_names(names);
}

real_context::~real_context() {
  if (!s_) return;  // run() ended and left its state as it was
  for (pid_t p : s_->children) ::kill(-p, SIGTERM), ::kill(p, SIGTERM);
  s_->in.reset();
  s_->out.reset();
  for (int fd : {0, 1})
    if (s_->saved_flags[fd] >= 0) ::fcntl(fd, F_SETFL, s_->saved_flags[fd]);
}

namespace {
// Contexts whose run() ended, kept reachable (so leak checkers see no leak), never destroyed.
std::vector<std::unique_ptr<real_context::state>>& abandoned() {
  static auto* kept = new std::vector<std::unique_ptr<real_context::state>>();
  return *kept;
}
}  // namespace

std::uint64_t real_context::on_shutdown(std::function<void()> f) {
  auto id = ++s_->next_hook;
  s_->shutdown_hooks.emplace(id, std::move(f));
  return id;
}

void real_context::forget_shutdown(std::uint64_t id) {
  if (s_) s_->shutdown_hooks.erase(id);
}

int real_context::run(std::function<task<int>(context&)> main) {
  auto& io = s_->io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool interrupted = false;
  asio::steady_timer grace(io);
  signals.async_wait([&](std::error_code ec, int) {
    if (ec) return;
    interrupted = true;
    if (s_->shutdown_hooks.empty()) return io.stop();
    // Goodbyes first (close frames queued), a moment to write them, then the end.
    auto hooks = std::move(s_->shutdown_hooks);
    for (auto& [id, f] : hooks) f();
    grace.expires_after(std::chrono::milliseconds(300));
    grace.async_wait([&](std::error_code) { io.stop(); });
  });
  std::exception_ptr failure;
  int status = 0;
  // QUIC connections still delivering what was written are given up to 3 s to finish (a TCP
  // connection's kernel does that after the process is gone).
  asio::steady_timer linger(io);
  auto linger_until = clock::now() + std::chrono::seconds(3);
  std::function<void()> wait_lingering = [&] {
    if (quic_lingering() == 0 || clock::now() >= linger_until) return io.stop();
    linger.expires_after(std::chrono::milliseconds(5));
    linger.async_wait([&](std::error_code) { wait_lingering(); });
  };
  asio::co_spawn(io, main(*this), [&](std::exception_ptr e, int rc) {
    failure = e;
    status = rc;
    signals.cancel();
    linger_until = clock::now() + std::chrono::seconds(3);
    wait_lingering();
  });
  io.run();
  // The process ends now. Coroutines still pending (connections, timers) are left as they are,
  // not destroyed: destroying them would run in no particular order, and a connection's frame
  // would reach into the server that owned it, already gone (a crash on SIGTERM with a
  // connection open). What must happen at the end happens here instead.
  for (pid_t p : s_->children) ::kill(-p, SIGTERM), ::kill(p, SIGTERM);  // groups; workers
  remove_own_socket_files();
  for (int fd : {0, 1})  // the terminal as it was (blocking), for the shell
    if (s_->saved_flags[fd] >= 0) ::fcntl(fd, F_SETFL, s_->saved_flags[fd]);
  abandoned().push_back(std::move(s_));
  if (interrupted) return core::to_int(core::exit_code::interrupted);
  if (failure) std::rethrow_exception(failure);
  return status;
}

clock::time_point real_context::now() const {
  return clock::now();
}

std::unique_ptr<timer> real_context::make_timer() {
  return std::make_unique<real_timer>(s_->io);
}

namespace {

void random_bytes(std::uint8_t* out, std::size_t n) {
  if (::RAND_bytes(out, static_cast<int>(n)) != 1)
    vitnet::fail(core::exit_code::internal, "random: the system's generator failed");
}

// Small draws (a WebSocket client's mask for every frame) come from a page of the generator's
// bytes, refilled when used up: RAND_bytes checks the process id on each call, a system call
// per frame. The page is wiped in a forked child (MADV_WIPEONFORK), where `left` then reads 0:
// a worker process never reuses its parent's bytes. Without that (kernels before 4.14), every
// draw goes to RAND_bytes.
struct random_page {
  std::size_t left;  // unused bytes at the end of `bytes`
  std::uint8_t bytes[4096 - sizeof(std::size_t)];
};
static_assert(sizeof(random_page) == 4096);

random_page* this_threads_page() {
  thread_local random_page* page = [] {
    void* p = ::mmap(nullptr, sizeof(random_page), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return static_cast<random_page*>(nullptr);
    if (::madvise(p, sizeof(random_page), MADV_WIPEONFORK) != 0) {
      ::munmap(p, sizeof(random_page));
      return static_cast<random_page*>(nullptr);
    }
    return static_cast<random_page*>(p);  // zeroed: left == 0
  }();
  return page;
}

}  // namespace

void real_context::random(std::span<std::uint8_t> out) {
  auto* page = out.size() <= 64 ? this_threads_page() : nullptr;
  if (!page) return random_bytes(out.data(), out.size());
  if (page->left < out.size()) {
    random_bytes(page->bytes, sizeof page->bytes);
    page->left = sizeof page->bytes;
  }
  std::uint8_t* from = page->bytes + sizeof page->bytes - page->left;
  std::memcpy(out.data(), from, out.size());
  std::memset(from, 0, out.size());  // used bytes do not stay behind in memory
  page->left -= out.size();
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
    std::string failure;  ///< the first driver's that could not run
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
  auto finished = [sh, &io] {
    std::lock_guard lk(sh->m);
    // Once stop is set the io_context may be going away: post nothing into it.
    if (--sh->running == 0 && !sh->stop)
      asio::post(io, [sh] {
        std::lock_guard lk(sh->m);
        if (sh->timer) sh->timer->cancel();
      });
  };
  for (auto* src : sources) {
    try {
      threads.emplace_back([sh, src, finished] {
        auto why = drive_probes_epoll(*src, sh->stop);
        if (!why.empty()) {
          std::lock_guard lk(sh->m);
          if (sh->failure.empty()) sh->failure = why;
        }
        finished();
      });
    } catch (const std::system_error& e) {
      // No thread (out of memory or processes): this source goes undriven, and the scan says so.
      std::unique_lock lk(sh->m);
      if (sh->failure.empty()) sh->failure = std::string("starting a probe thread: ") + e.what();
      lk.unlock();
      finished();
    }
  }
  co_await done.async_wait(nothrow);
  std::string failure;
  {
    std::lock_guard lk(sh->m);
    failure = sh->failure;
  }
  if (!failure.empty()) vitnet::fail(core::exit_code::io, "{}", failure);
}

task<bool> real_context::wait_reload() {
  if (!s_->hangup) s_->hangup = std::make_unique<asio::signal_set>(s_->io, SIGHUP);
  auto [ec, signo] = co_await s_->hangup->async_wait(nothrow);
  co_return !ec;
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

}  // namespace net

#include "core/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/error.hpp"

extern char** environ;

namespace core {

std::pair<pid_t, std::error_code> spawn(const spawn_spec& s) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (int i = 0; i < 3; ++i)
    if (s.fds[i] >= 0) posix_spawn_file_actions_adddup2(&fa, s.fds[i], i);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  // Its own process group, so that ending it ends what it started too ("a | b", a script's
  // children): signals go to the group.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  if (!s.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, s.cwd.c_str());

  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && s.env.count(std::string(kv.substr(0, eq)))) continue;
    env.emplace_back(kv);
  }
  for (auto& [k, v] : s.env) env.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = s.argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = s.search_path ? ::posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data())
                         : ::posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return {-1, std::error_code(rc, std::generic_category())};
  return {pid, {}};
}

child::child(const child_spec& spec) : input_(spec.input) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
    vitnet::fail_os("spawn", spec.argv.at(0), {errno, std::generic_category()});
  spawn_spec ss{spec.argv, spec.env, {in[0], out[1], err[1]}, spec.cwd, spec.search_path};
  auto [pid, ec] = spawn(ss);
  pid_ = pid;
  ::close(in[0]), ::close(out[1]), ::close(err[1]);
  in_ = in[1], out_ = out[0], err_ = err[0];
  for (int fd : {in_, out_, err_}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (ec) {
    for (int fd : {in_, out_, err_}) ::close(fd);  // the destructor will not run
    vitnet::fail_os("spawn", spec.argv.at(0), ec);
  }
  if (input_.empty()) ::close(std::exchange(in_, -1));
}

child::~child() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);  // the group: what the program started goes with it
    int st;
    ::waitpid(pid_, &st, 0);  // also reaps the zombie that status() was read from
  }
  for (int fd : {in_, out_, err_})
    if (fd >= 0) ::close(fd);
}

void child::signal(int sig) {
  if (pid_ > 0) ::kill(-pid_, sig);
}

void child::reap() {
  if (pid_ <= 0 || status_) return;
  // WNOWAIT: the exit is read but the child stays a zombie until the destructor reaps it, so
  // its process group's id stays ours to signal (see signal()).
  siginfo_t si{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
      si.si_pid == pid_)
    status_ = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

void child::pump(const std::vector<child*>& children, std::chrono::milliseconds timeout) {
  std::vector<pollfd> fds;
  std::vector<std::pair<child*, int>> who;  // which child, and 0 stdin / 1 stdout / 2 stderr
  for (auto* c : children) {
    if (c->in_ >= 0) fds.push_back({c->in_, POLLOUT, 0}), who.emplace_back(c, 0);
    if (c->out_ >= 0) fds.push_back({c->out_, POLLIN, 0}), who.emplace_back(c, 1);
    if (c->err_ >= 0) fds.push_back({c->err_, POLLIN, 0}), who.emplace_back(c, 2);
  }
  if (!fds.empty())
    ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
  else
    ::usleep(static_cast<useconds_t>(std::min<long long>(timeout.count(), 20) * 1000));
  char buf[65536];
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (!fds[i].revents) continue;
    auto [c, which] = who[i];
    if (which == 0) {
      ssize_t n =
          ::write(c->in_, c->input_.data() + c->input_off_, c->input_.size() - c->input_off_);
      if (n > 0) c->input_off_ += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN) || c->input_off_ >= c->input_.size())
        ::close(std::exchange(c->in_, -1));
      continue;
    }
    int& fd = which == 1 ? c->out_ : c->err_;
    std::string& to = which == 1 ? c->out : c->err;
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        to.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) ::close(std::exchange(fd, -1));
      break;
    }
  }
  for (auto* c : children) c->reap();
}

}  // namespace core

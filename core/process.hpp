#pragma once
// Child processes run to completion with their output captured: what `vitnet test net --net
// loopback` uses to run each scenario process as a real vitnet.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace core {

/// A program to start: what posix_spawn is given, the same way for every child vitnet starts.
struct spawn_spec {
  std::vector<std::string> argv;           ///< argv[0] is the program's path
  std::map<std::string, std::string> env;  ///< added to this process's environment (replacing)
  int fds[3] = {-1, -1, -1};               ///< become the child's 0, 1 and 2; -1: inherited
  std::string cwd;                         ///< its working directory; empty: vitnet's
  bool search_path = false;  ///< argv[0] without a '/' is looked up in PATH (as a shell does)
};

/// Starts `s`: its descriptors become the child's 0, 1 and 2, no other descriptor of vitnet's
/// stays open in it (a child holding a peer's socket would keep that connection open after
/// vitnet closed it), SIGPIPE is back at its default (vitnet ignores it), and it leads a process
/// group of its own (signal -pid to reach everything it started). Returns the pid,
/// or the error posix_spawn gave.
std::pair<pid_t, std::error_code> spawn(const spawn_spec& s);

struct child_spec {
  std::vector<std::string> argv;           ///< argv[0] is the program's path
  std::map<std::string, std::string> env;  ///< added to this process's environment
  std::string input;                       ///< written to its stdin, which is then closed
  std::string cwd;                         ///< its working directory; empty: vitnet's
  bool search_path = false;                ///< look argv[0] up in PATH when it has no '/'
};

class child {
 public:
  /// Starts the program. Throws vitnet::error when it cannot be started.
  explicit child(const child_spec& spec);
  ~child();  ///< its process group gets SIGKILL (what it started too), then it is reaped
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  bool running() const { return !status_; }
  /// The exit status once it has exited (128+N when killed by signal N).
  std::optional<int> status() const { return status_; }
  /// Sends `sig` to its process group: the program and whatever it started. Safe after it has
  /// exited: it stays a zombie (seen with WNOWAIT) until the destructor, so its pid, and with it
  /// the group's id, cannot pass to an unrelated process meanwhile.
  void signal(int sig);
  pid_t pid() const { return pid_; }

  std::string out, err;  ///< what it has printed so far

  /// Waits up to `timeout` for any of `children` to print or exit, and collects what they did.
  static void pump(const std::vector<child*>& children, std::chrono::milliseconds timeout);

 private:
  void reap();
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string input_;
  std::size_t input_off_ = 0;
  std::optional<int> status_;
};

}  // namespace core

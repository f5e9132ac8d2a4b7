#pragma once
// Where a command's text goes: stdout is data, stderr is diagnostics. The sinks are injectable so
// a simulated host can capture what a command prints.
#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>

namespace core {

enum class color_mode { automatic, always, never };

struct output_options {
  bool json = false;   ///< one JSON document, or NDJSON for streaming commands
  int verbosity = 0;   ///< -v repeats
  bool quiet = false;  ///< -q: only errors on stderr
  color_mode color = color_mode::automatic;
};

class io {
 public:
  using sink = std::function<void(std::string_view)>;

  /// An io writing to the process's own stdout and stderr.
  explicit io(output_options opts);
  /// An io writing to the given sinks (tests, simulated hosts); colour only if `color` says always.
  io(output_options opts, sink out, sink err);

  const output_options& options() const { return opts_; }
  bool json() const { return opts_.json; }
  bool color_stderr() const { return color_; }
  /// Whether progress bars may be drawn on stderr: it is this process's own stderr and a
  /// terminal, and neither --json nor -q was given.
  bool progress() const { return progress_; }

  /// "vitnet: <message>" on stderr, always printed.
  template <typename... A>
  void error(fmt::format_string<A...> f, A&&... a) {
    diag(level::error, fmt::format(f, std::forward<A>(a)...));
  }
  /// "vitnet: warning: <message>", unless -q.
  template <typename... A>
  void warn(fmt::format_string<A...> f, A&&... a) {
    if (!opts_.quiet) diag(level::warning, fmt::format(f, std::forward<A>(a)...));
  }
  /// "vitnet: <message>", unless -q: status a user wants by default ("listening on ...").
  template <typename... A>
  void note(fmt::format_string<A...> f, A&&... a) {
    if (!opts_.quiet) diag(level::note, fmt::format(f, std::forward<A>(a)...));
  }
  /// Printed only with at least `min` -v flags.
  template <typename... A>
  void verbose(int min, fmt::format_string<A...> f, A&&... a) {
    if (opts_.verbosity >= min && !opts_.quiet)
      diag(level::note, fmt::format(f, std::forward<A>(a)...));
  }

  /// Text on stdout, as it is.
  void out(std::string_view text) { out_(text); }
  /// Text on stderr, as it is (hex dumps, progress).
  void err(std::string_view text) { err_(text); }
  /// One NDJSON line (the caller's serialised object) on stdout, or on stderr when stdout carries
  /// data.
  void event(std::string_view json_object, bool on_stderr = false);

  /// For a log on stdout (a server's request log): writing never waits for a reader. What stdout
  /// does not take at once is kept, up to `max_buffer` bytes, and written with the next line;
  /// past that, lines are dropped and counted, and the count is said once stdout takes again.
  /// An io writing to given sinks keeps them.
  void log_without_blocking(std::size_t max_buffer = 1 << 20);

 private:
  enum class level { error, warning, note };
  void diag(level l, std::string_view message);

  output_options opts_;
  sink out_;
  sink err_;
  bool color_ = false;
  bool progress_ = false;
  bool own_stdout_ = false;  ///< out_ writes to this process's stdout
};

/// Whether colour should be used on a stream given the option, NO_COLOR and whether it is a
/// terminal.
bool use_color(color_mode mode, bool is_terminal);

}  // namespace core

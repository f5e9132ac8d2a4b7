#include "core/io.hpp"

#include <unistd.h>

#include <cstdlib>

#include "core/files.hpp"

namespace core {

bool use_color(color_mode mode, bool is_terminal) {
  if (mode == color_mode::always) return true;
  if (mode == color_mode::never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return is_terminal;
}

io::io(output_options opts)
    : opts_(opts),
      out_([](std::string_view s) { write_fd_all(STDOUT_FILENO, s); }),
      err_([](std::string_view s) { write_fd_all(STDERR_FILENO, s); }) {
  // Colour never goes with --json: machine readers get plain text.
  color_ = !opts_.json && use_color(opts_.color, ::isatty(STDERR_FILENO) == 1);
  progress_ = !opts_.json && !opts_.quiet && ::isatty(STDERR_FILENO) == 1;
}

io::io(output_options opts, sink out, sink err)
    : opts_(opts), out_(std::move(out)), err_(std::move(err)) {
  color_ = !opts_.json && opts_.color == color_mode::always;
}

void io::event(std::string_view json_object, bool on_stderr) {
  std::string line;
  line.reserve(json_object.size() + 1);
  line.append(json_object);
  line.push_back('\n');
  (on_stderr ? err_ : out_)(line);
}

void io::diag(level l, std::string_view message) {
  std::string line;
  // Colour changes how a diagnostic looks, never what it says.
  if (color_) {
    line = l == level::error ? "\x1b[1;31mvitnet:\x1b[0m " : "\x1b[1mvitnet:\x1b[0m ";
    if (l == level::warning) line += "\x1b[33mwarning:\x1b[0m ";
  } else {
    line = "vitnet: ";
    if (l == level::warning) line += "warning: ";
  }
  line.append(message);
  line.push_back('\n');
  err_(line);
}

}  // namespace core

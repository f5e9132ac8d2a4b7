#include "core/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace core {

namespace {
std::string rate_text(double bytes_per_second) {
  return format_size(static_cast<std::uint64_t>(std::max(0.0, bytes_per_second))) + "/s";
}

std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}
}  // namespace

std::string progress_line(std::uint64_t done, std::optional<std::uint64_t> total,
                          double bytes_per_second, std::size_t width) {
  if (!total || *total == 0) {
    std::string line = fmt::format("{}  {}", format_size(done), rate_text(bytes_per_second));
    return line.substr(0, width);
  }
  std::uint64_t shown = std::min(done, *total);
  double fraction = static_cast<double>(shown) / static_cast<double>(*total);
  std::string tail = fmt::format("] {} / {}  {}", format_size(shown), format_size(*total),
                                 rate_text(bytes_per_second));
  std::string head = fmt::format("{:3}% [", static_cast<int>(fraction * 100));
  // The bar takes what the numbers leave, between 10 and 40 cells.
  std::size_t room = width > head.size() + tail.size() ? width - head.size() - tail.size() : 0;
  std::size_t cells = std::clamp<std::size_t>(room, 10, 40);
  auto filled = static_cast<std::size_t>(fraction * static_cast<double>(cells));
  std::string bar(cells, ' ');
  std::fill_n(bar.begin(), filled, '=');
  if (filled < cells && filled > 0) bar[filled - 1] = '>';
  std::string line = head + bar + tail;
  return line.substr(0, width);
}

progress_bar::progress_bar(io& out, duration interval)
    : io_(out), interval_(interval), enabled_(out.progress()) {}

void progress_bar::update(std::uint64_t done, std::optional<std::uint64_t> total,
                          clock::time_point now) {
  done_ = done;
  total_ = total;
  latest_ = now;
  if (!enabled_) return;
  if (!start_) start_ = now;
  if (last_ && now - *last_ < interval_) return;
  draw(now);
}

void progress_bar::finish() {
  if (!enabled_ || !drawn_) return;
  draw(latest_);
  io_.err("\n");
}

void progress_bar::draw(clock::time_point now) {
  last_ = now;
  drawn_ = true;
  double secs = start_ ? seconds(now - *start_) : 0;
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
  std::size_t width = terminal_width() - 1;  // the last column would wrap on some terminals
  // \r and erase-to-end-of-line: the line is redrawn in place.
  io_.err("\r" + progress_line(done_, total_, rate, width) + "\x1b[K");
}

}  // namespace core

#pragma once
// A progress bar for long transfers, drawn on a terminal's stderr (never with --json, never when
// stderr is not a terminal: see core::io::progress). Rendering is separate from drawing, so the
// text is tested without a terminal.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/io.hpp"
#include "core/units.hpp"

namespace core {

/// One line of progress, without line ends, at most `width` columns wide:
///   " 42% [=========>             ] 4.20 MiB / 10.00 MiB  1.05 MiB/s"
/// With no known total, only the bytes done and the rate.
/// Example: progress_line(512, 1024, 512.0, 60) starts with " 50% [".
std::string progress_line(std::uint64_t done, std::optional<std::uint64_t> total,
                          double bytes_per_second, std::size_t width);

/// Redraws a progress line on stderr at most every `interval`, when `io.progress()` allows.
class progress_bar {
 public:
  using clock = std::chrono::steady_clock;
  explicit progress_bar(io& out, duration interval = std::chrono::milliseconds(100));

  /// Bytes so far, out of `total` when known; `now` is the caller's clock (virtual on the mock
  /// network). Draws only if the interval has passed since the last drawing.
  void update(std::uint64_t done, std::optional<std::uint64_t> total, clock::time_point now);
  /// Draws the final state and ends the line; nothing if nothing was drawn.
  void finish();

 private:
  void draw(clock::time_point now);

  io& io_;
  duration interval_;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t done_ = 0;
  std::optional<std::uint64_t> total_;
  std::optional<clock::time_point> start_, last_;
  clock::time_point latest_{};
};

}  // namespace core

#pragma once
// A wake-up: coroutines wait until another part of the program says something changed (a queue
// got an entry, a flush finished). Built on the context's timers, so it works on both backends.
// It carries no state of its own: waiters check their condition, wait, and check again.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "net/context.hpp"

namespace net {

class event {
 public:
  explicit event(context& ctx) : ctx_(ctx) {}
  event(const event&) = delete;
  event& operator=(const event&) = delete;

  /// Waits for the next notify(). Returns false when the context abandoned the wait instead
  /// (the end of a process on the mock network cancels every wait it has). Any number may wait.
  /// Example: while (queue.empty()) { bool woken = co_await ready.wait(); if (!woken) break; }
  /// (A separate statement: gcc 12 miscompiled `while (c) if (!co_await e.wait()) break;`.)
  task<bool> wait();
  /// The same, bounded: false also once `deadline` (on the context's clock) has passed.
  /// Example: while (!done) { bool woken = co_await ev.wait_until(deadline); if (!woken) break; }
  task<bool> wait_until(clock::time_point deadline);
  /// Wakes every coroutine waiting now; one that starts waiting later waits for the next call.
  void notify();

 private:
  task<bool> wait_for(std::optional<duration> limit);
  context& ctx_;
  // One timer per coroutine waiting (a timer's waits are not shared), kept for reuse: the
  // first wait allocates, later ones do not.
  std::vector<std::unique_ptr<timer>> waiting_, spare_;
  std::uint64_t notified_ = 0;  // how many notify() calls there have been
};

}  // namespace net

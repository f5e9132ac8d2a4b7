#pragma once
// A wake-up: coroutines wait until another part of the program says something changed (a queue
// got an entry, a flush finished). Built on the context's timers, so it works on both backends.
// It carries no state of its own: waiters check their condition, wait, and check again.
#include <cstdint>
#include <memory>
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
  /// Wakes every coroutine waiting now; one that starts waiting later waits for the next call.
  void notify();

 private:
  context& ctx_;
  // One timer per coroutine waiting (a timer's waits are not shared), kept for reuse: the
  // first wait allocates, later ones do not.
  std::vector<std::unique_ptr<timer>> waiting_, spare_;
  std::uint64_t notified_ = 0;  // how many notify() calls there have been
};

}  // namespace net

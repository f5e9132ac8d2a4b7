#include "net/event.hpp"

#include <algorithm>

namespace net {

// (Named locals as arguments: gcc 12 mishandles temporaries in a co_await'ed call.)
task<bool> event::wait() {
  const std::optional<duration> none;
  co_return co_await wait_for(none);
}

task<bool> event::wait_until(clock::time_point deadline) {
  const auto now = ctx_.now();
  if (now >= deadline) co_return false;
  const std::optional<duration> left = deadline - now;
  co_return co_await wait_for(left);
}

task<bool> event::wait_for(std::optional<duration> limit) {
  std::unique_ptr<timer> t;
  if (spare_.empty()) {
    t = ctx_.make_timer();
  } else {
    t = std::move(spare_.back());
    spare_.pop_back();
  }
  timer* mine = t.get();
  waiting_.push_back(std::move(t));
  std::uint64_t seen = notified_;
  // The timer carries the wake-up: notify() cancels it. Without a limit it never expires.
  if (limit)
    mine->expires_after(*limit);
  else
    mine->expires_never();
  co_await mine->wait();
  auto it =
      std::find_if(waiting_.begin(), waiting_.end(), [&](auto& w) { return w.get() == mine; });
  spare_.push_back(std::move(*it));
  waiting_.erase(it);
  // Expired, or cancelled without a notify() (the context abandoned the wait).
  co_return notified_ != seen;
}

void event::notify() {
  ++notified_;
  for (auto& t : waiting_) t->cancel();
}

}  // namespace net

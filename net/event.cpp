#include "net/event.hpp"

#include <algorithm>

namespace net {

task<bool> event::wait() {
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
  // The timer only carries the wake-up: it never expires, and notify() cancels it.
  mine->expires_never();
  co_await mine->wait();
  auto it = std::find_if(waiting_.begin(), waiting_.end(), [&](auto& w) { return w.get() == mine; });
  spare_.push_back(std::move(*it));
  waiting_.erase(it);
  // Cancelled without a notify(): the context abandoned the wait.
  co_return notified_ != seen;
}

void event::notify() {
  ++notified_;
  for (auto& t : waiting_) t->cancel();
}

}  // namespace net

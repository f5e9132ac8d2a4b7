#pragma once
// The one helper that puts a deadline on waits: a watchdog that calls back when its time passes
// without activity. Operations stay non-throwing; the callback cancels or closes what it guards.
#include <functional>
#include <memory>

#include "net/context.hpp"

namespace net {

class watchdog {
 public:
  /// Arms the watchdog: `on_expire` runs once, `limit` after construction or after the last
  /// touch(), unless disarmed first. Example:
  ///   watchdog wd(ctx, 5s, [&] { conn.close(); });  // then wd.touch() on every read
  watchdog(context& ctx, duration limit, std::function<void()> on_expire);
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  ~watchdog();

  /// Activity: the deadline moves to now + limit.
  void touch();
  /// Never fire from now on.
  void disarm();
  /// Whether it fired.
  bool fired() const;

  struct state;

 private:
  std::shared_ptr<state> s_;
};

}  // namespace net

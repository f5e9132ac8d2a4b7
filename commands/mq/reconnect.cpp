#include "commands/mq/reconnect.hpp"

namespace commands::mq {

net::task<bool> reconnect(net::context& ctx, core::io& io, std::string what, backoff b,
                          const bool& stop, std::function<net::task<void>()> open) {
  auto wait = b.first;
  for (int attempt = 1; b.attempts < 0 || attempt <= b.attempts; ++attempt) {
    bool slept = co_await ctx.sleep(wait);
    if (!slept || stop) co_return false;
    auto attempt_task = open();
    auto failed = co_await net::failure_of(std::move(attempt_task));
    if (!failed) co_return true;
    io.verbose(1, "mq: reconnect {} to {} failed: {}", attempt, what, *failed);
    wait = std::min(wait * 2, b.most);
  }
  co_return false;
}

}  // namespace commands::mq

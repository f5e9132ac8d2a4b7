#include "net/context.hpp"

#include <asio/experimental/awaitable_operators.hpp>

#include "core/error.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"

namespace net {

task<bool> context::sleep(duration d) {
  auto t = make_timer();
  t->expires_after(d);
  co_return co_await t->wait();
}

task<std::vector<ip_address>> context::resolve(std::string host, duration deadline) {
  if (auto ip = ip_address::parse(host)) co_return std::vector<ip_address>{*ip};
  bool local = host == "localhost" || host == "localhost." || host.ends_with(".localhost") ||
               host.ends_with(".localhost.");
  if (resolver_ && !local) co_return co_await resolver_(host, deadline);
  co_return co_await system_resolve(host, deadline);
}

task<void> both(context&, task<void> a, task<void> b) {
  using namespace asio::experimental::awaitable_operators;
  co_await (std::move(a) && std::move(b));
}

// ---- watchdog
// ------------------------------------------------------------------------------------

struct watchdog::state {
  context* ctx;
  duration limit;
  clock::time_point deadline;
  bool armed = true;
  bool fired = false;
  std::function<void()> on_expire;
  std::unique_ptr<timer> t;
};

namespace {
task<void> watch(std::shared_ptr<watchdog::state> s) {
  while (s->armed) {
    auto now = s->ctx->now();
    if (now >= s->deadline) {
      s->armed = false;
      s->fired = true;
      auto f = std::move(s->on_expire);
      f();
      break;
    }
    s->t->expires_after(s->deadline - now);
    co_await s->t->wait();
  }
}
}  // namespace

watchdog::watchdog(context& ctx, duration limit, std::function<void()> on_expire)
    : s_(std::make_shared<state>()) {
  s_->ctx = &ctx;
  s_->limit = limit;
  s_->deadline = ctx.now() + limit;
  s_->on_expire = std::move(on_expire);
  s_->t = ctx.make_timer();
  ctx.start(watch(s_));
}

watchdog::~watchdog() {
  disarm();
}

void watchdog::touch() {
  s_->deadline = s_->ctx->now() + s_->limit;
}

void watchdog::disarm() {
  if (!s_->armed) return;
  s_->armed = false;
  s_->on_expire = nullptr;
  s_->t->cancel();
}

bool watchdog::fired() const {
  return s_->fired;
}

// ---- dial
// ----------------------------------------------------------------------------------------

namespace {

// One attempt: every address of the host in turn. Returns the last error when none answers.
task<std::pair<std::error_code, stream>> attempt(context& ctx, const endpoint& where,
                                                 duration timeout,
                                                 const std::optional<ip_address>& source) {
  if (where.is_unix()) co_return co_await ctx.connect_once(where, nullptr, timeout);
  std::string host = where.host.empty() ? "localhost" : where.host;
  auto addresses = co_await ctx.resolve(host, timeout);
  std::error_code last = std::make_error_code(std::errc::host_unreachable);
  for (const auto& ip : addresses) {
    socket_address sa{ip, where.port};
    auto r = co_await ctx.connect_once(where, &sa, timeout, source ? &*source : nullptr);
    if (!r.first) co_return r;
    last = r.first;
  }
  co_return std::pair<std::error_code, stream>{last, stream{}};
}

}  // namespace

task<stream> dial(context& ctx, const endpoint& where, dial_options opts) {
  duration delay = opts.retry_delay;
  for (int n = 0;; ++n) {
    std::error_code ec;
    std::optional<vitnet::error> resolve_error;
    try {
      auto r = co_await attempt(ctx, where, opts.timeout, opts.source);
      if (!r.first) co_return std::move(r.second);
      ec = r.first;
    } catch (const vitnet::error& e) {
      resolve_error = e;
    }
    std::string why;
    if (resolve_error)
      why = resolve_error->what();
    else if (core::errno_of(ec) == ETIMEDOUT)
      why = fmt::format("connect: {}: connection timed out after {}", where.display(),
                        core::format_duration(opts.timeout));
    else
      why = fmt::format("connect: {}: {}", where.display(), vitnet::describe(ec));
    if (n >= opts.retries) {
      if (resolve_error) throw *resolve_error;
      throw vitnet::error(core::exit_code_for(ec), why);
    }
    if (opts.on_retry) opts.on_retry(n + 1, why, delay);
    co_await ctx.sleep(delay);
    delay = std::min<duration>(delay * 2, std::chrono::seconds(30));
  }
}

}  // namespace net

#pragma once
// For unit tests on the mock network: a world of two hosts, "a" and "b", each with a process
// context whose stdout is captured, and the small servers most tests need.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <memory>
#include <string>

#include "net/sim/context.hpp"
#include "net/sim/objects.hpp"

namespace unit {

struct two_hosts {
  explicit two_hosts(std::uint64_t seed = 1) : w(seed) {
    a = &w.add_host("a");
    b = &w.add_host("b");
    ca = std::make_unique<net::sim_context>(
        w, *a, "", [this](std::string_view s) { out_a += s; }, nullptr);
    cb = std::make_unique<net::sim_context>(
        w, *b, "", [this](std::string_view s) { out_b += s; }, nullptr);
  }
  ~two_hosts() { w.shutdown(); }
  two_hosts(const two_hosts&) = delete;
  two_hosts& operator=(const two_hosts&) = delete;

  void spawn(net::task<void> t) { asio::co_spawn(w.io(), std::move(t), asio::detached); }
  double secs(net::duration d) const { return std::chrono::duration<double>(d).count(); }

  net::sim::world w;
  net::sim::host *a, *b;
  std::unique_ptr<net::sim_context> ca, cb;
  std::string out_a, out_b;
};

inline net::endpoint tcp(const std::string& host, std::uint16_t port) {
  return net::endpoint{net::transport::tcp, host, port, {}, false};
}

/// Everything a stream delivered until it ended, and what ended it.
struct received {
  std::string data;
  std::error_code ended;
  bool done = false;
};

/// Reads `s` to its end into `out`.
inline net::task<void> read_all(net::stream& s, received& out) {
  char buf[65536];
  for (;;) {
    auto r = co_await s.read_some(buf);
    if (r.ec) {
      out.ended = r.ec;
      break;
    }
    out.data.append(buf, r.n);
  }
  out.done = true;
}

/// Listens on :7 of `ctx`, accepts one connection and reads it to its end into `out`.
inline net::task<void> receive_all(net::context& ctx, received& out) {
  auto where = tcp("", 7);
  auto l = co_await ctx.listen(where);
  auto [ec, s] = co_await l.accept();
  co_await read_all(s, out);
}

/// Listens on :7 of `ctx`, accepts one connection and echoes it until it ends.
inline net::task<void> echo_once(net::context& ctx) {
  auto where = tcp("", 7);
  auto l = co_await ctx.listen(where);
  auto [ec, s] = co_await l.accept();
  char buf[65536];
  for (;;) {
    auto r = co_await s.read_some(buf);
    if (r.ec) break;
    co_await s.write_all({buf, r.n});
  }
}

}  // namespace unit

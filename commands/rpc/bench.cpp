#include "commands/rpc/bench.hpp"

#include <bit>
#include <cmath>

#include "core/error.hpp"
#include "core/text.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "proto/jsonrpc/message.hpp"

namespace commands {

using net::task;
namespace rpc = proto::jsonrpc;
using json = nlohmann::json;

std::size_t latency_histogram::bucket(std::uint64_t v) {
  if (v < sub) return static_cast<std::size_t>(v);
  int e = 63 - std::countl_zero(v);  // 2^e <= v, e >= 6
  auto mantissa = (v >> (e - 6)) & (sub - 1);
  return static_cast<std::size_t>((e - 5) * sub + mantissa);
}

double latency_histogram::lower_bound(std::size_t b) {
  if (b < sub) return static_cast<double>(b);
  int e = static_cast<int>(b / sub) + 5;
  return std::ldexp(static_cast<double>(sub + b % sub), e - 6);
}

void latency_histogram::add(std::uint64_t micros) {
  ++counts_[bucket(micros)];
  ++count_;
  sum_ += micros;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
}

double latency_histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      // The middle of the bucket, kept within what was seen.
      double lo = lower_bound(b), hi = b + 1 < counts_.size() ? lower_bound(b + 1) : lo;
      double mid = b < sub ? lo : (lo + hi) / 2;
      return std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

namespace {

class bencher {
 public:
  bencher(net::context& ctx, const rpc_bench_options& o, core::io& io) : ctx_(ctx), o_(o), io_(io) {
    // Every call is the same text but for its id: the part before the id is built once.
    json head = {{"jsonrpc", "2.0"}, {"method", o.method}};
    if (o.params) head["params"] = *o.params;
    prefix_ = rpc::dump(head);
    prefix_.pop_back();  // the closing brace
    prefix_ += ",\"id\":";
  }

  task<int> run() {
    io_.note(
        "rpc bench: {} on {}, {} connection{}, {}, no pipelining", o_.method, o_.where.display(),
        o_.conns, o_.conns == 1 ? "" : "s",
        o_.requests ? fmt::format("{} calls", o_.requests) : core::format_duration(o_.duration));
    // Connect everyone first, so that connecting is not measured.
    std::vector<net::stream> conns;
    for (int i = 0; i < o_.conns; ++i) {
      net::dial_options d{o_.connect_timeout, 0, std::chrono::seconds(1), {}};
      auto c = co_await net::dial(ctx_, o_.where, d);
      if (o_.where.tls)
        c = co_await net::tls_connect(ctx_, std::move(c), net::for_endpoint(o_.tls, o_.where),
                                      o_.connect_timeout);
      conns.push_back(std::move(c));
    }
    started_ = ctx_.now();
    auto stop_timer = ctx_.make_timer();
    if (!o_.requests) {
      ctx_.start([](bencher& self, net::timer& t, net::duration d) -> task<void> {
        t.expires_after(d);
        if (co_await t.wait()) self.stop_ = true;
      }(*this, *stop_timer, o_.duration));
    }
    net::event finished(ctx_);
    std::size_t running = conns.size();
    for (auto& c : conns)
      ctx_.start([](bencher& self, net::stream& c, std::size_t& running,
                    net::event& finished) -> task<void> {
        co_await self.worker(c);
        --running;
        finished.notify();
      }(*this, c, running, finished));
    while (running > 0) {
      bool woken = co_await finished.wait();
      if (!woken) break;
    }
    stop_timer->cancel();
    auto elapsed = core::seconds(ctx_.now() - started_);
    report(elapsed);
    if (hist_.count() == 0 && failed_ > 0)
      vitnet::fail(exit_code_, "rpc bench: no call was answered ({})", first_failure_);
    co_return errors_ || failed_ ? 1 : 0;
  }

 private:
  bool more() {
    if (stop_) return false;
    if (o_.requests && issued_ >= o_.requests) return false;
    ++issued_;
    return true;
  }

  void failure(core::exit_code code, std::string why) {
    ++failed_;
    if (first_failure_.empty()) {
      first_failure_ = std::move(why);
      exit_code_ = code;
    }
  }

  task<void> worker(net::stream& conn) {
    rpc::deframer frames(o_.framing, o_.max_message);
    std::vector<char> buf(64 * 1024);
    bool timed_out = false;
    net::watchdog quiet(ctx_, o_.timeout, [&] {
      timed_out = true;
      conn.close();
    });
    while (more()) {
      auto id = ++next_id_;
      std::string text = prefix_ + std::to_string(id) + "}";
      std::string framed = rpc::frame(o_.framing, text);
      auto t0 = ctx_.now();
      // The socket's buffer has room for a call almost always: written at once, without a
      // coroutine round trip; what does not fit goes the slow way.
      auto wr = conn.try_write_some(framed);
      if (!wr.ec && wr.n < framed.size()) {
        auto rest = co_await conn.write_all(std::span<const char>(framed).subspan(wr.n));
        wr.ec = rest.ec;
      } else if (net::is_would_block(wr.ec)) {
        wr = co_await conn.write_all(framed);
      }
      if (wr.ec) {
        failure(core::exit_code::unavailable, "sending: " + vitnet::describe(wr.ec));
        break;
      }
      bool answered = false;
      while (!answered) {
        auto body = frames.next();
        if (!body) {
          if (!frames.error().empty()) {
            failure(core::exit_code::protocol, frames.error());
            co_return;
          }
          auto rd = co_await conn.read_some(buf);  // (see rpc serve for why not wait_readable)
          if (rd.ec) {
            if (timed_out)
              failure(core::exit_code::timeout,
                      "no answer within " + core::format_duration(o_.timeout));
            else
              failure(net::is_eof(rd.ec) ? core::exit_code::protocol : core::exit_code::unavailable,
                      net::is_eof(rd.ec) ? "the server closed the connection"
                                         : vitnet::describe(rd.ec));
            co_return;
          }
          quiet.touch();
          frames.feed({buf.data(), rd.n});
          continue;
        }
        auto in = rpc::decode(*body);
        for (auto& m : in.messages)
          if (auto* r = std::get_if<rpc::response>(&m); r && r->id == json(id)) {
            answered = true;
            if (r->failure) ++errors_;
          }
      }
      auto took = ctx_.now() - t0;
      hist_.add(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(took).count()));
    }
    quiet.disarm();
    conn.close();
  }

  void report(double elapsed) {
    double rps = elapsed > 0 ? hist_.count() / elapsed : 0;
    auto ms = [](double us) { return us / 1000.0; };
    if (io_.json()) {
      nlohmann::ordered_json j = {{"method", o_.method},
                                  {"url", o_.where.display()},
                                  {"conns", o_.conns},
                                  {"calls", hist_.count()},
                                  {"errors", errors_},
                                  {"failed", failed_},
                                  {"seconds", elapsed},
                                  {"rps", rps},
                                  {"latency_ms",
                                   {{"avg", ms(hist_.mean())},
                                    {"min", ms(static_cast<double>(hist_.min()))},
                                    {"p50", ms(hist_.quantile(0.50))},
                                    {"p95", ms(hist_.quantile(0.95))},
                                    {"p99", ms(hist_.quantile(0.99))},
                                    {"max", ms(static_cast<double>(hist_.max()))}}}};
      io_.out(j.dump() + "\n");
      return;
    }
    io_.out(fmt::format(
        "  {} calls completed in {:.2f} seconds, {} connections, {} error answers, {} failed\n"
        "  throughput summary: {:.2f} calls per second\n"
        "  latency summary (msec):\n"
        "          avg       min       p50       p95       p99       max\n"
        "  {:>11.3f}{:>10.3f}{:>10.3f}{:>10.3f}{:>10.3f}{:>10.3f}\n",
        hist_.count(), elapsed, o_.conns, errors_, failed_, rps, ms(hist_.mean()),
        ms(static_cast<double>(hist_.min())), ms(hist_.quantile(0.50)), ms(hist_.quantile(0.95)),
        ms(hist_.quantile(0.99)), ms(static_cast<double>(hist_.max()))));
    if (!first_failure_.empty())
      io_.warn("rpc bench: {} call(s) failed: {}", failed_, first_failure_);
  }

  net::context& ctx_;
  const rpc_bench_options& o_;
  core::io& io_;
  std::string prefix_;
  latency_histogram hist_;
  bool stop_ = false;
  std::uint64_t issued_ = 0, next_id_ = 0, errors_ = 0, failed_ = 0;
  std::string first_failure_;
  core::exit_code exit_code_ = core::exit_code::unavailable;
  net::clock::time_point started_{};
};

}  // namespace

task<int> run_rpc_bench(net::context& ctx, const rpc_bench_options& o, core::io& io) {
  bencher b(ctx, o, io);
  co_return co_await b.run();
}

}  // namespace commands

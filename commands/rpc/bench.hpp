#pragma once
// vitnet rpc bench: calls one method as fast as answers come back, from N connections for a
// duration (or a number of calls), each connection waiting for its answer before the next call
// (no pipelining), as redis-benchmark -P 1 does. Reports calls per second and the latency
// distribution (avg, min, p50, p95, p99, max), as text or one JSON object.
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/tls/tls.hpp"
#include "proto/jsonrpc/framing.hpp"

namespace commands {

struct rpc_bench_options {
  net::endpoint where;
  std::string method;
  std::optional<nlohmann::json> params;
  proto::jsonrpc::framing framing = proto::jsonrpc::framing::ndjson;
  int conns = 50;
  core::duration duration = std::chrono::seconds(10);
  std::uint64_t requests = 0;  ///< stop after this many calls in all (0: run for `duration`)
  core::duration timeout = std::chrono::seconds(10);  ///< one call without an answer: failed
  core::duration connect_timeout = std::chrono::seconds(10);
  net::tls_client_options tls;
  std::size_t max_message = 16 << 20;
};

/// Latencies in a bounded, log-linear histogram: 64 buckets per power of two of microseconds,
/// so any quantile is within about 1.6 % of the true value whatever the run's length.
class latency_histogram {
 public:
  void add(std::uint64_t micros);
  std::uint64_t count() const { return count_; }
  /// The latency at quantile q (0..1) in microseconds; 0 when empty.
  double quantile(double q) const;
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }

 private:
  static constexpr int sub = 64;
  static std::size_t bucket(std::uint64_t v);
  static double lower_bound(std::size_t b);
  std::array<std::uint64_t, 64 * sub> counts_{};
  std::uint64_t count_ = 0, sum_ = 0, min_ = UINT64_MAX, max_ = 0;
};

net::task<int> run_rpc_bench(net::context& ctx, const rpc_bench_options& o, core::io& io);

}  // namespace commands

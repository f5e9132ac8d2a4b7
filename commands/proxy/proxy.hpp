#pragma once
// vitnet proxy LISTEN --to UPSTREAM: a TCP, Unix stream or UDP proxy on real sockets that injects
// faults (latency, jitter, bandwidth, resets, blackholes, slow closes, loss) between any program
// and its server — the mock network for programs that are not vitnet.
#include <cstdint>
#include <optional>
#include <string>

#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/tls/tls.hpp"

namespace commands {

struct proxy_options {
  net::endpoint listen;
  net::endpoint upstream;                                     ///< --to
  core::duration connect_timeout = std::chrono::seconds(10);  ///< each dial of the upstream
  /// Streams: close a connection after this long without data (none when unset). UDP: forget a
  /// client's mapping after this long without datagrams (60 s when unset).
  std::optional<core::duration> idle_timeout;
  std::string ready_file;
  /// Dial a TCP upstream from a TCP client's own address, so the upstream sees who connected
  /// (works where that address is local: any 127.0.0.0/8 address on loopback). Ignored for udp
  /// and unix, which have no source to keep or no socket to bind it to.
  bool keep_source = false;

  // Faults asked for by flags; each becomes one net::fault_spec (see proxy_faults.hpp).
  core::duration latency{0};
  core::duration jitter{0};
  std::uint64_t bandwidth = 0;  ///< bytes per second; 0: unlimited
  std::optional<std::uint64_t> reset_after;
  bool blackhole = false;
  std::optional<core::duration> slow_close;
  std::optional<double> loss;
  double probability = 1.0;        ///< of each flag fault, per connection (udp: per datagram)
  std::string direction = "both";  ///< "up" (client to upstream), "down" or "both"

  std::string faults_file;               ///< --faults: [[fault]] tables, re-read on SIGHUP
  net::tls_server_options listen_tls;    ///< a tls:// or quic:// listener: --cert, --key, ...
  net::tls_client_options upstream_tls;  ///< a tls:// or quic:// upstream: --ca, --pin, ...
  std::optional<std::uint64_t> seed;

  /// --api: toxiproxy's HTTP API on this address (http://HOST:PORT; HOST defaults to
  /// 127.0.0.1). Named proxies are then created and given toxics through it.
  std::optional<net::endpoint> api;
  /// --config: named proxies to start with, in toxiproxy's JSON config format (an array of
  /// {"name", "listen", "upstream", "enabled"}).
  std::string config_file;
};

/// Whether the proxy relays `e` as a byte stream: tcp, tls and unix, and quic:// (the first
/// stream of each QUIC connection, whose TLS ends or starts here as a tls:// end's does).
inline bool relays_stream(const net::endpoint& e) {
  return e.is_stream() || e.quic;
}

/// Listens on `opts.listen` and relays every connection (or UDP client) to `opts.upstream`,
/// injecting the faults. Runs until interrupted. Throws vitnet::error: 64 for a stream/datagram
/// mismatch, 65/66/78 for a bad fault file, as listen and resolve do otherwise.
net::task<int> run_proxy(net::context& ctx, const proxy_options& opts, core::io& io);

}  // namespace commands

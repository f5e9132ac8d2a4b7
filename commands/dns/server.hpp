#pragma once
// vitnet serve dns://HOST:PORT: a DNS server for tests, answering from a records file, with
// faults injected on request, a query log, and names it does not hold sent upstream or refused
// with NXDOMAIN. UDP and TCP on the same port; over TLS (tls://, DNS over TLS), HTTPS
// (https://, DNS over HTTPS) and QUIC (quic://, DNS over QUIC) through serve's own listeners.
#include <string>
#include <vector>

#include "commands/dns/faults.hpp"
#include "commands/serve/serve.hpp"
#include "core/io.hpp"
#include "net/context.hpp"

namespace commands::dns {

struct dns_serve_options {
  std::string records_file;        ///< --records: empty serves nothing of its own
  std::string upstream;            ///< --upstream URL: where names not held go
  std::vector<fault_rule> faults;  ///< --fault rules, before the file's own
  net::duration upstream_timeout = std::chrono::seconds(2);
  bool log = true;  ///< the query log on stdout (off with -q)
  /// Processes reading UDP queries from the one socket (--workers): the first also serves TCP
  /// and writes the log's "listening" line; each reloads on its own SIGHUP.
  int workers = 1;
};

/// Serves DNS on `so.where`: a udp endpoint means UDP and TCP on one port (dns://); a tcp one
/// with TLS is DNS over TLS; an http(s) one answers DNS over HTTPS; a quic one DNS over QUIC.
/// Reloads the records on SIGHUP, keeping the previous ones when the file is bad. Throws
/// vitnet::error: 66 a missing records file, 65 a bad one (FILE:LINE), 64 a bad upstream.
net::task<int> run_dns_serve(net::context& ctx, serve_options so, dns_serve_options o,
                             core::io& io);

}  // namespace commands::dns

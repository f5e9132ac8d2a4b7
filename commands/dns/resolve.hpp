#pragma once
// vitnet resolve NAME... [TYPE...]: DNS lookups for people and scripts, through the system or a
// given server (udp, tcp, tls, https), several at once, answered in the order asked.
#include <cstdint>
#include <string>
#include <vector>

#include "core/io.hpp"
#include "net/context.hpp"
#include "net/tls/tls.hpp"

namespace commands::dns {

struct resolve_options {
  std::vector<std::string> words;  ///< names, types and @SERVER as typed
  std::string server;              ///< --server (an @SERVER word wins)
  std::string file;                ///< -f: one "NAME [TYPE...]" per line ("-": stdin)
  bool reverse = false;            ///< -x: the names are addresses; ask PTR
  bool short_output = false;       ///< --short
  bool tcp = false;                ///< --tcp: ask over TCP
  bool dnssec = false;             ///< --dnssec: the DO bit, AD shown
  bool trace = false;              ///< --trace: iterative, from --server (non-recursive)
  bool search = false;             ///< --search: the search list of /etc/resolv.conf
  bool no_recurse = false;         ///< --norecurse: RD off
  bool https_get = false;          ///< --doh-get: DNS over HTTPS with GET
  std::uint16_t qclass = 1;        ///< --class
  net::duration timeout = std::chrono::seconds(2);  ///< each try
  int retries = 2;
  int parallel = 32;  ///< queries in flight at once
  net::tls_client_options tls;
};

/// Exit: 0 every question answered; 1 NXDOMAIN or no data; 75 timeout; 76 SERVFAIL, REFUSED,
/// FORMERR or a malformed answer; 69 unreachable; 68 the server's own host unknown; 64 usage.
net::task<int> run_resolve(net::context& ctx, const resolve_options& o, core::io& io);

}  // namespace commands::dns

#pragma once
// Host names to addresses through a DNS server: what every command does instead of asking the
// system when --resolver (or VITNET_RESOLVER) names a server.
#include <memory>
#include <string>
#include <vector>

#include "commands/dns/client.hpp"

namespace commands::dns {

/// Addresses of `host` asked of `c`: A and AAAA at once, CNAME chains within the answers
/// followed; IPv4 first. Throws vitnet::error: 68 when the name does not exist or has no
/// address, 75 no answer in time, 69 the server unreachable, 76 SERVFAIL, REFUSED or a
/// malformed answer (named).
net::task<std::vector<net::ip_address>> lookup_addresses(std::shared_ptr<client> c,
                                                         std::string host, net::duration deadline);

/// Sends every name `ctx` resolves to the server `url` (udp, tcp, tls or https). Throws
/// vitnet::error 64 when `url` is not a server.
void use_resolver(net::context& ctx, const std::string& url, core::io& io);

}  // namespace commands::dns

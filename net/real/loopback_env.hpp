#pragma once
// What `vitnet test net --net loopback` tells each process it starts, in environment variables
// the real backend reads when it starts (net/real/context.cpp): VITNET_HOST_ADDR, the address
// the process acts from; VITNET_HOSTS, the scenario's host names; VITNET_REDIRECT, connections
// that go to a fault's proxy instead. The values are parsed here, apart from the backend, so
// that they are fuzzed on bytes.
#include <map>
#include <string>
#include <string_view>

#include "net/ip.hpp"

namespace net {

/// VITNET_HOSTS: "server=127.0.0.2,client=127.0.0.3", names to addresses. Items that are not
/// NAME=ADDRESS are skipped; of two items with one name, the later wins.
std::map<std::string, ip_address> parse_host_names(std::string_view text);

/// VITNET_REDIRECT: "127.0.0.2:7000=127.0.0.200:7000,...", each connection to the address and
/// port on the left made to the one on the right. Items that are not ADDRESS:PORT=ADDRESS:PORT
/// are skipped; of two items with one left side, the later wins.
std::map<socket_address, socket_address> parse_redirects(std::string_view text);

}  // namespace net

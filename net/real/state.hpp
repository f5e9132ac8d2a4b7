#pragma once
// Private to net/real: what a real_context holds, shared by the files that implement it.
#include <sys/types.h>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/signal_set.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "net/real/context.hpp"

namespace net {

struct real_context::state {
  std::map<std::uint64_t, std::function<void()>> shutdown_hooks;
  std::uint64_t next_hook = 0;
  std::set<pid_t> children;  // outlives the io_context, whose teardown may still reap children
  asio::io_context io{1};    // destroyed after everything below, which uses it
  std::unique_ptr<stream> in, out;
  std::unique_ptr<asio::signal_set>
      hangup;  // made on first use: until then SIGHUP keeps its default
  // A scenario host on the loopback backend (`vitnet test net --net loopback`): the address this
  // process listens and connects from, and the scenario's host names.
  std::optional<asio::ip::address> own_address;
  std::map<std::string, ip_address> host_names;
  // Connections to an address and port that go elsewhere: to the proxy realising a fault there.
  std::map<socket_address, socket_address> redirects;
  int saved_flags[2] = {-1, -1};
};

}  // namespace net

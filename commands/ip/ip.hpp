#pragma once
// vitnet ip ADDR|CIDR|RANGE|HOST:PORT...: what an address or block is (masks, hosts, size,
// reverse zone, special-purpose category), and CIDR arithmetic: containment, subnets, host
// lists, aggregation. No network I/O: the context only gives stdin for "-".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/io.hpp"
#include "net/context.hpp"

namespace commands {

enum class ip_mode { describe, contains, split, hosts, aggregate };

struct ip_options {
  std::vector<std::string> arguments;  ///< "-" reads one argument per line of stdin
  ip_mode mode = ip_mode::describe;
  std::string contains;  ///< --contains: an address or block, already checked
  int split_prefix = 0;  ///< --split
  /// --split and --hosts refuse (64) to print more lines than this.
  std::uint64_t limit = 65536;
};

net::task<int> run_ip(net::context& ctx, const ip_options& o, core::io& io);

}  // namespace commands

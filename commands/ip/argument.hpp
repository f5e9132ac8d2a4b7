#pragma once
// What one argument of `vitnet ip` is: an address, a block (with the address as written, host bits
// and all), a range FIRST-LAST, or HOST:PORT / [V6]:PORT with an address as host. Pure, so it is
// unit-tested and fuzzed on its own.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/cidr_math.hpp"

namespace commands {

enum class ip_argument_kind { address, network, range, endpoint };

struct ip_argument {
  ip_argument_kind kind = ip_argument_kind::address;
  std::string text;                   ///< as written (trimmed), for messages and output
  net::ip_address address;            ///< address, network (as written), endpoint's host
  int prefix = 32;                    ///< network: as written; otherwise the family's bits
  net::ip_range range;                ///< range; for the others, the block's first and last
  std::optional<std::uint16_t> port;  ///< endpoint

  /// The block the argument names: the network, or the address alone (not for ranges).
  net::cidr block() const { return net::cidr(address, prefix); }
};

/// Parses one argument. Nullopt when malformed, with `why` saying what is wrong, for a message
/// "ip: 'TEXT': WHY": "not an IPv4 or IPv6 address", "prefix /33 is out of range for IPv4
/// (0-32)", "empty range: 10.0.0.9 comes after 10.0.0.1".
std::optional<ip_argument> parse_ip_argument(std::string_view text, std::string& why);

}  // namespace commands

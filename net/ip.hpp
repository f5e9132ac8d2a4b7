#pragma once
// IP addresses, CIDR blocks and host:port strings, independent of any socket library.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace net {

/// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses are kept as IPv6; unmap() turns them to
/// IPv4.
class ip_address {
 public:
  ip_address() = default;
  static ip_address v4(std::uint32_t host_order);
  static ip_address v6(const std::array<std::uint8_t, 16>& bytes);

  /// Parses "127.0.0.1" or "::1" (no brackets, no zone). Nullopt when malformed.
  static std::optional<ip_address> parse(std::string_view text);

  bool is_v4() const { return !v6_; }
  bool is_v6() const { return v6_; }
  bool is_loopback() const;
  bool is_unspecified() const;
  /// Bytes in network order: 4 used for IPv4, 16 for IPv6.
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  std::uint32_t v4_value() const;  ///< host order; only for IPv4
  /// ::ffff:a.b.c.d becomes a.b.c.d; anything else is returned as it is.
  ip_address unmap() const;
  /// The next address (wrapping at the top of the family's space); used to walk ranges.
  ip_address next() const;
  int bits() const { return v6_ ? 128 : 32; }

  std::string to_string() const;
  friend auto operator<=>(const ip_address&, const ip_address&) = default;

 private:
  bool v6_ = false;
  std::array<std::uint8_t, 16> bytes_{};
};

/// A CIDR block such as 10.0.0.0/8 or fd00::/8. A bare address is a block of one.
class cidr {
 public:
  cidr() = default;
  cidr(ip_address base, int prefix);

  /// Parses "10.0.0.0/8", "::1/128", "127.0.0.1". Host bits set below the prefix are cleared
  /// ("10.1.2.3/8" is 10.0.0.0/8). Nullopt when malformed.
  static std::optional<cidr> parse(std::string_view text);

  const ip_address& first() const { return base_; }
  ip_address last() const;
  int prefix() const { return prefix_; }
  /// True when `a` is inside the block; IPv4-mapped IPv6 addresses also match IPv4 blocks.
  bool contains(const ip_address& a) const;
  /// Number of addresses, saturated at UINT64_MAX for large IPv6 blocks.
  std::uint64_t size() const;

  std::string to_string() const;
  friend bool operator==(const cidr&, const cidr&) = default;

 private:
  ip_address base_;
  int prefix_ = 0;
};

/// An IP address and a port.
struct socket_address {
  ip_address ip;
  std::uint16_t port = 0;
  /// "127.0.0.1:80", "[::1]:80".
  std::string to_string() const;
  friend auto operator<=>(const socket_address&, const socket_address&) = default;
};

/// A host and port split from "host:port", "[v6]:port". Port text is not checked here.
struct host_port {
  std::string host;
  std::string port;
};

/// Splits "example.com:80" and "[::1]:80". Nullopt when there is no port separator, or an IPv6
/// address without brackets.
std::optional<host_port> split_host_port(std::string_view text);

/// Joins a host and port, bracketing IPv6 literals: join_host_port("::1", 80) == "[::1]:80".
std::string join_host_port(std::string_view host, std::uint16_t port);

/// Parses a port number 0-65535. Nullopt otherwise.
std::optional<std::uint16_t> parse_port(std::string_view text);

}  // namespace net

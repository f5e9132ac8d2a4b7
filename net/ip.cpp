#include "net/ip.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <cstring>

namespace net {

ip_address ip_address::v4(std::uint32_t value) {
  ip_address a;
  a.bytes_[0] = static_cast<std::uint8_t>(value >> 24);
  a.bytes_[1] = static_cast<std::uint8_t>(value >> 16);
  a.bytes_[2] = static_cast<std::uint8_t>(value >> 8);
  a.bytes_[3] = static_cast<std::uint8_t>(value);
  return a;
}

ip_address ip_address::v6(const std::array<std::uint8_t, 16>& bytes) {
  ip_address a;
  a.v6_ = true;
  a.bytes_ = bytes;
  return a;
}

std::optional<ip_address> ip_address::parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  ip_address a;
  if (text.find(':') == std::string_view::npos) {
    if (::inet_pton(AF_INET, buf, a.bytes_.data()) != 1) return std::nullopt;
    return a;
  }
  a.v6_ = true;
  if (::inet_pton(AF_INET6, buf, a.bytes_.data()) != 1) return std::nullopt;
  return a;
}

std::uint32_t ip_address::v4_value() const {
  return (std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) |
         (std::uint32_t{bytes_[2]} << 8) | std::uint32_t{bytes_[3]};
}

bool ip_address::is_loopback() const {
  auto u = unmap();
  if (u.is_v4()) return u.bytes_[0] == 127;
  for (int i = 0; i < 15; ++i)
    if (u.bytes_[i] != 0) return false;
  return u.bytes_[15] == 1;
}

bool ip_address::is_unspecified() const {
  for (int i = 0; i < (v6_ ? 16 : 4); ++i)
    if (bytes_[i] != 0) return false;
  return true;
}

ip_address ip_address::unmap() const {
  if (!v6_) return *this;
  for (int i = 0; i < 10; ++i)
    if (bytes_[i] != 0) return *this;
  if (bytes_[10] != 0xff || bytes_[11] != 0xff) return *this;
  ip_address a;
  std::memcpy(a.bytes_.data(), bytes_.data() + 12, 4);
  return a;
}

ip_address ip_address::next() const {
  ip_address a = *this;
  for (int i = (v6_ ? 15 : 3); i >= 0; --i)
    if (++a.bytes_[i] != 0) break;
  return a;
}

std::string ip_address::to_string() const {
  if (!v6_) return fmt::format("{}.{}.{}.{}", bytes_[0], bytes_[1], bytes_[2], bytes_[3]);
  // RFC 5952 by hand: inet_ntop also writes the deprecated IPv4-compatible form, "::0.4.0.0" for
  // ::4:0. Only IPv4-mapped addresses keep their dotted tail (RFC 5952 section 5).
  if (unmap().is_v4()) return "::ffff:" + unmap().to_string();
  std::array<unsigned, 8> group{};
  for (int i = 0; i < 8; ++i) group[i] = (unsigned{bytes_[2 * i]} << 8) | bytes_[2 * i + 1];
  // The longest run of two or more zero groups is compressed, the first of equal runs.
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && group[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string s;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (!s.empty() && s.back() != ':') s += ':';
    s += fmt::format("{:x}", group[i]);
  }
  return s;
}

namespace {
// Clears (or, with `set`, sets) every bit below the prefix.
ip_address mask(const ip_address& a, int prefix, bool set) {
  auto bytes = a.bytes();
  int total = a.bits();
  for (int bit = prefix; bit < total; ++bit) {
    auto m = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if (set)
      bytes[bit / 8] |= m;
    else
      bytes[bit / 8] &= static_cast<std::uint8_t>(~m);
  }
  if (a.is_v6()) return ip_address::v6(bytes);
  return ip_address::v4((std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                        (std::uint32_t{bytes[2]} << 8) | bytes[3]);
}
}  // namespace

cidr::cidr(ip_address base, int prefix) : base_(mask(base, prefix, false)), prefix_(prefix) {}

std::optional<cidr> cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = ip_address::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  int prefix = addr->bits();
  if (slash != std::string_view::npos) {
    auto p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return std::nullopt;
    auto r = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (r.ec != std::errc{} || r.ptr != p.data() + p.size()) return std::nullopt;
    if (prefix < 0 || prefix > addr->bits()) return std::nullopt;
  }
  return cidr(*addr, prefix);
}

ip_address cidr::last() const {
  return mask(base_, prefix_, true);
}

bool cidr::contains(const ip_address& a) const {
  // An IPv4-mapped IPv6 address (a dual-stack socket's IPv4 peer) matches IPv4 blocks; against an
  // IPv6 block it is matched as the IPv6 address it is.
  ip_address u = a.is_v6() && base_.is_v4() ? a.unmap() : a;
  if (u.is_v6() != base_.is_v6()) return false;
  return mask(u, prefix_, false) == base_;
}

std::uint64_t cidr::size() const {
  int host_bits = base_.bits() - prefix_;
  if (host_bits >= 64) return UINT64_MAX;
  return std::uint64_t{1} << host_bits;
}

std::string cidr::to_string() const {
  return fmt::format("{}/{}", base_.to_string(), prefix_);
}

std::string socket_address::to_string() const {
  if (ip.is_v6()) return fmt::format("[{}]:{}", ip.to_string(), port);
  return fmt::format("{}:{}", ip.to_string(), port);
}

std::optional<host_port> split_host_port(std::string_view text) {
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    return host_port{std::string(text.substr(1, close - 1)), std::string(text.substr(close + 2))};
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  // More than one colon without brackets is an IPv6 literal whose port cannot be told apart.
  if (text.find(':') != colon) return std::nullopt;
  return host_port{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

std::string join_host_port(std::string_view host, std::uint16_t port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace net

#include "commands/ip/argument.hpp"

#include <fmt/format.h>

#include <charconv>

namespace commands {

namespace {

std::optional<net::ip_address> bare_address(std::string_view text) {
  // "[::1]" is accepted as an address too: it is how IPv6 literals appear in URLs.
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    auto a = net::ip_address::parse(text.substr(1, text.size() - 2));
    if (a && a->is_v6()) return a;
    return std::nullopt;
  }
  return net::ip_address::parse(text);
}

ip_argument single(std::string_view text, net::ip_address a) {
  ip_argument arg;
  arg.text = std::string(text);
  arg.address = a;
  arg.prefix = a.bits();
  arg.range = {a, a};
  return arg;
}

std::optional<ip_argument> network(std::string_view text, std::string& why) {
  auto slash = text.find('/');
  auto a = net::ip_address::parse(text.substr(0, slash));
  if (!a) {
    why = fmt::format("'{}' is not an IPv4 or IPv6 address", text.substr(0, slash));
    return std::nullopt;
  }
  auto p = text.substr(slash + 1);
  int prefix = -1;
  auto r = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (p.empty() || p.size() > 3 || r.ec != std::errc{} || r.ptr != p.data() + p.size()) {
    why = fmt::format("'/{}' is not a prefix length", p);
    return std::nullopt;
  }
  if (prefix < 0 || prefix > a->bits()) {
    why = fmt::format("prefix /{} is out of range for IPv{} (0-{})", p, a->is_v6() ? 6 : 4,
                      a->bits());
    return std::nullopt;
  }
  ip_argument arg = single(text, *a);
  arg.kind = ip_argument_kind::network;
  arg.prefix = prefix;
  auto block = arg.block();
  arg.range = {block.first(), block.last()};
  return arg;
}

}  // namespace

std::optional<ip_argument> parse_ip_argument(std::string_view text, std::string& why) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  why = "not an IPv4 or IPv6 address";
  if (text.empty()) {
    why = "empty argument";
    return std::nullopt;
  }
  if (auto a = bare_address(text)) return single(text, *a);
  if (text.find('/') != std::string_view::npos) return network(text, why);
  if (text.find('-') != std::string_view::npos) {
    auto r = net::parse_range(text, why);
    if (!r) return std::nullopt;
    ip_argument arg = single(text, r->first);
    arg.kind = ip_argument_kind::range;
    arg.range = *r;
    return arg;
  }
  if (auto hp = net::split_host_port(text)) {
    auto host = net::ip_address::parse(hp->host);
    // Brackets are for IPv6 only, and an IPv6 host must have them (split_host_port refuses
    // "::1:80"), so "[1.2.3.4]:80" is as malformed as it looks.
    if (!host || (text.front() == '[') != host->is_v6()) {
      why = fmt::format("'{}' is not an IPv4 or IPv6 address", hp->host);
      return std::nullopt;
    }
    auto port = net::parse_port(hp->port);
    if (!port) {
      why = fmt::format("port '{}' is not a number from 0 to 65535", hp->port);
      return std::nullopt;
    }
    ip_argument arg = single(text, *host);
    arg.kind = ip_argument_kind::endpoint;
    arg.port = port;
    return arg;
  }
  return std::nullopt;
}

}  // namespace commands

#include "net/real/loopback_env.hpp"

#include <optional>

namespace net {

namespace {

// Calls `f(name, value)` for each comma-separated NAME=VALUE item of `text`.
template <typename F>
void each_pair(std::string_view text, F f) {
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    if (auto eq = item.find('='); eq != std::string_view::npos)
      f(item.substr(0, eq), item.substr(eq + 1));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
}

std::optional<socket_address> parse_socket_address(std::string_view text) {
  auto hp = split_host_port(text);
  if (!hp) return std::nullopt;
  auto ip = ip_address::parse(hp->host);
  auto port = parse_port(hp->port);
  if (!ip || !port) return std::nullopt;
  return socket_address{*ip, *port};
}

}  // namespace

std::map<std::string, ip_address> parse_host_names(std::string_view text) {
  std::map<std::string, ip_address> out;
  each_pair(text, [&](std::string_view name, std::string_view value) {
    if (auto ip = ip_address::parse(value)) out[std::string(name)] = *ip;
  });
  return out;
}

std::map<socket_address, socket_address> parse_redirects(std::string_view text) {
  std::map<socket_address, socket_address> out;
  each_pair(text, [&](std::string_view from, std::string_view to) {
    auto a = parse_socket_address(from), b = parse_socket_address(to);
    if (a && b) out[*a] = *b;
  });
  return out;
}

}  // namespace net

#include "net/endpoint.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "net/ip.hpp"

namespace net {

std::string_view transport_name(transport t) {
  switch (t) {
    case transport::tcp:
      return "tcp";
    case transport::udp:
      return "udp";
    case transport::unix_stream:
      return "unix";
  }
  return "?";
}

std::string_view endpoint::scheme() const {
  switch (app) {
    case app_protocol::http:
      return tls ? "https" : "http";
    case app_protocol::ws:
      return tls ? "wss" : "ws";
    case app_protocol::none:
      break;
  }
  if (quic) return "quic";
  return tls ? "tls" : transport_name(transport);
}

std::uint16_t endpoint::default_port() const {
  if (app == app_protocol::none) return 0;
  return tls ? 443 : 80;
}

std::string endpoint::to_string() const {
  if (is_unix()) return abstract ? fmt::format("unix://@{}", path) : fmt::format("unix://{}", path);
  if (app != app_protocol::none) {
    // The port is left out when it is the scheme's own, unless there is no host to carry it.
    std::string authority = host.empty() || port != default_port()
                                ? join_host_port(host, port)
                                : (host.find(':') != std::string::npos ? "[" + host + "]" : host);
    return fmt::format("{}://{}{}", scheme(), authority, target.empty() ? "/" : target);
  }
  return fmt::format("{}://{}", scheme(), join_host_port(host, port));
}

std::string endpoint::display() const {
  if (is_unix()) return abstract ? "@" + path : path;
  return join_host_port(host.empty() ? "*" : host, port);
}

namespace {

bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return h.front() != '.' && h.front() != '-';
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Checks the host of "host:port", "[v6]:port" (or, when a default port is allowed, "host" and
// "[v6]") and stores both in `ep`. Returns the reason when it is malformed.
std::optional<std::string> parse_authority(std::string_view rest, bool port_optional,
                                           endpoint& ep) {
  std::optional<host_port> hp = split_host_port(rest);
  bool bracketed = !rest.empty() && rest[0] == '[';
  if (!hp && port_optional) {
    if (bracketed && rest.back() == ']')
      hp = host_port{std::string(rest.substr(1, rest.size() - 2)), ""};
    else if (rest.find(':') == std::string_view::npos)
      hp = host_port{std::string(rest), ""};
  }
  if (!hp) {
    if (std::count(rest.begin(), rest.end(), ':') > 1)
      return "IPv6 addresses need brackets, as in [::1]:8080";
    return fmt::format("missing port (write {}:PORT)", rest);
  }
  if (hp->port.empty() && !(port_optional && rest.back() != ':')) return "missing port after ':'";
  if (hp->port.empty()) {
    ep.port = ep.default_port();
  } else {
    if (!all_digits(hp->port)) return fmt::format("port '{}' is not a number", hp->port);
    auto port = parse_port(hp->port);
    if (!port) return fmt::format("port {} is out of range 0-65535", hp->port);
    ep.port = *port;
  }
  if (bracketed) {
    auto ip = ip_address::parse(hp->host);
    if (!ip || !ip->is_v6()) return fmt::format("'{}' is not an IPv6 address", hp->host);
  } else if (!hp->host.empty() && !valid_hostname(hp->host)) {
    return fmt::format("'{}' is not a valid host name", hp->host);
  }
  if (port_optional && hp->host.empty() && hp->port.empty()) return "missing host";
  ep.host = hp->host;
  return std::nullopt;
}

}  // namespace

std::optional<endpoint> try_parse_endpoint(std::string_view url, std::string& message) {
  message.clear();
  auto bad = [&](std::string why) -> std::optional<endpoint> {
    message = fmt::format("invalid URL '{}': {}", url, why);
    return std::nullopt;
  };
  if (url.empty()) return bad("it is empty");
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return bad("it contains a space or control character");

  endpoint ep;
  std::string_view rest = url;
  auto sep = url.find("://");
  if (sep != std::string_view::npos) {
    std::string_view scheme = url.substr(0, sep);
    rest = url.substr(sep + 3);
    if (scheme == "tcp")
      ep.transport = transport::tcp;
    else if (scheme == "udp")
      ep.transport = transport::udp;
    else if (scheme == "unix")
      ep.transport = transport::unix_stream;
    else if (scheme == "tls")
      ep.tls = true;
    else if (scheme == "quic")
      ep.transport = transport::udp, ep.quic = true;
    else if (scheme == "http" || scheme == "https")
      ep.app = app_protocol::http, ep.tls = scheme == "https";
    else if (scheme == "ws" || scheme == "wss")
      ep.app = app_protocol::ws, ep.tls = scheme == "wss";
    else {
      message = fmt::format(
          "unknown scheme '{}' in '{}' (supported: tcp, udp, unix, tls, quic, http, https, ws, "
          "wss)",
          scheme, url);
      return std::nullopt;
    }
  } else if (url.starts_with("unix:")) {
    ep.transport = transport::unix_stream;
    rest = url.substr(5);
  }

  if (ep.is_unix()) {
    if (rest.empty()) return bad("missing socket path (unix:///path or unix://@name)");
    if (rest[0] == '@') {
      ep.abstract = true;
      rest.remove_prefix(1);
      if (rest.empty()) return bad("missing abstract socket name after '@'");
    }
    // sockaddr_un holds 108 bytes, including the terminating NUL (or the leading NUL when
    // abstract).
    if (rest.size() > 107)
      return bad(fmt::format("socket path is {} bytes; at most 107 fit", rest.size()));
    ep.path = std::string(rest);
    return ep;
  }

  if (ep.app != app_protocol::none) {
    // scheme://authority[/path][?query][#fragment]: the fragment is never sent, so it is dropped.
    if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    auto end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, end);
    std::string_view target = end == std::string_view::npos ? "" : rest.substr(end);
    if (authority.find('@') != std::string_view::npos)
      return bad(
          "user names and passwords in URLs are not supported (send an Authorization "
          "header instead)");
    if (authority.empty()) return bad("missing host");
    if (auto why = parse_authority(authority, true, ep)) return bad(*why);
    ep.target = target.empty()     ? "/"
                : target[0] == '?' ? "/" + std::string(target)
                                   : std::string(target);
    return ep;
  }

  if (rest.empty()) return bad("missing host and port");
  if (all_digits(rest)) {  // a bare port: "8080", "tcp://8080"
    auto port = parse_port(rest);
    if (!port) return bad(fmt::format("port {} is out of range 0-65535", rest));
    ep.port = *port;
    return ep;
  }
  if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos)
    return bad(
        "unexpected path or query after host:port (only http, https, ws and wss URLs "
        "have one)");
  if (auto why = parse_authority(rest, false, ep)) return bad(*why);
  return ep;
}

endpoint parse_endpoint(std::string_view url) {
  std::string message;
  auto ep = try_parse_endpoint(url, message);
  if (!ep) throw vitnet::error(core::exit_code::usage, message);
  return *ep;
}

}  // namespace net

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

std::string endpoint::to_string() const {
  if (is_unix()) return abstract ? fmt::format("unix://@{}", path) : fmt::format("unix://{}", path);
  return fmt::format("{}://{}", tls ? "tls" : transport_name(transport),
                     join_host_port(host, port));
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
      ep.transport = transport::tcp, ep.tls = true;
    else {
      message =
          fmt::format("unknown scheme '{}' in '{}' (supported: tcp, udp, unix, tls)", scheme, url);
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

  if (rest.empty()) return bad("missing host and port");
  if (all_digits(rest)) {  // a bare port: "8080", "tcp://8080"
    auto port = parse_port(rest);
    if (!port) return bad(fmt::format("port {} is out of range 0-65535", rest));
    ep.port = *port;
    return ep;
  }
  if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos)
    return bad("unexpected path or query after host:port");
  auto hp = split_host_port(rest);
  if (!hp) {
    if (std::count(rest.begin(), rest.end(), ':') > 1)
      return bad("IPv6 addresses need brackets, as in [::1]:8080");
    return bad(fmt::format("missing port (write {}:PORT)", rest));
  }
  if (hp->port.empty()) return bad("missing port after ':'");
  if (!all_digits(hp->port)) return bad(fmt::format("port '{}' is not a number", hp->port));
  auto port = parse_port(hp->port);
  if (!port) return bad(fmt::format("port {} is out of range 0-65535", hp->port));
  ep.port = *port;
  if (rest[0] == '[') {
    auto ip = ip_address::parse(hp->host);
    if (!ip || !ip->is_v6()) return bad(fmt::format("'{}' is not an IPv6 address", hp->host));
  } else if (!hp->host.empty() && !valid_hostname(hp->host)) {
    return bad(fmt::format("'{}' is not a valid host name", hp->host));
  }
  ep.host = hp->host;
  return ep;
}

endpoint parse_endpoint(std::string_view url) {
  std::string message;
  auto ep = try_parse_endpoint(url, message);
  if (!ep) throw vitnet::error(core::exit_code::usage, message);
  return *ep;
}

}  // namespace net

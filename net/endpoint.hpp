#pragma once
// Endpoints as users write them: tcp://host:port, udp://host:port, unix:///path, unix://@name,
// tls://host:port, bare host:port (TCP), and the URLs of protocols carried over TCP:
// http://host[:port][/path][?query], https://..., ws://..., wss://... Port 0 means "pick one".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace net {

enum class transport { tcp, udp, unix_stream };

/// The application protocol an endpoint names on top of its transport (and TLS, if any).
enum class app_protocol { none, http, ws };

struct endpoint {
  net::transport transport = net::transport::tcp;
  std::string host;        ///< without brackets; empty means "any address" (listening only)
  std::uint16_t port = 0;  ///< 0: let the system pick (listening)
  std::string path;        ///< unix sockets: filesystem path, or the name of an abstract socket
  bool abstract = false;   ///< unix://@name
  bool tls = false;        ///< tls://, https://, wss://: TCP with TLS on top
  bool quic = false;       ///< quic://: QUIC (TLS 1.3 inside) over udp; transport is udp
  /// http:// and https:// are http; ws:// and wss:// are ws (always over tcp).
  net::app_protocol app = net::app_protocol::none;
  /// http and ws: the request target, path and query as written ("/a/b?x=1"); "/" when the URL
  /// has none. Empty for other endpoints.
  std::string target;

  bool is_unix() const { return transport == net::transport::unix_stream; }
  /// tcp, unix and tls (not quic://, which callers that take it test for first).
  bool is_stream() const { return transport != net::transport::udp; }
  bool is_http() const { return app == net::app_protocol::http; }
  bool is_ws() const { return app == net::app_protocol::ws; }
  /// The URL scheme: "tcp", "udp", "unix", "tls", "quic", "http", "https", "ws" or "wss".
  std::string_view scheme() const;
  /// The port a scheme has when its URL names none: 80 http, 443 https, 80 ws, 443 wss; 0 for
  /// the others, whose URLs always carry a port.
  std::uint16_t default_port() const;
  /// The URL form, which parse_endpoint reads back: "tcp://127.0.0.1:8080", "unix:///tmp/s",
  /// "https://example.com/a?b=1" (a default port is left out).
  std::string to_string() const;
  /// What diagnostics name: "127.0.0.1:8080", "/tmp/s", "@name".
  std::string display() const;
};

/// Parses an endpoint URL. Throws vitnet::error with exit code 64 and a message naming what is
/// wrong ("invalid URL 'tcp://h:70000': port 70000 is out of range 0-65535").
/// Example: parse_endpoint("[::1]:80") gives tcp, host "::1", port 80;
/// parse_endpoint("https://example.com/x?y=1") gives tcp with tls, app http, port 443,
/// target "/x?y=1".
endpoint parse_endpoint(std::string_view url);

/// The same, returning the message instead of throwing (for fuzzing and for callers that collect
/// errors). On success the message is empty.
std::optional<endpoint> try_parse_endpoint(std::string_view url, std::string& message);

/// "tcp", "udp", "unix".
std::string_view transport_name(transport t);

}  // namespace net

#pragma once
// Endpoints as users write them: tcp://host:port, udp://host:port, unix:///path, unix://@name,
// and bare host:port (TCP). Port 0 means "pick one".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace net {

enum class transport { tcp, udp, unix_stream };

struct endpoint {
  net::transport transport = net::transport::tcp;
  std::string host;        ///< without brackets; empty means "any address" (listening only)
  std::uint16_t port = 0;  ///< 0: let the system pick (listening)
  std::string path;        ///< unix sockets: filesystem path, or the name of an abstract socket
  bool abstract = false;   ///< unix://@name
  bool tls = false;        ///< tls://host:port: TCP with TLS on top

  bool is_unix() const { return transport == net::transport::unix_stream; }
  bool is_stream() const { return transport != net::transport::udp; }
  /// The URL form, which parse_endpoint reads back: "tcp://127.0.0.1:8080", "unix:///tmp/s".
  std::string to_string() const;
  /// What diagnostics name: "127.0.0.1:8080", "/tmp/s", "@name".
  std::string display() const;
};

/// Parses an endpoint URL. Throws vitnet::error with exit code 64 and a message naming what is
/// wrong ("invalid URL 'tcp://h:70000': port 70000 is out of range 0-65535").
/// Example: parse_endpoint("[::1]:80") gives tcp, host "::1", port 80.
endpoint parse_endpoint(std::string_view url);

/// The same, returning the message instead of throwing (for fuzzing and for callers that collect
/// errors). On success the message is empty.
std::optional<endpoint> try_parse_endpoint(std::string_view url, std::string& message);

/// "tcp", "udp", "unix".
std::string_view transport_name(transport t);

}  // namespace net

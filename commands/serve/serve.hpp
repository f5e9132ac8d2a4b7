#pragma once
// vitnet serve URL: listen on TCP, UDP or a Unix socket and answer each peer in one of the modes.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "commands/serve/http/service.hpp"
#include "commands/serve/message_service.hpp"
#include "commands/serve/ws/service.hpp"
#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/ip.hpp"
#include "net/tls/tls.hpp"

namespace commands {

enum class serve_mode { stdio, echo, reply, exec, broadcast, sink };

struct serve_options {
  net::endpoint where;
  serve_mode mode = serve_mode::stdio;
  std::string reply;          ///< --reply, already read from its file when given as @FILE
  std::string exec;           ///< --exec, a shell command
  bool keep_open = false;     ///< -k: accept many connections
  bool once = false;          ///< --once: one connection (or datagram), then exit
  std::size_t max_conns = 0;  ///< 0: no limit
  std::vector<net::cidr> allow, deny;
  std::optional<core::duration> idle_timeout;
  std::string ready_file;
  net::tls_server_options tls;  ///< for tls://, quic://, https:// and wss:// URLs
  std::string qlog_dir;         ///< quic://: a qlog per connection
  http_serve_options http;      ///< for http:// and https:// (and ws:// for plain requests)
  ws_options ws;                ///< for ws:// and wss://
  /// A message service (rpc serve) answering every connection instead of a mode; for http(s)
  /// and ws(s), http.service and ws.service are set to it as well.
  std::shared_ptr<message_service> service;
  /// The scheme the listening URL is announced with ("nats" for mq broker); empty: the endpoint's.
  std::string scheme;
  /// Called once listening, with the local endpoint (the real port when 0 was asked for).
  std::function<void(const net::endpoint&)> on_listening;
};

net::task<int> run_serve(net::context& ctx, const serve_options& opts, core::io& io);

}  // namespace commands

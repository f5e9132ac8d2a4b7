#pragma once
// vitnet connect URL: dial TCP, UDP or a Unix socket and pipe stdin and stdout through it; or,
// for http:// and https:// URLs, make one HTTP request (commands/connect/http/client).
#include <optional>
#include <string>

#include "commands/connect/http/client.hpp"
#include "commands/connect/ws/client.hpp"
#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/tls/tls.hpp"

namespace commands {

struct connect_options {
  net::endpoint where;
  std::optional<std::string> send;  ///< --send, instead of stdin (already read from @FILE)
  core::duration timeout = std::chrono::seconds(10);
  std::optional<core::duration> idle_timeout;
  int retry = 0;
  core::duration retry_delay = std::chrono::seconds(1);
  bool close_on_eof = false;
  bool check = false;  ///< -z
  bool hex = false;
  bool send_only = false;
  bool recv_only = false;
  bool crlf = false;
  bool raw = false;             ///< UDP: one datagram per read instead of per line
  net::tls_client_options tls;  ///< for tls:// URLs
  std::optional<core::duration> bench;
  int streams = 1;        ///< --bench: streams at once (quic: of one connection; else connections)
  http_options http;      ///< for http:// and https:// URLs (timeouts, retries and TLS included)
  ws_connect_options ws;  ///< for ws:// and wss:// URLs
  // quic:// (TLS options in `tls`)
  std::string qlog_dir, session_file;
  bool early = false;  ///< --0rtt
  bool migrate = false, rebind = false, key_update = false;
  core::duration after = std::chrono::milliseconds(100);
};

net::task<int> run_connect(net::context& ctx, const connect_options& opts, core::io& io);

}  // namespace commands

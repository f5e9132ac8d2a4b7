#include "cli/command_table.hpp"

#include "core/units.hpp"

namespace cli {

core::duration duration_arg(const std::string& option, const std::string& text) {
  auto d = core::parse_duration(text);
  if (!d)
    throw CLI::ValidationError(option, "'" + text + "' is not a duration (try 500ms, 2s, 1m)");
  return *d;
}

const std::vector<command_info>& command_table() {
  static const std::vector<command_info> table = {
      {"serve",
       "listen on tcp, udp or unix and answer peers (stdio, echo, reply, exec, broadcast, sink)",
       "Listens on URL and serves peers in one mode. By default, as netcat does, the first "
       "connection is piped to stdin and stdout and vitnet exits when it closes; -k keeps "
       "accepting. On start it prints 'vitnet: listening on URL' with the real port, so port 0 "
       "can be used; --ready-file writes that URL to a file atomically.",
       {{"vitnet serve :8080", "pipe the first connection on port 8080 to stdin/stdout"},
        {"vitnet serve -k --echo tcp://127.0.0.1:0 --ready-file port.url",
         "an echo server on a free port"},
        {"vitnet serve -k --exec 'tr a-z A-Z' :9000", "one child process per connection"},
        {"vitnet serve -k --broadcast unix:///tmp/chat.sock", "a chat server on a Unix socket"},
        {"vitnet serve --echo udp://127.0.0.1:5353", "answer every UDP datagram with itself"}},
       define_serve},
      {"connect",
       "dial tcp, udp or unix and pipe stdin and stdout through the connection",
       "Dials URL and copies stdin to the peer and the peer to stdout, byte for byte. At the end "
       "of stdin it shuts down its sending side and keeps reading until the peer closes "
       "(--close-on-eof closes at once). When the peer closes first, it exits 0.",
       {{"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | vitnet connect example.com:80",
         "a raw HTTP request"},
        {"vitnet connect -z 127.0.0.1:22", "is the port open? (exit 0, 69 refused, 75 timeout)"},
        {"vitnet connect --retry 5 --retry-delay 200ms :8080 < file",
         "wait for a server that starts late"},
        {"vitnet connect --bench 10s tcp://127.0.0.1:5001",
         "throughput against 'vitnet serve --sink'"},
        {"echo ping | vitnet connect udp://127.0.0.1:5353",
         "one datagram per line; answers on stdout"}},
       define_connect},
  };
  return table;
}

}  // namespace cli

#pragma once
// vitnet rpc serve: a JSON-RPC 2.0 server whose methods come from a methods file (mock answers,
// delays, sequences, streamed notifications), from commands (--exec NAME=CMD), from an OpenRPC
// document's examples, or, with none of those, an `echo` method. rpc.discover always answers.
// serve does the listening (tcp, unix, tls, http(s), ws(s)); this answers the messages.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands/serve/message_service.hpp"
#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "proto/jsonrpc/framing.hpp"

namespace commands {

enum class rpc_protocol { jsonrpc, msgpack };

struct rpc_serve_options {
  std::string methods_file;                                ///< --methods
  std::vector<std::pair<std::string, std::string>> execs;  ///< --exec NAME=CMD
  std::string openrpc_file;                                ///< --openrpc
  std::string service_name, service_version;               ///< --service NAME@VERSION
  rpc_protocol protocol = rpc_protocol::jsonrpc;
  proto::jsonrpc::framing framing = proto::jsonrpc::framing::ndjson;
  std::size_t max_message = 16 << 20;
  std::size_t max_depth = 128;     ///< JSON nesting
  std::size_t max_in_flight = 64;  ///< calls one connection may have waiting for an answer
  core::duration exec_timeout = std::chrono::seconds(30);
  bool log = true;  ///< the call log on stdout (off with -q)
};

/// Loads what the options name (methods file, OpenRPC document: exit 65/66 when they do not
/// load) and returns the service for serve to run.
std::shared_ptr<message_service> make_rpc_service(net::context& ctx, const rpc_serve_options& o,
                                                  core::io& io);

}  // namespace commands

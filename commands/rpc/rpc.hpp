#pragma once
// vitnet rpc call | notify: one JSON-RPC 2.0 call (or notification) over a byte stream — tcp://,
// unix://, tls://, or the stdin and stdout of a program started with --exec (language servers,
// MCP servers) — framed as ndjson lines or LSP Content-Length blocks; or as one HTTP POST.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/tls/tls.hpp"
#include "proto/jsonrpc/framing.hpp"

namespace commands {

struct rpc_options {
  bool notify = false;                 ///< a notification: nothing is waited for
  std::optional<net::endpoint> where;  ///< or exec
  std::string exec;                    ///< --exec: a program to speak to on its stdin/stdout
  std::string method;
  std::optional<nlohmann::json> params;
  proto::jsonrpc::framing framing = proto::jsonrpc::framing::ndjson;
  core::duration timeout = std::chrono::seconds(30);  ///< without a byte from the server
  core::duration connect_timeout = std::chrono::seconds(10);
  int retry = 0;
  net::tls_client_options tls;
  std::vector<std::string> headers;  ///< -H, --bearer: http:// and https:// only
  std::size_t max_message = 16 << 20;
};

/// The params of a call from its command-line words: each a JSON value (by position), or
/// NAME=VALUE (by name; VALUE as JSON when it is JSON, else as a string). Both kinds in one call,
/// or a word that is neither, set `error` and give nullopt. No words: no params.
/// Example: params_from_words({"1", "[2]"}) == [1,[2]]; params_from_words({"a=1", "b=x"}) ==
/// {"a":1,"b":"x"}.
std::optional<nlohmann::json> params_from_words(const std::vector<std::string>& words,
                                                std::string& error);

net::task<int> run_rpc(net::context& ctx, const rpc_options& opts, core::io& io);

}  // namespace commands

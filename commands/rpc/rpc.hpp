#pragma once
// vitnet rpc call | notify | list: JSON-RPC 2.0 (or MessagePack-RPC) calls over a byte stream —
// tcp://, unix://, tls://, or the stdin and stdout of a program started with --exec (language
// servers, MCP servers, nvim --embed) — framed as ndjson lines or LSP Content-Length blocks; as
// one HTTP POST each; or as one WebSocket message each. A call, a batch, a script of calls on one
// connection, the notifications that follow a reply; several URLs fail over in order.
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

/// One step of --script: a call, a notification, or a wait for a notification from the server.
struct rpc_step {
  enum class kind { call, notify, wait } type = kind::call;
  std::string method;
  std::optional<nlohmann::json> params;
};

struct rpc_options {
  enum class mode { call, notify, list } what = mode::call;
  std::vector<net::endpoint> urls;  ///< tried in order (or shuffled: --balance random)
  std::string nats_url;             ///< nats://BROKER[/NAME]: through a NATS broker instead
  bool shuffle = false;             ///< --balance random
  std::string exec;                 ///< --exec: a program to speak to on its stdin/stdout
  std::string method;
  std::optional<nlohmann::json> params;
  bool msgpack = false;  ///< --protocol msgpack: MessagePack-RPC instead of JSON-RPC 2.0
  proto::jsonrpc::framing framing = proto::jsonrpc::framing::ndjson;
  std::optional<nlohmann::json> batch;  ///< --batch: a JSON-RPC batch (an array) sent as it is
  std::vector<rpc_step> script;         ///< --script: steps on one connection
  bool mcp = false;                     ///< the MCP initialize handshake first
  bool follow = false;                  ///< print the notifications after the reply
  std::uint64_t count = 0;              ///< --follow: stop after this many (0: until quiet)
  core::duration timeout = std::chrono::seconds(30);  ///< without a byte from the server
  core::duration connect_timeout = std::chrono::seconds(10);
  int retry = 0;
  net::tls_client_options tls;
  std::vector<std::string> headers;  ///< -H, --bearer: http:// and https:// only
  std::size_t max_message = 16 << 20;

  bool notify() const { return what == mode::notify; }
};

/// Reads a --script file: a JSON array of steps, or one step per line (NDJSON); a step is
/// {"call": METHOD, "params": ...}, {"notify": METHOD, "params": ...} or {"wait": METHOD}.
/// Throws vitnet::error 65 naming the step (and line) that is wrong.
/// Example: parse_script(R"([{"call":"initialize","params":{}},{"notify":"initialized"}])", "s").
std::vector<rpc_step> parse_script(std::string_view text, const std::string& name);

/// The params of a call from its command-line words: each a JSON value (by position), or
/// NAME=VALUE (by name; VALUE as JSON when it is JSON, else as a string). Both kinds in one call,
/// or a word that is neither, set `error` and give nullopt. No words: no params.
/// Example: params_from_words({"1", "[2]"}) == [1,[2]]; params_from_words({"a=1", "b=x"}) ==
/// {"a":1,"b":"x"}.
std::optional<nlohmann::json> params_from_words(const std::vector<std::string>& words,
                                                std::string& error);

net::task<int> run_rpc(net::context& ctx, const rpc_options& opts, core::io& io);

}  // namespace commands

#pragma once
// JSON-RPC 2.0 messages (https://www.jsonrpc.org/specification), sans-io: text in, requests,
// responses and the errors owed for what could not be read; messages out as compact JSON text.
// Both sides use it: a server reads requests and answers them, a client reads responses (and
// the requests some servers send their clients, as LSP servers do).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace proto::jsonrpc {

using json = nlohmann::json;

/// The error codes the specification defines (-32000 to -32099 are left to servers).
enum code : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
};

struct error {
  int code = internal_error;
  std::string message;
  std::optional<json> data;
};

struct request {
  std::string method;
  std::optional<json> params;  ///< an array (by position) or an object (by name), if any
  std::optional<json> id;      ///< a string, a number or null; absent for a notification
  bool is_notification() const { return !id.has_value(); }
};

struct response {
  json id;  ///< null when the request's id could not be read
  std::optional<json> result;
  std::optional<error> failure;  ///< set instead of result when the call failed
};

/// A member that is neither a valid request nor a valid response: the error response it is owed
/// (a server sends it; a client reports it).
struct invalid {
  response reply;
};

using message = std::variant<request, response, invalid>;

/// What one text (one line, one HTTP body, one WebSocket message) held.
struct incoming {
  bool batch = false;             ///< the text was an array of messages
  std::vector<message> messages;  ///< in the order they came
  /// Set when the text as a whole gets one error and nothing else: not JSON (-32700), or an
  /// empty batch (-32600). `messages` is then empty.
  std::optional<response> whole;
};

/// Reads one text. JSON nested deeper than `max_depth` is treated as not JSON.
/// Example: decode(R"({"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1})") holds one
/// request; decode("[]").whole->failure->code == invalid_request.
incoming decode(std::string_view text, std::size_t max_depth = 128);

/// Reads one parsed value as a message (a member of a batch, or a whole text).
message classify(const json& value);

/// True for the ids the specification allows: a string, a number, null.
bool valid_id(const json& id);

/// Messages as the JSON they travel as.
json to_json(const request& r);
json to_json(const response& r);
json to_json(const error& e);

/// A response as compact JSON text, its members in the conventional order (jsonrpc, id, result
/// or error): what to_json gives, written without building the object first.
/// Example: encode(response{1, json(2)}) == R"({"jsonrpc":"2.0","id":1,"result":2})".
std::string encode(const response& r);

/// Compact JSON text that is valid UTF-8 whatever the strings held (bad bytes become U+FFFD).
std::string dump(const json& value);

/// An error response to `id`.
/// Example: failure(json(3), method_not_found, "no method 'x'").failure->code == -32601.
response failure(json id, int code, std::string message, std::optional<json> data = {});

/// The standard message for a standard code ("Method not found"); "Server error" otherwise.
std::string_view standard_message(int code);

/// True when `method` is one of the names the specification reserves ("rpc." and on).
bool reserved_method(std::string_view method);

}  // namespace proto::jsonrpc

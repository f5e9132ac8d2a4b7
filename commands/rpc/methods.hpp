#pragma once
// The mock methods behind `vitnet rpc serve --methods FILE`: a TOML file says what each method
// answers. Pure logic: the file in, a table out; a call in, the reply to send (and how long to
// wait first) out. The server applies delays on the context's clock and sends stream
// notifications. examples/methods.toml is a runnable example.
//
// Methods file format
// -------------------
//   [service]                       # optional: what rpc.discover reports (--service overrides)
//   name = "calculator"
//   version = "1.0.0"
//
//   [[method]]
//   name = "add"                    # required, unique; names starting "rpc." are reserved
//   summary = "adds numbers"        # optional, for rpc.discover
//   params = ["a", "b"]             # optional names of the params: rpc.discover lists them, and
//                                   # templates can say {{params.a}} for the first positional one
//   result = "{{params.a}}"         # the result: any TOML value (templated), or
//   # result_json = '{"v": null}'   #   JSON text (TOML has no null), or
//   # error = { code = -32001, message = "no", data = { why = "..." } }   (code defaults to
//   #                               #   -32000, message to the standard text for the code)
//   delay = "200ms"                 # wait before answering (the context's clock)
//
//   [[method.sequence]]             # optional: call N gets entry N; after the last the last
//   error = { code = -32002 }       # repeats, or all cycle with `cycle = true` on the method.
//   [[method.sequence]]             # Entries take result, result_json, error, delay; the
//   result = "ok"                   # method's delay is their default.
//
//   [method.stream]                 # optional: notifications after the reply (a subscription)
//   method = "tick"                 # the notification's method (default: the method's name)
//   params = { n = "{{n}}" }        # templated; {{n}} counts notifications from 1
//   interval = "1s"                 # between notifications (default 1s; the first comes one
//   count = 5                       # interval after the reply); 1 to 1000000 (default 10)
//
// Templates: a string that is exactly one placeholder becomes that value (a number stays a
// number); inside longer text, values are inserted as compact JSON (strings without quotes).
//   {{params}} {{params.NAME}} {{params.0}} {{params.a.b.0}}  the call's params (NAME also
//                                   reaches a positional param named in `params`)
//   {{method}} {{id}} {{count}} (calls of this method, from 1) {{n}} (stream notifications)
//   {{params.x|7}}                  a default when the value is missing (JSON, else text)
// An unknown placeholder is an error when the file loads.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.hpp"

namespace commands::rpc_mock {

using json = nlohmann::json;

/// One answer: a result or an error object (both templates), after a delay.
struct answer_spec {
  std::optional<json> result;
  std::optional<json> error;  ///< {"code": ..., "message": ..., "data": ...}
  core::duration delay{};
};

struct stream_spec {
  std::string method;
  std::optional<json> params;
  core::duration interval = std::chrono::seconds(1);
  std::uint64_t count = 10;
};

struct method_spec {
  std::string name;
  std::string summary;
  std::vector<std::string> params;
  answer_spec answer;
  std::vector<answer_spec> sequence;
  bool cycle = false;
  std::optional<stream_spec> stream;
  int line = 0;  ///< of its [[method]] header
};

struct method_table {
  std::string source;  ///< the file name, for messages
  std::string service_name, service_version;
  std::vector<method_spec> methods;
  std::map<std::string, std::size_t, std::less<>> by_name;

  const method_spec* find(std::string_view name) const;
};

/// Parses a methods file held in memory; `name` prefixes messages. Throws vitnet::error 65
/// listing every error found, one "NAME:LINE: message" per line.
/// Example: parse_methods("[[method]]\nname = \"ping\"\nresult = \"pong\"\n", "m.toml").
method_table parse_methods(std::string_view text, const std::string& name);

/// Reads and parses a methods file (66 when missing, 65 when malformed).
method_table load_methods(const std::string& path);

/// What a template may refer to.
struct template_scope {
  const json* params = nullptr;                     ///< the call's params, if any
  const std::vector<std::string>* names = nullptr;  ///< the method's param names
  const json* id = nullptr;
  std::string_view method;
  std::uint64_t count = 0;
  std::uint64_t n = 0;
};

/// `tmpl` with every placeholder in its strings replaced from `scope`.
/// Example: expand("{{params.0}}", scope with params [5]) == 5.
json expand(const json& tmpl, const template_scope& scope);

/// The first placeholder in `tmpl` that no call could fill ("{{nope}}"), or empty. `in_stream`
/// admits {{n}}.
std::string unknown_placeholder(const json& tmpl, bool in_stream);

/// Which answer call number `count` (from 1) of `m` gets.
const answer_spec& answer_for(const method_spec& m, std::uint64_t count);

}  // namespace commands::rpc_mock

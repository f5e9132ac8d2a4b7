// Fuzzes OpenRPC documents: document::parse on the input, then, when it loads, each method's
// param checks and example answers for a few calls; and `rpc list`'s table of the input as any
// JSON, since a peer's rpc.discover answer is printed without being loaded. Bad input may only
// throw vitnet::error 65; checks and answers must end (schemas whose branches multiply are cut
// short) and their messages must print as JSON.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/rpc/openrpc.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "proto/jsonrpc/message.hpp"

namespace {

using commands::openrpc::json;
namespace openrpc = commands::openrpc;

// Methods and examples looked at per input. A check may do max_work steps (about 0.1 s under
// the sanitizers) and a small input can hold many methods whose schemas need that much.
constexpr std::size_t max_methods = 4;
constexpr std::size_t max_examples = 2;

// Params of a few calls, plus each example's own params (by name and by position).
std::vector<json> calls_for(const json& m) {
  std::vector<json> calls = {
      json::array(),
      json::object(),
      json(),
      json::array({1, "a", 2.5, true, nullptr, json::array({1, 2}), {{"a", 1}}}),
      {{"a", 1}, {"b", "x"}, {"c", json::array({1, 2})}, {"d", {{"e", nullptr}}}},
  };
  auto ex = m.find("examples");
  if (ex == m.end() || !ex->is_array()) return calls;
  std::size_t taken = 0;
  for (const auto& e : *ex) {
    if (++taken > max_examples) break;
    auto ps = e.is_object() ? e.find("params") : e.end();
    if (!e.is_object() || ps == e.end() || !ps->is_array()) continue;
    json named = json::object(), positional = json::array();
    for (const auto& p : *ps)
      if (p.is_object() && p.contains("value")) {
        auto name = p.find("name");
        if (name != p.end() && name->is_string()) named[name->get<std::string>()] = p["value"];
        positional.push_back(p["value"]);
      }
    calls.push_back(std::move(named));
    calls.push_back(std::move(positional));
  }
  return calls;
}

void fuzz_document(std::string_view text) {
  std::optional<openrpc::document> doc;
  try {
    doc = openrpc::document::parse(text, "fuzz.json");
  } catch (const vitnet::error& e) {
    if (e.code() != core::exit_code::data || std::string_view(e.what()).empty()) std::abort();
    return;
  }
  const auto& methods = doc->raw()["methods"];
  for (std::size_t i = 0; i < methods.size() && i < max_methods; ++i) {
    const auto& entry = methods[i];
    const json* m = doc->method(entry["name"].get<std::string>());
    if (m != &entry) std::abort();
    for (const auto& params : calls_for(*m)) {
      if (auto why = doc->check_params(*m, params)) {
        if (why->empty() || !nlohmann::json::accept(proto::jsonrpc::dump(json(*why)))) std::abort();
      }
      if (auto a = doc->answer(*m, params)) {
        if (a->result.has_value() == a->error.has_value()) std::abort();
        proto::jsonrpc::dump(a->result ? *a->result : *a->error);
      }
    }
  }
  auto listed = openrpc::table(doc->raw());
  if (!methods.empty() && listed.empty()) std::abort();
}

void fuzz_table(std::string_view text) {
  if (auto j = core::parse_peer_json(text)) {
    auto listed = openrpc::table(*j);
    (void)listed;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_document(text);
  fuzz_table(text);
  return 0;
}

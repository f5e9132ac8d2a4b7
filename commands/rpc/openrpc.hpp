#pragma once
// OpenRPC documents (https://spec.open-rpc.org): `rpc serve --openrpc DOC` answers each method
// from the document's examples and checks params against their JSON Schemas; `rpc.discover`
// answers a document of whatever is served; `rpc list` prints one as a table. Pure logic.
//
// The schema checks cover what mock servers need to tell a caller which param is wrong: type,
// enum, const, required, properties, additionalProperties = false, items, minItems, maxItems,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, anyOf, oneOf,
// allOf, and $ref to "#/components/schemas/NAME" (or "#/components/contentDescriptors/NAME").
// Other keywords (pattern, format, ...) are accepted and not checked.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace commands::openrpc {

using json = nlohmann::json;

class document {
 public:
  /// Parses a document held in memory; `name` prefixes messages. Throws vitnet::error 65 naming
  /// the file and where ("NAME:LINE: not JSON: ...", "NAME: methods[2]: no name").
  static document parse(std::string_view text, const std::string& name);
  /// Reads and parses a document (66 when missing).
  static document load(const std::string& path);

  const json& raw() const { return doc_; }
  /// The method object for `name`, or null.
  const json* method(std::string_view name) const;

  /// Why `params` do not fit method `m` (a message naming the param: "param 'b': expected
  /// integer, got string"), or nullopt when they do.
  std::optional<std::string> check_params(const json& m, const json& params) const;

  /// The answer for a call of `m`: the result (or error object) of the example whose params
  /// equal the call's, else of the method's first example; nullopt when it has none.
  struct example_answer {
    std::optional<json> result;
    std::optional<json> error;
  };
  std::optional<example_answer> answer(const json& m, const json& params) const;

 private:
  /// `work` counts what checking has done so far; past a bound the check gives up.
  std::optional<std::string> check(const json& schema, const json& value, int depth,
                                   std::size_t& work) const;
  const json* resolve(const json& node, int depth) const;

  json doc_;
  std::map<std::string, std::size_t, std::less<>> by_name_;
};

/// One method of a generated document: its name, summary and param names.
json describe_method(std::string_view name, std::string_view summary,
                     const std::vector<std::string>& params);

/// A document around `methods`, for rpc.discover.
json make_document(std::string_view title, std::string_view version, json methods);

/// What `rpc list` prints: one line per method, "NAME(PARAM: TYPE, ...) -> RESULT  SUMMARY".
std::string table(const json& doc);

}  // namespace commands::openrpc

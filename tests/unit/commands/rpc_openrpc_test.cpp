#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "commands/rpc/openrpc.hpp"
#include "core/error.hpp"
#include "tests/unit/load_error.hpp"

using namespace commands::openrpc;

namespace {

document parse(std::string_view text) {
  return document::parse(text, "d.json");
}

// The message that loading `text` gives; fails the test if it loads.
std::string errors_of(std::string_view text) {
  return load_error(parse, text);
}

// A document with one method "m" taking one param "x" of `schema`, with `components` beside.
document with_schema(const json& schema, const json& components = json::object()) {
  json d = {
      {"openrpc", "1.2.6"},
      {"methods", json::array({{{"name", "m"},
                                {"params", json::array({{{"name", "x"}, {"schema", schema}}})}}})},
      {"components", components}};
  return parse(d.dump());
}

// What check_params says of `value` as the only positional param of `d`'s method m; "" when it
// fits.
std::string why(const document& d, const json& value) {
  auto r = d.check_params(*d.method("m"), json::array({value}));
  return r.value_or("");
}

std::string why(const json& schema, const json& value) {
  return why(with_schema(schema), value);
}

const char* petstore = R"({
  "openrpc": "1.2.6",
  "info": {"title": "petstore", "version": "2.1.0"},
  "methods": [
    {
      "name": "get_pet",
      "summary": "a pet by id",
      "params": [
        {"name": "id", "required": true, "schema": {"type": "integer", "minimum": 1}},
        {"name": "fields", "schema": {"type": "array", "items": {"type": "string"}}}
      ],
      "result": {"name": "pet", "schema": {"$ref": "#/components/schemas/Pet"}},
      "examples": [
        {"name": "one", "params": [{"name": "id", "value": 1}], "result": {"name": "pet", "value": {"id": 1, "name": "rex"}}},
        {"name": "two", "params": [{"name": "id", "value": 2}], "result": {"name": "pet", "value": {"id": 2, "name": "tom"}}},
        {"name": "gone", "params": [{"name": "id", "value": 3}], "error": {"code": -32001, "message": "no such pet"}},
        {"$ref": "#/components/examples/Four"},
        {"name": "none", "params": [{"name": "id", "value": 5}]}
      ]
    },
    {
      "name": "add_pet",
      "paramStructure": "by-name",
      "params": [{"name": "pet", "required": true, "schema": {"$ref": "#/components/schemas/Pet"}}],
      "result": {"name": "ok", "schema": {"type": "boolean"}}
    },
    {
      "name": "move",
      "description": "moves a pet",
      "paramStructure": "by-position",
      "params": [
        {"$ref": "#/components/contentDescriptors/Id"},
        {"name": "to", "schema": {"type": "string"}}
      ],
      "result": {"$ref": "#/components/contentDescriptors/Id"}
    }
  ],
  "components": {
    "schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string", "minLength": 1}}, "additionalProperties": false}},
    "contentDescriptors": {"Id": {"name": "id", "required": true, "schema": {"type": "integer"}}},
    "examples": {"Four": {"name": "four", "params": [{"name": "id", "value": 4}], "result": {"name": "pet", "value": "four"}}}
  }
})";

}  // namespace

TEST_CASE("an OpenRPC document that is not JSON names the line") {
  CHECK(errors_of("{\"methods\": [\n  {\"name\": 1}\n") == "d.json:3: not JSON");
  CHECK(errors_of("{\n  \"methods\": [,]\n}") == "d.json:2: not JSON");
  CHECK(errors_of("") == "d.json:1: not JSON");
  CHECK(errors_of("{\"methods\": [1e400]}") == "d.json: not JSON: a number out of range");
  CHECK(errors_of("{\"methods\": [], \"n\": -333e3333333}") ==
        "d.json: not JSON: a number out of range");
  CHECK(errors_of(std::string(200, '[') + std::string(200, ']')) ==
        "d.json: nested deeper than 128 levels");
}

TEST_CASE("an OpenRPC document needs an object with a methods array") {
  CHECK(errors_of("[]") == "d.json: not an OpenRPC document (an object)");
  CHECK(errors_of("{}") == "d.json: no \"methods\" array");
  CHECK(errors_of("{\"methods\": {}}") == "d.json: no \"methods\" array");
  auto d = parse("{\"methods\": []}");
  CHECK(d.method("x") == nullptr);
  CHECK(d.raw() == json{{"methods", json::array()}});
}

TEST_CASE("an OpenRPC document's methods need names, once each, and well-formed params") {
  CHECK(errors_of(R"({"methods": [1]})") == "d.json: methods[0]: no name");
  CHECK(errors_of(R"({"methods": [{"name": 1}]})") == "d.json: methods[0]: no name");
  CHECK(errors_of(R"({"methods": [{"name": "a"}, {"name": "a"}]})") ==
        "d.json: methods[1]: method 'a' is defined twice");
  CHECK(errors_of(R"({"methods": [{"name": "a", "params": {}}]})") ==
        "d.json: methods[0]: \"params\" must be an array");
  CHECK(errors_of(R"({"methods": [{"name": "a", "params": [{"name": "x"}, {"schema": {}}]}]})") ==
        "d.json: methods[0].params[1]: a param needs a name (or a $ref that resolves)");
  CHECK(errors_of(R"({"methods": [{"name": "a", "params": [{"$ref": "#/nowhere"}]}]})") ==
        "d.json: methods[0].params[0]: a param needs a name (or a $ref that resolves)");
  CHECK(errors_of(R"({"methods": [{"name": "a", "examples": {}}]})") ==
        "d.json: methods[0]: \"examples\" must be an array");
  // Every error at once.
  CHECK(errors_of(R"({"methods": [{}, {"name": "b", "params": 1}, {"name": "b"}]})") ==
        "d.json: methods[0]: no name\n"
        "d.json: methods[1]: \"params\" must be an array\n"
        "d.json: methods[2]: method 'b' is defined twice");
}

TEST_CASE("OpenRPC $refs resolve locally and a cycle just fails to resolve") {
  auto d = parse(petstore);
  auto* move = d.method("move");
  REQUIRE(move != nullptr);
  CHECK_FALSE(d.check_params(*move, json::array({1, "kennel"})));
  CHECK(d.check_params(*move, json::array({"1"})) == "param 'id': expected integer, got string");
  CHECK(d.check_params(*move, json::array()) == "param 'id' is required");

  // JSON pointer escapes: ~1 is '/', ~0 is '~'.
  json comps = {{"schemas", {{"a/b", {{"type", "string"}}}, {"c~d", {{"type", "integer"}}}}}};
  CHECK(why(with_schema({{"$ref", "#/components/schemas/a~1b"}}, comps), 1) ==
        "param 'x': expected string, got integer");
  CHECK(why(with_schema({{"$ref", "#/components/schemas/c~0d"}}, comps), 1).empty());

  // References that lead nowhere.
  for (json ref : {json("#/components/schemas/missing"), json("other.json#/a"), json(5),
                   json("#/components/schemas/a~2b"), json("#/methods/x")})
    CHECK_MESSAGE(
        why(with_schema({{"$ref", ref}}, comps), 1) == "param 'x': schema $ref does not resolve",
        ref.dump());

  // A cycle of references: refused, not followed forever.
  json cycle = {{"schemas",
                 {{"A", {{"$ref", "#/components/schemas/B"}}},
                  {"B", {{"$ref", "#/components/schemas/A"}}},
                  {"Self", {{"$ref", "#/components/schemas/Self"}}}}}};
  CHECK(why(with_schema({{"$ref", "#/components/schemas/A"}}, cycle), 1) ==
        "param 'x': schema $ref does not resolve");
  CHECK(why(with_schema({{"$ref", "#/components/schemas/Self"}}, cycle), 1) ==
        "param 'x': schema $ref does not resolve");
  CHECK(
      errors_of(
          R"({"methods": [{"name": "a", "params": [{"$ref": "#/components/contentDescriptors/P"}]}],
    "components": {"contentDescriptors": {"P": {"$ref": "#/components/contentDescriptors/P"}}}})")
          .ends_with("a param needs a name (or a $ref that resolves)"));

  // A recursive schema (a tree) is fine: each level of the value is one level of the schema.
  json tree = {
      {"schemas",
       {{"Node",
         {{"type", "object"},
          {"properties",
           {{"kids", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Node"}}}}},
            {"v", {{"type", "integer"}}}}}}}}}};
  auto t = with_schema({{"$ref", "#/components/schemas/Node"}}, tree);
  json value = {{"v", 1},
                {"kids", json::array({{{"v", 2}}, {{"kids", json::array({{{"v", "3"}}})}}})}};
  CHECK(why(t, value) == "param 'x': .kids: [1]: .kids: [0]: .v: expected integer, got string");
  value["kids"][1]["kids"][0]["v"] = 3;
  CHECK(why(t, value).empty());
}

TEST_CASE("OpenRPC schemas that branch through $refs are checked in bounded time") {
  // Each level is anyOf two references to the next: 2^40 paths for a value that fits none.
  auto chain = [](const char* op, json leaf) {
    json schemas = json::object();
    for (int i = 0; i < 40; ++i) {
      auto next = fmt::format("#/components/schemas/S{}", i + 1);
      schemas[fmt::format("S{}", i)] = {{op, json::array({{{"$ref", next}}, {{"$ref", next}}})}};
    }
    schemas["S40"] = std::move(leaf);
    return json{{"schemas", std::move(schemas)}};
  };
  auto start = std::chrono::steady_clock::now();
  auto any =
      with_schema({{"$ref", "#/components/schemas/S0"}}, chain("anyOf", {{"type", "string"}}));
  CHECK(why(any, 1) == "param 'x': the schema is too complex to check");
  CHECK(why(any, "s").empty());  // the first branch fits at every level
  // oneOf must look at both branches even when they fit.
  auto one =
      with_schema({{"$ref", "#/components/schemas/S0"}}, chain("oneOf", {{"type", "string"}}));
  CHECK(why(one, "s") == "param 'x': the schema is too complex to check");
  // allOf of branches that all fit.
  auto all = with_schema({{"$ref", "#/components/schemas/S0"}}, chain("allOf", json::object()));
  CHECK(why(all, 1) == "param 'x': the schema is too complex to check");
  // A reference cycle through anyOf: refused at the depth bound, each level three ways.
  json loop = {{"schemas",
                {{"L",
                  {{"anyOf", json::array({{{"$ref", "#/components/schemas/L"}},
                                          {{"$ref", "#/components/schemas/L"}},
                                          {{"$ref", "#/components/schemas/L"}}})}}}}}};
  CHECK(why(with_schema({{"$ref", "#/components/schemas/L"}}, loop), 1) ==
        "param 'x': the schema is too complex to check");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

  // A small branching schema is still checked in full.
  auto small =
      with_schema({{"$ref", "#/components/schemas/S30"}}, chain("anyOf", {{"type", "string"}}));
  CHECK(why(small, "s").empty());
  CHECK(why(small, 1).starts_with("param 'x': fits none of anyOf: fits none of anyOf:"));
  // So is a long array of small values.
  auto ints = with_schema({{"type", "array"}, {"items", {{"type", "integer"}, {"minimum", 0}}}});
  CHECK(why(ints, json(std::vector<int>(20000, 1))).empty());
}

TEST_CASE("OpenRPC type checks, with 2.0 an integer") {
  CHECK(why({{"type", "integer"}}, 2).empty());
  CHECK(why({{"type", "integer"}}, -2).empty());
  CHECK(why({{"type", "integer"}}, 2.0).empty());
  CHECK(why({{"type", "integer"}}, 2.5) == "param 'x': expected integer, got number");
  CHECK(why({{"type", "integer"}}, "2") == "param 'x': expected integer, got string");
  CHECK(why({{"type", "number"}}, 2).empty());
  CHECK(why({{"type", "number"}}, 2.5).empty());
  CHECK(why({{"type", "number"}}, true) == "param 'x': expected number, got boolean");
  CHECK(why({{"type", "string"}}, "").empty());
  CHECK(why({{"type", "boolean"}}, false).empty());
  CHECK(why({{"type", "null"}}, nullptr).empty());
  CHECK(why({{"type", "array"}}, json::array()).empty());
  CHECK(why({{"type", "object"}}, json::object()).empty());
  CHECK(why({{"type", "object"}}, json::array()) == "param 'x': expected object, got array");
  CHECK(why({{"type", json::array({"string", "null"})}}, nullptr).empty());
  CHECK(why({{"type", json::array({"string", "null"})}}, 1) ==
        "param 'x': expected string or null, got integer");
  CHECK(why({{"type", 5}}, 1).empty());  // not a type: not checked
  CHECK(why(true, 1).empty());
  CHECK(why(false, 1) == "param 'x': not allowed");
  CHECK(why({{"pattern", "^a$"}, {"format", "email"}}, "b").empty());  // not checked
}

TEST_CASE("OpenRPC enum and const compare whole values") {
  json e = {{"enum", json::array({"a", "b", 3, {{"k", 1}}})}};
  CHECK(why(e, "a").empty());
  CHECK(why(e, 3).empty());
  CHECK(why(e, 3.0).empty());
  CHECK(why(e, {{"k", 1}}).empty());
  CHECK(why(e, "c") == R"(param 'x': "c" is not one of ["a","b",3,{"k":1}])");
  CHECK(why({{"const", {{"a", json::array({1})}}}}, {{"a", json::array({1})}}).empty());
  CHECK(why({{"const", 3}}, 4) == "param 'x': must be 3");
  CHECK(why({{"const", nullptr}}, 0) == "param 'x': must be null");
  std::string longer(100, 'z');
  CHECK(why({{"const", "a"}}, longer) == "param 'x': must be \"a\"");
  CHECK(why({{"enum", json::array({1})}}, longer) ==
        "param 'x': \"" + std::string(56, 'z') + "... is not one of [1]");
}

TEST_CASE("OpenRPC object checks: required, properties and additionalProperties") {
  json s = {{"type", "object"},
            {"required", json::array({"a"})},
            {"properties", {{"a", {{"type", "string"}}}, {"b", {{"type", "integer"}}}}},
            {"additionalProperties", false}};
  CHECK(why(s, {{"a", "x"}}).empty());
  CHECK(why(s, {{"a", "x"}, {"b", 1}}).empty());
  CHECK(why(s, json::object()) == "param 'x': 'a' is required");
  CHECK(why(s, {{"a", 1}}) == "param 'x': .a: expected string, got integer");
  CHECK(why(s, {{"a", "x"}, {"c", 1}}) == "param 'x': 'c' is not allowed");
  s["additionalProperties"] = true;
  CHECK(why(s, {{"a", "x"}, {"c", 1}}).empty());
  s["additionalProperties"] = {{"type", "string"}};  // a schema: accepted, not checked
  CHECK(why(s, {{"a", "x"}, {"c", 1}}).empty());
  // Without a type, object keywords apply only to objects.
  CHECK(why({{"required", json::array({"a"})}}, 5).empty());
}

TEST_CASE("OpenRPC array checks: items, minItems and maxItems") {
  json s = {{"items", {{"type", "integer"}}}, {"minItems", 1}, {"maxItems", 2}};
  CHECK(why(s, json::array({1})).empty());
  CHECK(why(s, json::array({1, 2})).empty());
  CHECK(why(s, json::array()) == "param 'x': fewer than 1 items");
  CHECK(why(s, json::array({1, 2, 3})) == "param 'x': more than 2 items");
  CHECK(why(s, json::array({1, "a"})) == "param 'x': [1]: expected integer, got string");
  CHECK(why({{"items", false}}, json::array({1})) == "param 'x': [0]: not allowed");
  CHECK(why({{"items", false}}, json::array()).empty());
  CHECK(why({{"minItems", 3}}, "ab").empty());
}

TEST_CASE("OpenRPC number checks: minimum, maximum and the exclusive ones") {
  json s = {{"minimum", 1}, {"maximum", 10}};
  CHECK(why(s, 1).empty());
  CHECK(why(s, 10).empty());
  CHECK(why(s, 0) == "param 'x': 0 is below the minimum 1");
  CHECK(why(s, 11) == "param 'x': 11 is above the maximum 10");
  CHECK(why(s, 10.5) == "param 'x': 10.5 is above the maximum 10");
  CHECK(why({{"minimum", 1.5}}, 1) == "param 'x': 1 is below the minimum 1.5");
  json e = {{"exclusiveMinimum", 1}, {"exclusiveMaximum", 10}};
  CHECK(why(e, 5).empty());
  CHECK(why(e, 1) == "param 'x': 1 must be more than 1");
  CHECK(why(e, 10) == "param 'x': 10 must be less than 10");
  CHECK(why(e, 1.0001).empty());
  CHECK(why({{"minimum", "1"}}, 0).empty());  // not a number: not checked
  CHECK(why(s, "0").empty());                 // not a number: not bounded
}

TEST_CASE("OpenRPC string checks count characters, not bytes") {
  json s = {{"minLength", 2}, {"maxLength", 3}};
  CHECK(why(s, "ab").empty());
  CHECK(why(s, "abc").empty());
  CHECK(why(s, "a") == "param 'x': shorter than 2 characters");
  CHECK(why(s, "abcd") == "param 'x': longer than 3 characters");
  CHECK(why(s, "\xc3\xa9\xc3\xa9\xc3\xa9").empty());  // "ééé": 3 characters in 6 bytes
  CHECK(why(s, "\xe2\x82\xac") == "param 'x': shorter than 2 characters");  // "€"
  CHECK(why(s, 12345).empty());
}

TEST_CASE("OpenRPC anyOf, oneOf and allOf") {
  json any = {{"anyOf", json::array({{{"type", "string"}}, {{"type", "integer"}}})}};
  CHECK(why(any, "a").empty());
  CHECK(why(any, 1).empty());
  CHECK(why(any, true) == "param 'x': fits none of anyOf: expected string, got boolean");
  json one = {{"oneOf", json::array({{{"type", "integer"}}, {{"type", "number"}}})}};
  CHECK(why(one, 2.5).empty());
  CHECK(why(one, 2) == "param 'x': fits more than one of oneOf");
  CHECK(why(one, "a") == "param 'x': fits none of oneOf: expected integer, got string");
  json all = {{"allOf", json::array({{{"type", "integer"}}, {{"minimum", 3}}})}};
  CHECK(why(all, 4).empty());
  CHECK(why(all, 2) == "param 'x': 2 is below the minimum 3");
  CHECK(why(all, "4") == "param 'x': expected integer, got string");
  CHECK(why({{"anyOf", json::array()}}, 1).empty());  // empty: not checked
}

TEST_CASE("OpenRPC params by name and by position") {
  auto d = parse(petstore);
  auto& get = *d.method("get_pet");
  CHECK_FALSE(d.check_params(get, json::array({1})));
  CHECK_FALSE(d.check_params(get, json::array({1, json::array({"name"})})));
  CHECK_FALSE(d.check_params(get, {{"id", 1}}));
  CHECK_FALSE(d.check_params(get, {{"id", 1}, {"fields", json::array()}}));
  CHECK(d.check_params(get, json::array()) == "param 'id' is required");
  CHECK(d.check_params(get, json::object()) == "param 'id' is required");
  CHECK(d.check_params(get, json()) == "param 'id' is required");
  CHECK(d.check_params(get, json::array({0})) == "param 'id': 0 is below the minimum 1");
  CHECK(d.check_params(get, {{"fields", json::array({1})}, {"id", 1}}) ==
        "param 'fields': [0]: expected string, got integer");
  CHECK(d.check_params(get, json::array({1, json::array(), 3})) ==
        "3 params given, the method takes 2");
  CHECK(d.check_params(get, {{"id", 1}, {"color", "red"}}) == "unknown param 'color'");

  auto& add = *d.method("add_pet");
  CHECK(d.check_params(add, json::array({{{"name", "x"}}})) == "params go by name for this method");
  CHECK(d.check_params(add, json::array()) == "param 'pet' is required");
  CHECK_FALSE(d.check_params(add, {{"pet", {{"name", "x"}}}}));
  CHECK(d.check_params(add, {{"pet", {{"name", "x"}, {"age", 3}}}}) ==
        "param 'pet': 'age' is not allowed");
  CHECK(d.check_params(add, {{"pet", {{"name", ""}}}}) ==
        "param 'pet': .name: shorter than 1 characters");

  auto& move = *d.method("move");
  CHECK(d.check_params(move, {{"id", 1}}) == "params go by position for this method");
  CHECK_FALSE(d.check_params(move, json::array({1})));

  // A method without params takes none.
  auto bare = parse(R"({"methods": [{"name": "ping"}]})");
  CHECK_FALSE(bare.check_params(*bare.method("ping"), json::array()));
  CHECK_FALSE(bare.check_params(*bare.method("ping"), json::object()));
  CHECK(bare.check_params(*bare.method("ping"), json::array({1})) ==
        "1 params given, the method takes 0");
  CHECK(bare.check_params(*bare.method("ping"), {{"a", 1}}) == "unknown param 'a'");
}

TEST_CASE("OpenRPC examples answer the call whose params they give, else the first") {
  auto d = parse(petstore);
  auto& get = *d.method("get_pet");
  auto result = [&](const json& params) {
    auto a = d.answer(get, params);
    REQUIRE(a);
    REQUIRE(a->result);
    CHECK_FALSE(a->error);
    return *a->result;
  };
  CHECK(result(json::array({2})) == json{{"id", 2}, {"name", "tom"}});
  CHECK(result({{"id", 2}}) == json{{"id", 2}, {"name", "tom"}});
  CHECK(result(json::array({1})) == json{{"id", 1}, {"name", "rex"}});
  CHECK(result(json::array({7})) == json{{"id", 1}, {"name", "rex"}});  // no match: the first
  CHECK(result({{"id", 2}, {"fields", json::array()}}) == json{{"id", 1}, {"name", "rex"}});
  CHECK(result(json::array()) == json{{"id", 1}, {"name", "rex"}});
  CHECK(result(json::array({4})) == json("four"));   // an example given by $ref
  CHECK(result(json::array({5})) == json(nullptr));  // neither result nor error

  auto gone = d.answer(get, json::array({3}));
  REQUIRE(gone);
  CHECK_FALSE(gone->result);
  CHECK(gone->error == json{{"code", -32001}, {"message", "no such pet"}});

  CHECK_FALSE(d.answer(*d.method("add_pet"), {{"pet", {{"name", "x"}}}}));  // no examples
  auto empty = parse(R"({"methods": [{"name": "a", "examples": []},
    {"name": "b", "examples": [1, {"$ref": "#/x"}, {"params": [], "result": {"value": 9}}]},
    {"name": "c", "examples": [{"params": 5, "result": 7}]}]})");
  CHECK_FALSE(empty.answer(*empty.method("a"), json::array()));
  auto b = empty.answer(*empty.method("b"), json::array());
  REQUIRE(b);
  CHECK(b->result == json(9));  // examples that are not objects are passed over
  auto c = empty.answer(*empty.method("c"), json::array());
  REQUIRE(c);
  CHECK(c->result == json(nullptr));  // a result that is not an example object: null
}

TEST_CASE("rpc.discover documents are made of the served methods") {
  auto m = describe_method("add", "adds", {"a", "b"});
  CHECK(m["name"] == "add");
  CHECK(m["summary"] == "adds");
  CHECK(m["params"].size() == 2);
  CHECK(m["params"][1] == json{{"name", "b"}, {"required", true}, {"schema", json::object()}});
  CHECK_FALSE(describe_method("x", "", {}).contains("summary"));
  auto doc = make_document("calc", "1.0", json::array({m}));
  CHECK(doc["openrpc"] == "1.2.6");
  CHECK(doc["info"] == json{{"title", "calc"}, {"version", "1.0"}});
  auto back = parse(doc.dump());
  CHECK_FALSE(back.check_params(*back.method("add"), json::array({1, 2})));
  CHECK(back.check_params(*back.method("add"), json::array({1})) == "param 'b' is required");
}

TEST_CASE("rpc list prints one line per method") {
  auto d = parse(petstore);
  CHECK(table(d.raw()) ==
        "petstore 2.1.0\n"
        "get_pet(id: integer, fields?: array) -> Pet  a pet by id\n"
        "add_pet(pet: Pet) -> boolean\n"
        "move(id: integer, to?: string) -> integer  moves a pet\n");
  CHECK(
      table(json::parse(
          R"({"methods": [{"name": "n", "params": [{"name": "v", "schema": {"type": ["string", "null"]}}]}]})")) ==
      "n(v?: [\"string\",\"null\"])\n");
}

TEST_CASE("rpc list prints a peer's document with members of the wrong types") {
  CHECK(table(json("x")).empty());
  CHECK(table(json::array()).empty());
  CHECK(table(json::object()).empty());
  CHECK(table({{"methods", {{"a", 1}}}}).empty());
  // A title that is not text is no title: no header line.
  CHECK(table({{"info", {{"title", 1}, {"version", 2}}}, {"methods", 3}}).empty());
  CHECK(table({{"info", {{"title", "t"}}}}) == "t\n");
  auto doc = json::parse(R"({
    "info": "x",
    "methods": [
      1, null, [],
      {"name": 5, "params": "p", "result": 3, "summary": []},
      {"name": "ok", "params": [{"name": 1, "required": "yes", "schema": "s"}, 2, {"$ref": 7}, {"$ref": "#/nowhere"}],
       "result": {"schema": {"type": 5}}, "description": "d"},
      {"name": "refs", "params": [{"name": "a", "schema": {"$ref": 1}}, {"name": "b", "schema": {"$ref": "Plain"}}],
       "result": {"schema": {"$ref": "#/components/schemas/"}}, "summary": 1, "description": 2},
      {"name": "cyc", "params": [{"$ref": "#/components/contentDescriptors/C"}]}
    ],
    "components": {"contentDescriptors": {"C": {"$ref": "#/components/contentDescriptors/C"}}}
  })");
  CHECK(table(doc) ==
        "?()\n"
        "ok(?\?, ?\?, ?\?) -> 5  d\n"
        "refs(a?, b?: Plain)\n"
        "cyc(?\?)\n");
}

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "commands/rpc/methods.hpp"
#include "core/error.hpp"
#include "tests/unit/load_error.hpp"

using namespace std::chrono_literals;
using namespace commands::rpc_mock;

namespace {

method_table parse(std::string_view text) {
  return parse_methods(text, "m.toml");
}

// The message that loading `text` gives; fails the test if it loads.
std::string errors_of(std::string_view text) {
  return load_error(parse, text);
}

std::size_t lines_in(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')) + 1;
}

// A call's surroundings for expand(): params, the method's param names, id, method, count, n.
struct call {
  json params;
  std::vector<std::string> names;
  json id = "c1";
  std::uint64_t count = 1;
  std::uint64_t n = 0;

  json operator()(const json& tmpl) const {
    template_scope s{&params, &names, &id, "calc", count, n};
    return expand(tmpl, s);
  }
};

}  // namespace

TEST_CASE("a methods file with every kind of method loads") {
  auto t = parse(R"([service]
name = "calculator"
version = "1.0.0"

[[method]]
name = "add"
summary = "adds numbers"
params = ["a", "b"]
result = "{{params.a}}"
delay = "200ms"

[[method]]
name = "flaky"
cycle = true
delay = "1s"
[[method.sequence]]
error = { code = -32002 }
[[method.sequence]]
result = "ok"
delay = "5ms"

[[method]]
name = "subscribe"
result = "subscribed"
[method.stream]
params = { n = "{{n}}" }

[[method]]
name = "ticker"
[method.stream]
method = "tick"
params = ["{{n}}", "{{id}}"]
interval = "250ms"
count = 3

[[method]]
name = "nothing"
result_json = '{"v": null}'

[[method]]
name = "null"
result_json = "null"

[[method]]
name = "fail"
error = {}

[[method]]
name = "fail2"
error = { code = -32601, data = { why = "{{params.0}}" } }

[[method]]
name = "fail3"
error = { code = 7, message = "custom" }
)");
  CHECK(t.source == "m.toml");
  CHECK(t.service_name == "calculator");
  CHECK(t.service_version == "1.0.0");
  REQUIRE(t.methods.size() == 9);
  CHECK(t.find("missing") == nullptr);

  auto* add = t.find("add");
  REQUIRE(add != nullptr);
  CHECK(add->line == 5);
  CHECK(add->summary == "adds numbers");
  CHECK(add->params == std::vector<std::string>{"a", "b"});
  CHECK(add->answer.result == json("{{params.a}}"));
  CHECK_FALSE(add->answer.error);
  CHECK(add->answer.delay == 200ms);
  CHECK(add->sequence.empty());
  CHECK_FALSE(add->cycle);
  CHECK_FALSE(add->stream);

  auto* flaky = t.find("flaky");
  REQUIRE(flaky != nullptr);
  CHECK(flaky->cycle);
  CHECK(flaky->answer.delay == 1s);
  REQUIRE(flaky->sequence.size() == 2);
  CHECK(flaky->sequence[0].error == json{{"code", -32002}, {"message", "Server error"}});
  CHECK_FALSE(flaky->sequence[0].result);
  CHECK(flaky->sequence[0].delay == 1s);  // the method's delay is the default
  CHECK(flaky->sequence[1].result == json("ok"));
  CHECK(flaky->sequence[1].delay == 5ms);

  auto* sub = t.find("subscribe");
  REQUIRE(sub != nullptr);
  REQUIRE(sub->stream);
  CHECK(sub->stream->method == "subscribe");
  CHECK(sub->stream->params == json{{"n", "{{n}}"}});
  CHECK(sub->stream->interval == 1s);
  CHECK(sub->stream->count == 10);

  auto* ticker = t.find("ticker");
  REQUIRE(ticker != nullptr);
  CHECK(ticker->answer.result == json(nullptr));  // no result given: null
  REQUIRE(ticker->stream);
  CHECK(ticker->stream->method == "tick");
  CHECK(ticker->stream->params == json::array({"{{n}}", "{{id}}"}));
  CHECK(ticker->stream->interval == 250ms);
  CHECK(ticker->stream->count == 3);

  CHECK(t.find("nothing")->answer.result == json{{"v", nullptr}});
  REQUIRE(t.find("null")->answer.result);
  CHECK(t.find("null")->answer.result->is_null());
  CHECK(t.find("fail")->answer.error == json{{"code", -32000}, {"message", "Server error"}});
  CHECK_FALSE(t.find("fail")->answer.result);
  CHECK(t.find("fail2")->answer.error == json{{"code", -32601},
                                              {"message", "Method not found"},
                                              {"data", {{"why", "{{params.0}}"}}}});
  CHECK(t.find("fail3")->answer.error == json{{"code", 7}, {"message", "custom"}});
}

TEST_CASE("an empty methods file loads with no methods") {
  auto t = parse("");
  CHECK(t.methods.empty());
  CHECK(t.service_name.empty());
}

TEST_CASE("methods file: unknown keys are reported with their line") {
  CHECK(errors_of("[servcie]\nname = \"x\"\n")
            .starts_with("m.toml:1: unknown key 'servcie' (expected one of: service, method)"));
  CHECK(errors_of("[service]\nname = \"x\"\nversoin = \"1\"\n") ==
        "m.toml:3: unknown key 'versoin' in [service] (expected one of: name, version)");
  auto m = errors_of("[[method]]\nname = \"a\"\nresutl = 2\n");
  CHECK(m.starts_with("m.toml:3: unknown key 'resutl' in [[method]] (expected one of: name,"));
  CHECK(errors_of("[[method]]\nname = \"a\"\nerror = { code = 1, mesage = \"x\" }\n") ==
        "m.toml:3: unknown key 'mesage' in error (expected one of: code, message, data)");
  CHECK(errors_of("[[method]]\nname = \"a\"\n[[method.sequence]]\nresult = 1\nparams = []\n")
            .starts_with("m.toml:5: unknown key 'params' in [[method.sequence]]"));
  CHECK(errors_of("[[method]]\nname = \"a\"\n[method.stream]\ncout = 3\n")
            .starts_with("m.toml:4: unknown key 'cout' in [method.stream]"));
}

TEST_CASE("methods file: names are required, unique and not rpc.") {
  CHECK(errors_of("[[method]]\nresult = 1\n") == "m.toml:1: a [[method]] needs a name");
  CHECK(errors_of("[[method]]\nname = \"\"\n") == "m.toml:1: a [[method]] needs a name");
  CHECK(errors_of("[[method]]\nname = 3\n") == "m.toml:2: 'name' must be a string");
  CHECK(errors_of("[[method]]\nname = \"a\"\n\n[[method]]\nname = \"a\"\n") ==
        "m.toml:4: method 'a' is defined twice");
  CHECK(errors_of("[[method]]\nname = \"rpc.discover\"\n") ==
        "m.toml:2: method names starting with 'rpc.' are reserved");
  CHECK(errors_of("method = 1\n") == "m.toml:1: method must be an array of tables ([[method]])");
  CHECK(errors_of("service = 1\n") == "m.toml:1: [service] must be a table");
}

TEST_CASE("methods file: delays, intervals and counts are checked") {
  for (auto bad : {"\"soon\"", "\"2h\"", "\"-1s\"", "5"})
    CHECK_MESSAGE(errors_of(fmt::format("[[method]]\nname = \"a\"\ndelay = {}\n", bad))
                      .starts_with("m.toml:3: 'delay"),
                  bad);
  CHECK(errors_of("[[method]]\nname = \"a\"\ndelay = \"2h\"\n") ==
        "m.toml:3: 'delay' must be a duration from 0 to 1h (\"250ms\", \"2s\")");
  CHECK(errors_of("[[method]]\nname = \"a\"\n[[method.sequence]]\ndelay = \"x\"\n")
            .starts_with("m.toml:4: 'delay' must be a duration"));
  CHECK(parse("[[method]]\nname = \"a\"\ndelay = \"1h\"\n").methods[0].answer.delay == 1h);
  CHECK(parse("[[method]]\nname = \"a\"\ndelay = \"0s\"\n").methods[0].answer.delay == 0s);

  for (auto bad : {"0", "1000001", "\"5\"", "1.5", "-1"})
    CHECK_MESSAGE(
        errors_of(fmt::format("[[method]]\nname = \"a\"\n[method.stream]\ncount = {}\n", bad)) ==
            "m.toml:4: 'count' must be an integer from 1 to 1000000",
        bad);
  CHECK(parse("[[method]]\nname = \"a\"\n[method.stream]\ncount = 1000000\n")
            .methods[0]
            .stream->count == 1'000'000);
  CHECK(errors_of("[[method]]\nname = \"a\"\n[method.stream]\ninterval = \"0s\"\n") ==
        "m.toml:4: 'interval' must be more than 0");
  CHECK(errors_of("[[method]]\nname = \"a\"\n[method.stream]\ninterval = \"3h\"\n")
            .starts_with("m.toml:4: 'interval' must be a duration"));
}

TEST_CASE("methods file: values of the wrong kind are reported") {
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult = 1\nerror = { code = 1 }\n") ==
        "m.toml:1: give one of result, result_json and error");
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult = 1\nresult_json = \"2\"\n") ==
        "m.toml:1: give one of result, result_json and error");
  CHECK(errors_of("[[method]]\nname = \"a\"\n\n[[method.sequence]]\nresult = 1\nerror = {}\n") ==
        "m.toml:4: give one of result, result_json and error");
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult_json = \"{nope\"\n") ==
        "m.toml:3: 'result_json' must be a string holding JSON");
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult_json = \"1e400\"\n") ==
        "m.toml:3: 'result_json' must be a string holding JSON");
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult_json = 1\n") ==
        "m.toml:3: 'result_json' must be a string holding JSON");
  CHECK(errors_of("[[method]]\nname = \"a\"\nerror = \"boom\"\n")
            .starts_with("m.toml:3: 'error' must be a table"));
  CHECK(errors_of("[[method]]\nname = \"a\"\nerror = { code = \"x\" }\n") ==
        "m.toml:3: 'code' must be an integer (a JSON-RPC error code)");
  CHECK(errors_of("[[method]]\nname = \"a\"\nerror = { code = 4294967296 }\n") ==
        "m.toml:3: 'code' must be an integer (a JSON-RPC error code)");
  CHECK(errors_of("[[method]]\nname = \"a\"\nerror = { message = 1 }\n") ==
        "m.toml:3: 'message' must be a string");
  CHECK(errors_of("[[method]]\nname = \"a\"\ncycle = \"yes\"\n") ==
        "m.toml:3: 'cycle' must be true or false");
  CHECK(errors_of("[[method]]\nname = \"a\"\nparams = [\"a\", 1]\n") ==
        "m.toml:3: 'params' must be an array of names");
  CHECK(errors_of("[[method]]\nname = \"a\"\nparams = \"a\"\n") ==
        "m.toml:3: 'params' must be an array of names");
  CHECK(errors_of("[[method]]\nname = \"a\"\nsequence = []\n") ==
        "m.toml:3: 'sequence' must be a non-empty array of tables");
  CHECK(errors_of("[[method]]\nname = \"a\"\nsequence = [1]\n") ==
        "m.toml:3: each [[method.sequence]] entry must be a table");
  CHECK(errors_of("[[method]]\nname = \"a\"\nstream = 1\n") ==
        "m.toml:3: 'stream' must be a table ([method.stream])");
  CHECK(errors_of("[[method]]\nname = \"a\"\n[method.stream]\nparams = \"x\"\n") ==
        "m.toml:4: stream 'params' must be an array or a table");
  CHECK(errors_of("[[method]]\nname = \"a\"\n[method.stream]\nmethod = 1\n") ==
        "m.toml:4: 'method' must be a string");
}

TEST_CASE("methods file: templates with unknown placeholders are refused where they are") {
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult = \"{{parms.x}}\"\n") ==
        "m.toml:3: unknown placeholder {{parms.x}} (known: params, params.NAME, params.N, "
        "method, id, count)");
  // {{n}} counts notifications: only a stream has it.
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult = \"call {{n}}\"\n")
            .starts_with("m.toml:3: unknown placeholder {{n}}"));
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult = { x = [1, \"{{method.x}}\"] }\n")
            .starts_with("m.toml:3: unknown placeholder {{method.x}}"));
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult_json = '{\"a\": \"{{ids}}\"}'\n")
            .starts_with("m.toml:3: unknown placeholder {{ids}}"));
  CHECK(errors_of("[[method]]\nname = \"a\"\nerror = { message = \"{{nope}}\" }\n")
            .starts_with("m.toml:3: unknown placeholder {{nope}}"));
  CHECK(errors_of("[[method]]\nname = \"a\"\nerror = { data = [\"{{id.x}}\"] }\n")
            .starts_with("m.toml:3: unknown placeholder {{id.x}}"));
  CHECK(errors_of("[[method]]\nname = \"a\"\n[[method.sequence]]\nresult = \"{{x}}\"\n")
            .starts_with("m.toml:4: unknown placeholder {{x}}"));
  CHECK(errors_of("[[method]]\nname = \"a\"\n[method.stream]\nparams = [\"{{k}}\"]\n") ==
        "m.toml:4: unknown placeholder {{k}} (known: params, params.NAME, params.N, method, id, "
        "count, n)");
  // Deep in a value is still looked at.
  std::string deep = "[[method]]\nname = \"a\"\nresult = " + std::string(130, '[') + "\"{{x}}\"" +
                     std::string(130, ']') + "\n";
  CHECK(errors_of(deep).starts_with("m.toml:3: unknown placeholder {{x}}"));

  // Every known one loads.
  auto t = parse(R"([[method]]
name = "a"
result = "{{params}} {{params.x}} {{params.0.y}} {{ method }} {{id}} {{count}} {{params.q|7}}"
[method.stream]
params = ["{{n}}", "{{params}}", "{{count}}"]
)");
  CHECK(t.methods.size() == 1);
}

TEST_CASE("methods file: every error is reported at once, each with its line") {
  auto m = errors_of(R"([[method]]
name = "a"
result = 1
delay = "soon"

[[method]]
name = "a"
resutl = 2

[[method]]
name = "rpc.x"
[method.stream]
count = 0
)");
  CHECK(m ==
        "m.toml:4: 'delay' must be a duration from 0 to 1h (\"250ms\", \"2s\")\n"
        "m.toml:8: unknown key 'resutl' in [[method]] (expected one of: name, summary, params, "
        "result, result_json, error, delay, sequence, cycle, stream)\n"
        "m.toml:6: method 'a' is defined twice\n"
        "m.toml:11: method names starting with 'rpc.' are reserved\n"
        "m.toml:13: 'count' must be an integer from 1 to 1000000");
  CHECK(lines_in(m) == 5);
}

TEST_CASE("methods file: TOML that does not parse names the line") {
  CHECK(errors_of("[[method]]\nname = \"a\"\nresult = \n").starts_with("m.toml:3: "));
}

TEST_CASE("methods file: load_methods reads a file and names a missing one") {
  auto dir = (std::filesystem::temp_directory_path() / "vitnet-methods-XXXXXX").string();
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  auto path = dir + "/m.toml";
  std::ofstream(path) << "[[method]]\nname = \"ping\"\nresult = \"pong\"\n";
  auto t = load_methods(path);
  CHECK(t.source == path);
  CHECK(t.find("ping")->answer.result == json("pong"));
  std::filesystem::remove_all(dir);
  try {
    load_methods(path);
    FAIL("loaded a missing file");
  } catch (const vitnet::error& e) {
    CHECK(e.code() == core::exit_code::no_input);
  }
}

TEST_CASE("a template that is exactly one placeholder keeps the value's type") {
  call c{.params = {{"a", 5}, {"o", {{"x", json::array({1, 2})}}}, {"s", "hi"}, {"b", true}}};
  CHECK(c("{{params.a}}") == json(5));
  CHECK(c("{{params.o}}") == json{{"x", json::array({1, 2})}});
  CHECK(c("{{params.s}}") == json("hi"));
  CHECK(c("{{params.b}}") == json(true));
  CHECK(c("{{ params.a }}") == json(5));
  CHECK(c("{{params}}") == c.params);
  CHECK(c("{{params.missing}}") == json(nullptr));
}

TEST_CASE("placeholders inside text are inserted as compact JSON, strings without quotes") {
  call c{
      .params = {{"a", 1.5}, {"o", {{"x", json::array({1, "y"})}}}, {"s", "hi"}, {"z", nullptr}}};
  CHECK(c("a={{params.a}} o={{params.o}} s={{params.s}}") == json(R"(a=1.5 o={"x":[1,"y"]} s=hi)"));
  CHECK(c("[{{params.missing}}][{{params.z}}]") == json("[][]"));
  CHECK(c("{{params.s}}{{params.s}}") == json("hihi"));
  CHECK(c("{{params.s}}}") == json("hi}"));
  CHECK(c("no placeholder") == json("no placeholder"));
  CHECK(c("unclosed {{params.s") == json("unclosed {{params.s"));
  CHECK(c("{{params.s}} and {{params.s") == json("hi and {{params.s"));
}

TEST_CASE("params are reached by name, by index and by the method's declared names") {
  call named{.params = {{"a", 1}, {"b", {{"c", json::array({10, {{"d", "deep"}}})}}}}};
  CHECK(named("{{params.a}}") == json(1));
  CHECK(named("{{params.b.c.0}}") == json(10));
  CHECK(named("{{params.b.c.1.d}}") == json("deep"));
  CHECK(named("{{params.b.c.2}}") == json(nullptr));
  CHECK(named("{{params.b.x.y}}") == json(nullptr));
  CHECK(named("{{params.0}}") == json(nullptr));

  call positional{.params = json::array({10, 20, json::array({7, 8})}), .names = {"a", "b", "c"}};
  CHECK(positional("{{params.0}}") == json(10));
  CHECK(positional("{{params.1}}") == json(20));
  CHECK(positional("{{params.3}}") == json(nullptr));
  CHECK(positional("{{params.b}}") == json(20));
  CHECK(positional("{{params.c.1}}") == json(8));
  // Declared names apply to the params themselves, not to what is inside them.
  CHECK(positional("{{params.c.a}}") == json(nullptr));
  CHECK(positional("{{params.zz}}") == json(nullptr));
  CHECK(positional("{{params.99999999999}}") == json(nullptr));

  call fewer{.params = json::array({1}), .names = {"a", "b"}};
  CHECK(fewer("{{params.b}}") == json(nullptr));
  CHECK(fewer("{{params.b|2}}") == json(2));

  template_scope no_params{.method = "m"};
  CHECK(expand("{{params.a}}", no_params) == json(nullptr));
  CHECK(expand("{{params|none}}", no_params) == json("none"));
  CHECK(expand("{{id}}", no_params) == json(nullptr));
}

TEST_CASE("a default after | stands in for a missing value") {
  call c{.params = {{"x", 0}, {"s", ""}}};
  CHECK(c("{{params.y|7}}") == json(7));
  CHECK(c("{{params.y|[1,2]}}") == json::array({1, 2}));
  CHECK(c("{{params.y|\"q\"}}") == json("q"));
  CHECK(c("{{params.y|hello world}}") == json("hello world"));
  CHECK(c("{{params.y|}}") == json(""));
  CHECK(c("{{params.y|null}}") == json(nullptr));
  CHECK(c("{{params.x|7}}") == json(0));   // present, even if falsy
  CHECK(c("{{params.s|7}}") == json(""));  // present
  CHECK(c("n={{params.y|7}} w={{params.y|world}}") == json("n=7 w=world"));
  CHECK(c("{{params.y|a|b}}") == json("a|b"));
}

TEST_CASE("method, id, count and n fill from the call") {
  call c{.params = json::array(), .id = "abc", .count = 3, .n = 2};
  CHECK(c("{{method}}") == json("calc"));
  CHECK(c("{{id}}") == json("abc"));
  CHECK(c("{{count}}") == json(3));
  CHECK(c("{{n}}") == json(2));
  CHECK(c("{{method}}#{{count}}/{{n}} id={{id}}") == json("calc#3/2 id=abc"));
  call numeric{.id = 7};
  CHECK(numeric("id {{id}}") == json("id 7"));
  CHECK(numeric("{{id}}") == json(7));
}

TEST_CASE("expand walks arrays and objects, leaving keys and other values as they are") {
  call c{.params = {{"a", 1}}, .count = 4};
  json tmpl = {{"{{id}}", json::array({"{{count}}", 1, true, nullptr, 2.5})},
               {"k", {{"v", "{{params.a}}!"}}}};
  CHECK(c(tmpl) == json{{"{{id}}", json::array({4, 1, true, nullptr, 2.5})}, {"k", {{"v", "1!"}}}});
  CHECK(c(json(12)) == json(12));
  CHECK(c(json(nullptr)) == json(nullptr));
  // What a value holds is not expanded again.
  call nested{.params = {{"t", "{{id}}"}}};
  CHECK(nested("{{params.t}}") == json("{{id}}"));
  CHECK(nested("<{{params.t}}>") == json("<{{id}}>"));
}

TEST_CASE("unknown_placeholder names the first placeholder no call could fill") {
  CHECK(unknown_placeholder("{{nope}}", false) == "{{nope}}");
  CHECK(unknown_placeholder("{{n}}", false) == "{{n}}");
  CHECK(unknown_placeholder("{{n}}", true).empty());
  CHECK(unknown_placeholder("{{count.x}}", false) == "{{count.x}}");
  CHECK(unknown_placeholder("{{}}", false) == "{{}}");
  CHECK(unknown_placeholder("a {{params.a}} b {{bad|1}} c", false) == "{{bad|1}}");
  CHECK(unknown_placeholder(json{{"k", json::array({1, "{{x}}"})}}, false) == "{{x}}");
  CHECK(unknown_placeholder(json{{"{{x}}", 1}}, false).empty());  // keys are not templates
  CHECK(unknown_placeholder("{{params.a|{{x}}", false).empty());  // the default is "{{x"
  CHECK(unknown_placeholder("unclosed {{x", false).empty());
  CHECK(unknown_placeholder(json(3), false).empty());
}

TEST_CASE("answer_for picks the sequence entry for a call, repeating the last or cycling") {
  method_spec plain;
  plain.answer.result = "always";
  CHECK(&answer_for(plain, 0) == &plain.answer);
  CHECK(&answer_for(plain, 1) == &plain.answer);
  CHECK(&answer_for(plain, 1000) == &plain.answer);

  method_spec seq;
  seq.sequence.resize(3);
  CHECK(&answer_for(seq, 0) == &seq.sequence[0]);
  CHECK(&answer_for(seq, 1) == &seq.sequence[0]);
  CHECK(&answer_for(seq, 2) == &seq.sequence[1]);
  CHECK(&answer_for(seq, 3) == &seq.sequence[2]);
  CHECK(&answer_for(seq, 4) == &seq.sequence[2]);
  CHECK(&answer_for(seq, UINT64_MAX) == &seq.sequence[2]);

  seq.cycle = true;
  CHECK(&answer_for(seq, 3) == &seq.sequence[2]);
  CHECK(&answer_for(seq, 4) == &seq.sequence[0]);
  CHECK(&answer_for(seq, 5) == &seq.sequence[1]);
  CHECK(&answer_for(seq, 7) == &seq.sequence[0]);

  auto t = parse(R"([[method]]
name = "flaky"
[[method.sequence]]
error = { code = -32020 }
[[method.sequence]]
result = "ok"
)");
  auto& m = t.methods[0];
  CHECK(answer_for(m, 1).error);
  CHECK(answer_for(m, 2).result == json("ok"));
  CHECK(answer_for(m, 3).result == json("ok"));
}

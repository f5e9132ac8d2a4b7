#include "commands/serve/http/routes/routes.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::chrono::system_clock::time_point t0{std::chrono::seconds(1714564800)};

// Files that body_file may name, by path, for routes parsed from memory.
std::map<std::string, std::string> files;

commands::http::route_table routes(std::string_view text) {
  return commands::http::parse_routes(text, "r.toml", "", [](const std::string& p) {
    auto it = files.find(p);
    return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

proto::request req(std::string method, std::string target, std::string body = {},
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
  proto::request r;
  r.method = std::move(method);
  r.target = target;
  auto q = target.find('?');
  r.path = *proto::percent_decode(target.substr(0, q));
  if (q != std::string::npos) r.query = target.substr(q + 1);
  for (auto& [k, v] : headers) r.headers.add(k, v);
  r.body = std::move(body);
  return r;
}

// The error message that parsing `text` gives; fails the test if it parses.
std::string parse_error(std::string_view text) {
  try {
    routes(text);
  } catch (const vitnet::error& e) {
    CHECK(e.code() == core::exit_code::data);
    return e.what();
  }
  FAIL("parsed: ", text);
  return {};
}

// A fresh directory under the system's temporary directory.
std::filesystem::path temp_dir() {
  auto pattern = (std::filesystem::temp_directory_path() / "vitnet-routes-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

void write(const std::filesystem::path& p, std::string_view text) {
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("mock routes answer with the first matching route in file order") {
  commands::http::mock_api api(routes(R"(
[[route]]
path = "/users/me"
body = "me"
[[route]]
path = "/users/:id"
body = "user {{params.id}}"
[[route]]
path = "/users/me"
body = "never reached"
)"));
  auto a = api.handle(req("GET", "/users/me"), t0);
  CHECK(a.resp.status == 200);
  CHECK(a.resp.body == "me");
  CHECK(a.route == 0u);
  CHECK(a.resp.headers.get("Content-Type") == "text/plain; charset=utf-8");
  auto b = api.handle(req("GET", "/users/7"), t0);
  CHECK(b.resp.body == "user 7");
  CHECK(b.route == 1u);
}

TEST_CASE("mock route paths take :params, * for one segment and ** for the rest") {
  commands::http::mock_api api(routes(R"(
[[route]]
path = "/a/:x/*/:y"
body = "{{params.x}}-{{params.y}}"
[[route]]
path = "/files/**"
body = "rest={{params.rest}}"
[[route]]
path = "/my%20docs/:name"
body = "{{params.name}}"
)"));
  CHECK(api.handle(req("GET", "/my%20docs/a%2Fb"), t0).resp.body == "a/b");
  CHECK(api.handle(req("GET", "/a/1/skip/2"), t0).resp.body == "1-2");
  CHECK(api.handle(req("GET", "/a/1//2"), t0).resp.status == 404);  // * needs a segment
  CHECK(api.handle(req("GET", "/a/1/skip/2/3"), t0).resp.status == 404);
  CHECK(api.handle(req("GET", "/files/x/y.txt"), t0).resp.body == "rest=x/y.txt");
  CHECK(api.handle(req("GET", "/files"), t0).resp.body == "rest=");
  CHECK(api.handle(req("GET", "/files/a%20b"), t0).resp.body == "rest=a b");
  CHECK(api.handle(req("GET", "/filesx"), t0).resp.status == 404);
}

TEST_CASE("mock route methods default to GET, which also answers HEAD") {
  commands::http::mock_api api(routes(R"(
[[route]]
path = "/g"
[[route]]
method = ["put", "PATCH"]
path = "/p"
[[route]]
method = "*"
path = "/any"
)"));
  CHECK(api.handle(req("GET", "/g"), t0).route == 0u);
  CHECK(api.handle(req("HEAD", "/g"), t0).route == 0u);
  CHECK(api.handle(req("POST", "/g"), t0).resp.status == 404);
  CHECK(api.handle(req("PUT", "/p"), t0).route == 1u);
  CHECK(api.handle(req("PATCH", "/p"), t0).route == 1u);
  CHECK(api.handle(req("put", "/p"), t0).resp.status == 404);  // methods are case-sensitive
  CHECK(api.handle(req("BREW", "/any"), t0).route == 2u);
}

TEST_CASE("mock routes match query parameters by value or by presence") {
  commands::http::mock_api api(routes(R"(
[[route]]
path = "/s"
query = { q = "a b", page = "*" }
body = "hit"
)"));
  CHECK(api.handle(req("GET", "/s?q=a+b&page=3"), t0).resp.body == "hit");
  CHECK(api.handle(req("GET", "/s?page=&q=a%20b"), t0).resp.body == "hit");
  CHECK(api.handle(req("GET", "/s?q=a+b&q=c&page=1"), t0).resp.body == "hit");
  CHECK(api.handle(req("GET", "/s?q=a+b"), t0).resp.status == 404);
  CHECK(api.handle(req("GET", "/s?q=ab&page=1"), t0).resp.status == 404);
}

TEST_CASE("mock routes match headers with names in any case and exact values") {
  commands::http::mock_api api(routes(R"(
[[route]]
path = "/h"
headers = { X-Api-Key = "secret", X-Trace = "*" }
)"));
  CHECK(api.handle(req("GET", "/h", "", {{"x-api-key", "secret"}, {"X-TRACE", ""}}), t0).route);
  CHECK(!api.handle(req("GET", "/h", "", {{"x-api-key", "Secret"}, {"X-Trace", "1"}}), t0).route);
  CHECK(!api.handle(req("GET", "/h", "", {{"x-api-key", "secret"}}), t0).route);
}

TEST_CASE("mock routes match bodies by substring, JSON subset and regular expression") {
  commands::http::mock_api api(routes(R"(
[[route]]
method = "POST"
path = "/c"
body_contains = "needle"
body = "contains"
[[route]]
method = "POST"
path = "/j"
body_json = { user = { name = "ada" }, tags = ["a", 1], n = 2 }
body = "json"
[[route]]
method = "POST"
path = "/r"
body_matches = '^id=\d+$'
body = "regex"
[[route]]
method = "POST"
path = "/alt"
body_matches = '^(a|b)*c$|[]]]$'
[[route]]
method = "POST"
path = "/nul"
body_matches = 'b[[:space:]]\d$'
)"));
  CHECK(api.handle(req("POST", "/c", "hay needle hay"), t0).route == 0u);
  CHECK(!api.handle(req("POST", "/c", "hay"), t0).route);
  CHECK(api.handle(req("POST", "/j", R"({"n": 2.0, "user": {"name": "ada", "age": 36},
                                         "tags": ["a", 1], "x": null})"),
                   t0)
            .route == 1u);
  CHECK(!api.handle(req("POST", "/j", R"({"n": 2, "user": {"name": "bob"}, "tags": ["a", 1]})"), t0)
             .route);
  CHECK(!api.handle(req("POST", "/j", R"({"n": 2, "user": {"name": "ada"}, "tags": ["a"]})"), t0)
             .route);
  CHECK(!api.handle(req("POST", "/j", "not json"), t0).route);
  CHECK(api.handle(req("POST", "/r", "id=42"), t0).route == 2u);
  CHECK(!api.handle(req("POST", "/r", "id=x"), t0).route);
  CHECK(api.handle(req("POST", "/r", "id=" + std::string(60000, '1')), t0).route == 2u);
  // The regex sees only the first 64 KiB; '$' does not match where the body was cut.
  CHECK(!api.handle(req("POST", "/r", "id=" + std::string(1 << 20, '1')), t0).route);
  CHECK(api.handle(req("POST", "/alt", std::string(60000, 'a') + "c"), t0).route == 3u);
  CHECK(api.handle(req("POST", "/alt", "x[]]"), t0).route == 3u);
  CHECK(api.handle(req("POST", "/nul", std::string("a\0b 7", 5)), t0).route == 4u);
}

TEST_CASE("mock route templates fill in params, query, headers, method, path and body") {
  commands::http::mock_api api(routes(R"(
[[route]]
method = "*"
path = "/t/:id"
response_headers = { X-Echo = "{{query.h}}" }
body = "{{method}} {{path}} id={{params.id}} q={{query.q}} page={{query.page|1}} ua={{headers.user-agent}} name={{ body.user.name }} first={{body.tags.0}} n={{count}} body={{body}}"
[[route]]
path = "/raw"
template = false
body = "{{ not a template }}"
)"));
  auto r = api.handle(req("POST", "/t/7?q=x%26y&h=a%0D%0AInjected:%201",
                          R"({"user": {"name": "ada"}, "tags": ["t1"]})", {{"User-Agent", "curl"}}),
                      t0);
  CHECK(
      r.resp.body ==
      R"(POST /t/7 id=7 q=x&y page=1 ua=curl name=ada first=t1 n=1 body={"user": {"name": "ada"}, "tags": ["t1"]})");
  // A header value from the request cannot split the response's header block.
  CHECK(r.resp.headers.get("X-Echo") == "a  Injected: 1");
  CHECK(api.handle(req("GET", "/t/8"), t0).resp.body ==
        "GET /t/8 id=8 q= page=1 ua= name= first= n=2 body=");
  CHECK(api.handle(req("GET", "/raw"), t0).resp.body == "{{ not a template }}");
}

TEST_CASE("mock route json bodies are rendered, serialised and typed") {
  commands::http::mock_api api(routes(R"(
[[route]]
path = "/u/:id"
json = { id = "{{params.id}}", n = 1, ok = true, list = [1.5, "{{query.x}}"], day = 2024-05-01 }
[[route]]
path = "/typed"
body = ' {"raw": true}'
[[route]]
path = "/own"
response_headers = { content-type = "application/problem+json" }
json = {}
)"));
  auto r = api.handle(req("GET", "/u/7?x=%22quoted%22"), t0);
  CHECK(r.resp.headers.get("Content-Type") == "application/json");
  auto j = json::parse(r.resp.body);
  CHECK(j["id"] == "7");
  CHECK(j["n"] == 1);
  CHECK(j["ok"] == true);
  CHECK(j["list"][1] == "\"quoted\"");
  CHECK(j["day"] == "2024-05-01");
  CHECK(api.handle(req("GET", "/typed"), t0).resp.headers.get("Content-Type") ==
        "application/json");
  CHECK(api.handle(req("GET", "/own"), t0).resp.headers.get("Content-Type") ==
        "application/problem+json");
}

TEST_CASE("mock route sequences advance per call, then repeat the last or cycle") {
  commands::http::mock_api api(routes(R"(
[[route]]
path = "/once"
status = 201
response_headers = { X-Route = "once" }
[[route.sequence]]
status = 503
[[route.sequence]]
body = "ok"
response_headers = { X-Entry = "2" }

[[route]]
path = "/cycle"
cycle = true
[[route.sequence]]
body = "a"
[[route.sequence]]
body = "b"
)"));
  auto first = api.handle(req("GET", "/once"), t0);
  CHECK(first.resp.status == 503);
  CHECK(first.resp.headers.get("X-Route") == "once");
  CHECK(!first.resp.headers.contains("X-Entry"));
  for (int i = 0; i < 3; ++i) {
    auto later = api.handle(req("GET", "/once"), t0);
    CHECK(later.resp.status == 201);  // the route's status is the entries' default
    CHECK(later.resp.body == "ok");
    CHECK(later.resp.headers.get("X-Entry") == "2");
  }
  std::string seen;
  for (int i = 0; i < 5; ++i) seen += api.handle(req("GET", "/cycle"), t0).resp.body;
  CHECK(seen == "ababa");
  CHECK(api.calls(0) == 4);
  CHECK(api.calls(1) == 5);
}

TEST_CASE("mock route delays come from the entry, the route or the defaults") {
  commands::http::mock_api api(routes(R"(
[defaults]
delay = "5ms"
response_headers = { X-Mock = "vitnet {{method}}" }
[[route]]
path = "/d"
[[route]]
path = "/r"
delay = "200ms"
[[route.sequence]]
[[route.sequence]]
delay = "1.5s"
)"));
  auto d = api.handle(req("GET", "/d"), t0);
  CHECK(d.delay == 5ms);
  CHECK(d.resp.headers.get("X-Mock") == "vitnet GET");
  CHECK(api.handle(req("GET", "/r"), t0).delay == 200ms);
  CHECK(api.handle(req("GET", "/r"), t0).delay == 1500ms);
  // Default headers reach 404s too.
  CHECK(api.handle(req("GET", "/none"), t0).resp.headers.get("X-Mock") == "vitnet GET");
}

TEST_CASE("an unmatched request gets a 404 naming the closest routes and why they differ") {
  commands::http::mock_api api(routes(R"(
[[route]]
name = "orders"
path = "/orders/:id"
query = { verbose = "1" }
[[route]]
method = "POST"
path = "/order/:id"
[[route]]
path = "/completely/different/thing"
[[route]]
path = "/slash/"
)"));
  auto r = api.handle(req("GET", "/order/7"), t0);
  CHECK(r.resp.status == 404);
  CHECK(!r.route);
  CHECK(r.resp.headers.get("Content-Type") == "application/json");
  auto j = json::parse(r.resp.body);
  CHECK(j["error"] == "no route matches GET /order/7");
  REQUIRE(j["closest"].size() == 3);
  CHECK(j["closest"][0]["index"] == 1);
  CHECK(j["closest"][0]["differences"] == json{"method is GET, route wants POST"});
  CHECK(j["closest"][1]["name"] == "orders");
  CHECK(j["closest"][1]["line"] == 2);
  CHECK(j["closest"][1]["differences"] ==
        json{"path segment 1 is 'order', route wants 'orders'", "missing query verbose=1"});

  auto q = json::parse(api.handle(req("GET", "/orders/7?verbose=2"), t0).resp.body);
  CHECK(q["closest"][0]["differences"] == json{"query verbose is '2', route wants '1'"});
  auto s = json::parse(api.handle(req("GET", "/slash"), t0).resp.body);
  CHECK(s["closest"][0]["path"] == "/slash/");
  CHECK(s["closest"][0]["differences"] ==
        json{"route's path ends with '/', the request's does not"});
  auto t = json::parse(api.handle(req("GET", "/completely/different/thing/"), t0).resp.body);
  CHECK(t["closest"][0]["differences"] == json{"path ends with '/', the route's does not"});
}

TEST_CASE("the request log records each call and DELETE starts everything over") {
  commands::http::mock_api api(routes(R"(
[[route]]
name = "first"
method = "POST"
path = "/a"
[[route.sequence]]
body = "1"
[[route.sequence]]
body = "2"
)"));
  api.handle(req("POST", "/a?x=1", "payload", {{"X-Test", "a"}, {"x-test", "b"}}), t0 + 1500ms);
  api.handle(req("GET", "/nothing"), t0);
  auto control = api.handle(req("GET", "/__vitnet/requests"), t0);
  CHECK(!control.route);
  CHECK(control.resp.headers.get("Content-Type") == "application/json");
  auto log = json::parse(control.resp.body);
  CHECK(log["total"] == 2);
  CHECK(log["unmatched"] == 1);
  CHECK(log["routes"][0]["name"] == "first");
  CHECK(log["routes"][0]["count"] == 1);
  CHECK(log["routes"][0]["methods"] == json{"POST"});
  REQUIRE(log["requests"].size() == 2);
  auto& e = log["requests"][0];
  CHECK(e["time"] == "2024-05-01T12:00:01.500Z");
  CHECK(e["method"] == "POST");
  CHECK(e["path"] == "/a");
  CHECK(e["query"] == "x=1");
  CHECK(e["body"] == "payload");
  CHECK(e["headers"]["X-Test"] == "a");
  CHECK(e["headers"]["x-test"] == "b");
  CHECK(e["route"] == 0);
  CHECK(e["name"] == "first");
  CHECK(e["status"] == 200);
  CHECK(log["requests"][1]["route"].is_null());
  CHECK(log["requests"][1]["status"] == 404);

  CHECK(api.handle(req("DELETE", "/__vitnet/requests"), t0).resp.status == 204);
  CHECK(api.calls(0) == 0);
  CHECK(json::parse(api.requests_json())["requests"].empty());
  CHECK(api.handle(req("POST", "/a"), t0).resp.body == "1");  // the sequence starts over
  CHECK(api.handle(req("PUT", "/__vitnet/requests"), t0).resp.status == 405);
  CHECK(api.handle(req("GET", "/__vitnet/other"), t0).resp.status == 404);
}

TEST_CASE("the request log keeps only the most recent requests") {
  commands::http::mock_api api(routes("[[route]]\npath = \"/\"\n"), 3);
  for (int i = 0; i < 5; ++i) api.handle(req("GET", "/?n=" + std::to_string(i)), t0);
  auto log = json::parse(api.requests_json());
  CHECK(log["total"] == 5);
  REQUIRE(log["requests"].size() == 3);
  CHECK(log["requests"][0]["query"] == "n=2");
  CHECK(log["requests"][2]["query"] == "n=4");
}

TEST_CASE("routes file errors name the file and line") {
  struct bad_file {
    const char* text;
    const char* message;  // the whole message: one error
  };
  files["/there.json"] = "{}";
  const bad_file cases[] = {
      {"[[route]]\npath = \"/a\"\nbody = \"x\n", "r.toml:3: "},  // TOML syntax
      {"[route]\npath = \"/\"", "r.toml:1: 'route' must be [[route]] tables"},
      {"# nothing\n", "r.toml:1: no routes: add [[route]] tables (see examples/routes.toml)"},
      {"[[route]]\npath = \"/\"\nstatu = 200",
       "r.toml:3: unknown key 'statu' in a [[route]] (did you mean 'status'?)"},
      {"[[route]]\npath = \"/\"\n[route.response]\nstatus = 1",
       "r.toml:3: unknown key 'response' in a [[route]] (write the keys on the route itself: path, "
       "query, headers, ... status, body)"},
      {"[[rout]]\npath = \"/\"",
       "r.toml:1: unknown key 'rout' in a routes file (did you mean 'route'?)\n"
       "r.toml:1: no routes: add [[route]] tables (see examples/routes.toml)"},
      {"[[route]]\nname = \"x\"",
       "r.toml:1: a [[route]] needs a 'path', such as path = \"/users/:id\""},
      {"[[route]]\npath = \"users\"", "r.toml:2: 'path' must start with '/'"},
      {"[[route]]\npath = \"/a?b=1\"",
       "r.toml:2: 'path' holds '?' or '#' (match the query with query = { name = \"value\" })"},
      {"[[route]]\npath = \"/**/a\"", "r.toml:2: '**' must be the last segment of 'path'"},
      {"[[route]]\npath = \"/a/:\"",
       "r.toml:2: ':' is not a param name (letters, digits, '_' and '-'; a :param takes a whole "
       "segment)"},
      {"[[route]]\npath = \"/:a/:a\"", "r.toml:2: ':a' appears twice in 'path'"},
      {"[[route]]\npath = \"/__vitnet/requests\"",
       "r.toml:2: paths under /__vitnet/ are reserved for vitnet's control endpoints"},
      {"[[route]]\npath = \"/\"\nmethod = 5",
       "r.toml:3: 'method' must be a string such as \"GET\", a list of them, or \"*\""},
      {"[[route]]\npath = \"/\"\nmethod = \"GE T\"", "r.toml:3: 'GE T' is not a method name"},
      {"[[route]]\npath = \"/\"\nquery = \"a=1\"",
       "r.toml:3: 'query' must be a table: query = { name = \"value\" }"},
      {"[[route]]\npath = \"/\"\nheaders = { X = 1 }", "r.toml:3: 'headers.X' must be a string"},
      {"[[route]]\npath = \"/\"\nheaders = { \"Bad Name\" = \"1\" }",
       "r.toml:3: 'Bad Name' is not a valid header name"},
      {"[[route]]\npath = \"/\"\nbody_matches = \"(\"",
       "r.toml:3: 'body_matches' is not a valid regular expression: "},
      {"[[route]]\npath = \"/\"\nbody_matches = \"(a{100}){1000}\"",
       "r.toml:3: 'body_matches' repeats too much (counted repetitions multiply past 10000)"},
      {"[[route]]\npath = \"/\"\nstatus = 99",
       "r.toml:3: 'status' must be a number from 200 to 599"},
      {"[[route]]\npath = \"/\"\nstatus = \"200\"",
       "r.toml:3: 'status' must be a number from 200 to 599"},
      {"[[route]]\npath = \"/\"\nstatus = 204\nbody = \"x\"",
       "r.toml:4: a 204 response has no body"},
      {"[[route]]\npath = \"/\"\nbody = \"x\"\njson = {}",
       "r.toml:4: 'body' and 'json' both give the body; keep one"},
      {"[[route]]\npath = \"/\"\nbody_file = \"missing.json\"",
       "r.toml:3: body_file 'missing.json': cannot read missing.json"},
      {"[[route]]\npath = \"/\"\ndelay = \"soon\"",
       "r.toml:3: 'soon' is not a duration ('delay'; try \"200ms\", \"1.5s\")"},
      {"[[route]]\npath = \"/\"\ndelay = 200", "r.toml:3: 'delay' must be a string"},
      {"[[route]]\npath = \"/\"\nresponse_headers = { Content-Length = \"5\" }",
       "r.toml:3: 'Content-Length' is set by the server, not by the routes file"},
      {"[[route]]\npath = \"/\"\nresponse_headers = { X = \"a\\r\\nb\" }",
       "r.toml:3: 'response_headers.X' holds a line break or NUL"},
      {"[[route]]\npath = \"/:id\"\nbody = \"{{params.ib}}\"",
       "r.toml:3: '{{params.ib}}': the path has no :ib"},
      {"[[route]]\npath = \"/\"\nbody = \"{{params.id}}\"",
       "r.toml:3: '{{params.id}}': there are no :params here"},
      {"[[route]]\npath = \"/\"\nbody = \"{{param.id}}\"",
       "r.toml:3: unknown placeholder '{{param.id}}' (did you mean 'params.id'?)"},
      {"[[route]]\npath = \"/\"\nbody = \"{{metod}}\"",
       "r.toml:3: unknown placeholder '{{metod}}' (did you mean 'method'?)"},
      {"[[route]]\npath = \"/\"\nbody = \"{{query}}\"",
       "r.toml:3: placeholder '{{query}}' needs a name: '{{query.NAME}}'"},
      {"[[route]]\npath = \"/\"\nbody = \"{{ open\"",
       "r.toml:3: '{{' without a closing '}}' (set template = false to send braces as they are)"},
      {"[[route]]\npath = \"/\"\njson = { a = [\"{{nope}}\"] }",
       "r.toml:3: unknown placeholder '{{nope}}' (try method, path, body, count, params.NAME, "
       "query.NAME, headers.NAME, body.FIELD)"},
      {"[[route]]\npath = \"/\"\nresponse_headers = { X = \"{{headers}}\" }",
       "r.toml:3: placeholder '{{headers}}' needs a name: '{{headers.NAME}}'"},
      {"[[route]]\npath = \"/\"\ncycle = true",
       "r.toml:3: 'cycle' needs [[route.sequence]] entries"},
      {"[[route]]\npath = \"/\"\nsequence = []",
       "r.toml:3: 'sequence' must be one or more [[route.sequence]] tables"},
      {"[[route]]\npath = \"/\"\nbody = \"x\"\n[[route.sequence]]\nstatus = 500",
       "r.toml:1: the route's body and its [[route.sequence]] both give the response; move the "
       "body into a sequence entry"},
      {"[[route]]\npath = \"/\"\n[[route.sequence]]\nstatus = 500\nbodyy = \"x\"",
       "r.toml:5: unknown key 'bodyy' in a [[route.sequence]] entry (did you mean 'body'?)"},
      {"[[route]]\nname = \"a\"\npath = \"/\"\n[[route]]\nname = \"a\"\npath = \"/b\"",
       "r.toml:5: route name 'a' is already used on line 1"},
      {"[[route]]\npath = \"/**\"\nbody = \"{{params.rest}}\"\n[[route]]\npath = \"/:rest/**\"",
       "r.toml:5: ':rest' clashes with '**', whose value is {{params.rest}}"},
      {"[defaults]\ndelai = \"1s\"\n[[route]]\npath = \"/\"",
       "r.toml:2: unknown key 'delai' in [defaults] (did you mean 'delay'?)"},
      {"defaults = 1\n[[route]]\npath = \"/\"", "r.toml:1: 'defaults' must be a table: [defaults]"},
      {"[[route]]\npath = \"/\"\ntemplate = \"no\"", "r.toml:3: 'template' must be true or false"},
  };
  for (const auto& c : cases) {
    auto message = parse_error(c.text);
    std::string_view want = c.message;
    if (want.ends_with(": "))
      CHECK_MESSAGE(message.starts_with(want), c.text, "\n=> ", message);
    else
      CHECK_MESSAGE(message == want, c.text, "\n=> ", message);
  }
  CHECK(routes("[[route]]\npath = \"/\"\nbody_file = \"/there.json\"").size() == 1);
}

TEST_CASE("routes file errors are reported together, in line order") {
  auto message = parse_error(R"([[route]]
path = "/a"
stauts = 200
[[route]]
path = "b"
delay = "x"
body = "{{nope}}"
)");
  CHECK(message ==
        "r.toml:3: unknown key 'stauts' in a [[route]] (did you mean 'status'?)\n"
        "r.toml:5: 'path' must start with '/'\n"
        "r.toml:6: 'x' is not a duration ('delay'; try \"200ms\", \"1.5s\")\n"
        "r.toml:7: unknown placeholder '{{nope}}' (try method, path, body, count, params.NAME, "
        "query.NAME, headers.NAME, body.FIELD)");
}

TEST_CASE("a routes file on disk reads body_file beside it and types it by extension") {
  auto dir = temp_dir();
  std::filesystem::create_directory(dir / "data");
  write(dir / "data" / "user.json", "{\"id\": \"{{params.id}}\"}");
  write(dir / "routes.toml", "[[route]]\npath = \"/u/:id\"\nbody_file = \"data/user.json\"\n");
  commands::http::mock_api api(commands::http::load_routes((dir / "routes.toml").string()));
  auto r = api.handle(req("GET", "/u/1"), t0);
  CHECK(r.resp.body == "{\"id\": \"{{params.id}}\"}");  // files are sent as they are
  CHECK(r.resp.headers.get("Content-Type") == "application/json");

  write(dir / "bad.toml", "[[route]]\npath = \"/\"\nbody_file = \"data\"\n");
  auto bad = (dir / "bad.toml").string();
  try {
    commands::http::load_routes(bad);
    FAIL("a directory was read as a body_file");
  } catch (const vitnet::error& e) {
    CHECK(std::string(e.what()) ==
          fmt::format("{}:3: body_file 'data': cannot read {}", bad, (dir / "data").string()));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a missing routes file fails with exit code 66") {
  try {
    commands::http::load_routes("/nonexistent/routes.toml");
    FAIL("loaded a missing file");
  } catch (const vitnet::error& e) {
    CHECK(e.code() == core::exit_code::no_input);
    CHECK(std::string(e.what()) == "/nonexistent/routes.toml: no such file or directory");
  }
}

TEST_CASE("the example routes file loads and answers as its comments say") {
  auto path = std::filesystem::path(__FILE__).parent_path() / "../../../examples/routes.toml";
  commands::http::mock_api api(commands::http::load_routes(path.string()));
  CHECK(api.handle(req("GET", "/health"), t0).resp.body == "ok\n");
  auto user = api.handle(req("GET", "/users/7"), t0);
  CHECK(json::parse(user.resp.body)["name"] == "user 7");
  CHECK(user.resp.headers.get("Access-Control-Allow-Origin") == "*");
  auto created = api.handle(req("POST", "/users", R"({"name":"ada"})"), t0);
  CHECK(created.resp.status == 201);
  CHECK(json::parse(created.resp.body)["name"] == "ada");
  CHECK(api.handle(req("POST", "/users", R"({"name":"bob"})"), t0).resp.status == 422);
  CHECK(api.handle(req("GET", "/flaky"), t0).resp.status == 503);
  CHECK(api.handle(req("GET", "/flaky"), t0).resp.status == 503);
  CHECK(api.handle(req("GET", "/flaky"), t0).resp.status == 200);
  CHECK(api.handle(req("OPTIONS", "/users"), t0).resp.status == 204);
  CHECK(api.handle(req("DELETE", "/users/1", "", {{"Authorization", "Bearer admin"}}), t0)
            .resp.status == 204);
  CHECK(api.handle(req("GET", "/slow"), t0).delay == 2s);
  CHECK(api.handle(req("PUT", "/static/a/b"), t0).resp.body == "PUT of a/b\n");
  CHECK(json::parse(api.handle(req("GET", "/users?page=2"), t0).resp.body)["page"] == "2");
}

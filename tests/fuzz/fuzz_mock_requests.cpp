// Fuzzes the mock API with requests from outside, where fuzz_routes fuzzes the routes file: the
// input is a client's byte stream, parsed into requests as the server parses it, and each is
// answered by a fixed route table whose matchers and templates draw on every part of a request
// ({{body.FIELD}}, {{query.NAME}}, {{headers.NAME}}, {{params.NAME}}, {{count}}...). A response
// must keep the mock's promises: a real status, header values without line breaks, no
// Content-Length, JSON where JSON is promised, and a route answers only requests it matches.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "commands/serve/http/routes/routes.hpp"
#include "core/json.hpp"
#include "proto/http1/parser.hpp"

namespace {

namespace http = commands::http;

constexpr std::string_view routes_toml = R"(
[defaults]
response_headers = { X-Request-Host = "{{headers.host}}" }

[[route]]
name = "create user"
method = "POST"
path = "/users"
body_json = { role = "admin" }
status = 201
json = { name = "{{body.name}}", first_tag = "{{body.tags.0}}", deep = "{{body.a.b.c|none}}", raw = "{{body}}", n = [1, "{{count}}"] }
response_headers = { X-Name = "{{body.name}}", X-Count = "{{count}}" }

[[route]]
name = "get user"
method = ["GET", "PUT"]
path = "/users/:id"
query = { verbose = "1" }
body = "user {{params.id}} q={{query.q|none}} ua={{headers.user-agent}} {{method}} {{path}}"
response_headers = { X-Query = "{{query.q}}", X-Id = "{{params.id}}" }

[[route]]
name = "keyed files"
method = "*"
path = "/files/*/**"
headers = { X-Api-Key = "secret" }
body = "{{params.rest}}"

[[route]]
name = "search"
method = "POST"
path = "/search"
body_contains = "needle"
body_matches = '"limit": *[0-9]+'
body = '{"limit": "{{body.limit}}", "raw": {{body}}}'

[[route]]
name = "flaky"
path = "/seq/"
cycle = true
sequence = [{ body = "one" }, { status = 503, response_headers = { Retry-After = "{{query.wait|1}}" } }]
)";

const http::route_table& table() {
  static const auto t = http::parse_routes(routes_toml, "fuzz.toml", "", [](const std::string&) {
    return std::optional<std::string>();
  });
  return t;
}

// Whether `req` has a field `name` (any case) whose value is exactly `value`.
bool has_field(const proto::request& req, std::string_view name, std::string_view value) {
  for (const auto& [k, v] : req.headers.fields())
    if (proto::iequals(k, name) && v == value) return true;
  return false;
}

bool has_query(const proto::request& req, std::string_view name, std::string_view value) {
  for (const auto& [k, v] : proto::parse_query(req.query))
    if (k == name && v == value) return true;
  return false;
}

void check(const proto::request& req, const http::mock_result& m) {
  const auto& resp = m.resp;
  if (resp.status < 200 || resp.status > 599) std::abort();
  if (m.delay.count() < 0) std::abort();
  for (const auto& [k, v] : resp.headers.fields())
    if (k.empty() || v.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      std::abort();
  if (resp.headers.contains("Content-Length")) std::abort();
  bool control = req.path == "/__vitnet" || req.path.starts_with("/__vitnet/");
  if (!m.route) {
    // A 404 (or a 400 for a body nested too deep) explains itself in JSON.
    if (!control && resp.status != 404 && resp.status != 400) std::abort();
    if (!control && !nlohmann::json::accept(resp.body)) std::abort();
    return;
  }
  if (control) std::abort();
  switch (*m.route) {
    case 0:  // create user: promises a JSON body, and takes only a JSON body with role "admin"
      if (req.method != "POST" || resp.status != 201) std::abort();
      if (!nlohmann::json::accept(resp.body)) std::abort();
      if (auto j = core::parse_peer_json(req.body);
          !j || !j->is_object() || !j->contains("role") || (*j)["role"] != "admin")
        std::abort();
      break;
    case 1:
      if (req.method != "GET" && req.method != "PUT" && req.method != "HEAD") std::abort();
      if (!has_query(req, "verbose", "1")) std::abort();
      break;
    case 2:
      if (!has_field(req, "X-Api-Key", "secret")) std::abort();
      break;
    case 3:
      if (req.method != "POST" || req.body.find("needle") == std::string::npos) std::abort();
      break;
    case 4:
      if (resp.status != 200 && resp.status != 503) std::abort();
      break;
    default:
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::mock_api api(table(), 8);
  proto::request_parser parser;
  parser.feed(std::string_view(reinterpret_cast<const char*>(data), size));
  auto now = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 56);
  int answered = 0;
  for (auto ev = parser.poll(); ev != proto::http_event::need_more && answered < 16;
       ev = parser.poll()) {
    if (ev == proto::http_event::error || ev == proto::http_event::end) break;
    if (ev == proto::http_event::paused) {
      parser.resume();
      continue;
    }
    if (ev != proto::http_event::message) continue;
    auto req = parser.take();
    check(req, api.handle(req, now));
    ++answered;
  }
  if (!nlohmann::json::accept(api.requests_json())) std::abort();
  return 0;
}

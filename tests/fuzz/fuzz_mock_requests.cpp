// Fuzzes the mock API with requests from outside, where fuzz_routes fuzzes the routes file: a
// fixed set of routes with matchers and templates ({{body.x}}, {{query.q}}, {{headers.h}},
// {{params.id}}) answers whatever request the input parses to. Never a crash (deeply nested
// JSON included), always a real status and header values without line breaks.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "commands/serve/http/routes/routes.hpp"
#include "core/error.hpp"
#include "proto/http1/parser.hpp"

namespace {

constexpr std::string_view routes = R"(
[[route]]
method = "POST"
path = "/users"
json = { name = "{{body.name}}", first = "{{body.tags.0}}", raw = "{{body}}" }
status = 201

[[route]]
path = "/users/:id"
query = { verbose = "1" }
body = "user {{params.id}} {{query.q}} {{headers.user-agent}}"

[[route]]
path = "/files/**"
headers = { X-Api-Key = "secret" }
body = "{{path}} {{method}}"

[[route]]
path = "/seq"
sequence = [{ body = "one" }, { status = 503, body = "two" }]
)";

const commands::http::route_table& table() {
  static const auto t = commands::http::parse_routes(
      routes, "fuzz.toml", "", [](const std::string&) { return std::optional<std::string>(); });
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static commands::http::mock_api api(table(), 8);
  proto::request_parser p;
  p.feed(std::string_view(reinterpret_cast<const char*>(data), size));
  auto now = std::chrono::system_clock::time_point{};
  for (int n = 0; n < 4; ++n) {
    auto ev = p.poll();
    if (ev != proto::http_event::message) break;
    auto req = p.take();
    auto m = api.handle(req, now);
    if (m.resp.status < 100 || m.resp.status > 599) std::abort();
    for (const auto& [k, v] : m.resp.headers.fields())
      if (k.empty() || v.find_first_of("\r\n") != std::string::npos) std::abort();
    if (p.poll() == proto::http_event::paused) p.resume();
  }
  if (!nlohmann::json::accept(api.requests_json())) std::abort();
  return 0;
}

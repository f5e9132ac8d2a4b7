// Fuzzes the mock API's routes file parser, then answers a few fixed requests with whatever
// parsed; and the static files' Range and path parsers. Bad input may only throw vitnet::error;
// responses must keep their promises (a real status, no line break in a header value, JSON
// where JSON is promised).
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "commands/serve/http/routes/routes.hpp"
#include "commands/serve/http/static/static.hpp"

namespace {

proto::request make(const char* method, const char* path, const char* query, const char* body) {
  proto::request r;
  r.method = method;
  r.path = path;
  r.query = query;
  r.target = std::string(path) + (*query ? "?" : "") + query;
  r.body = body;
  r.headers.add("Host", "fuzz");
  r.headers.add("X-Api-Key", "secret");
  return r;
}

void check_response(const commands::http::mock_result& m) {
  if (m.resp.status < 200 || m.resp.status > 599) std::abort();
  for (const auto& [k, v] : m.resp.headers.fields())
    if (k.empty() || v.find_first_of("\r\n") != std::string::npos) std::abort();
  if (m.resp.status == 404 && !m.route && !nlohmann::json::accept(m.resp.body)) std::abort();
  if (m.delay.count() < 0) std::abort();
}

void fuzz_routes(std::string_view text) {
  commands::http::route_table table;
  try {
    table = commands::http::parse_routes(text, "fuzz.toml", "", [](const std::string& p) {
      return p == "data.json" ? std::optional<std::string>("{\"a\": 1}") : std::nullopt;
    });
  } catch (const vitnet::error& e) {
    if (e.code() != core::exit_code::data || std::string_view(e.what()).empty()) std::abort();
    return;
  }
  commands::http::mock_api api(table, 4);
  const proto::request requests[] = {
      make("GET", "/", "", ""),
      make("GET", "/users/7", "verbose=1&q=a%20b", ""),
      make("HEAD", "/users/7/", "", ""),
      make("POST", "/a/b/c", "x", "{\"name\": \"ada\", \"tags\": [1, 2], \"n\": {\"m\": null}}"),
      make("PUT", "/a//b", "=&&=x", "id=42"),
      make("GET", "/__vitnet/requests", "", ""),
      make("DELETE", "/__vitnet/requests", "", ""),
  };
  auto now = std::chrono::system_clock::time_point{};
  for (int round = 0; round < 2; ++round)
    for (const auto& r : requests) check_response(api.handle(r, now));
  if (!nlohmann::json::accept(api.requests_json())) std::abort();
}

void fuzz_ranges(std::string_view text) {
  for (std::uint64_t size : {0ull, 1ull, 100ull, 1ull << 40}) {
    auto r = commands::http::parse_range(text, size);
    if (r.k != commands::http::range_request::kind::satisfiable) {
      if (!r.ranges.empty()) std::abort();
      continue;
    }
    if (r.ranges.empty() || r.ranges.size() > commands::http::max_ranges) std::abort();
    for (std::size_t i = 0; i < r.ranges.size(); ++i) {
      const auto& b = r.ranges[i];
      if (b.first > b.last || b.last >= size) std::abort();
      if (i && b.first <= r.ranges[i - 1].last + 1) std::abort();
    }
    if (size <= 100) {
      std::string content(size, 'x');
      auto body = commands::http::multipart_byteranges_body(content, r.ranges, "text/plain", "B");
      if (body.size() != commands::http::multipart_byteranges(r.ranges, size, "text/plain", "B").length)
        std::abort();
    }
  }
}

void fuzz_path(std::string_view text) {
  auto p = commands::http::safe_relative_path(text);
  if (!p) return;
  if (p->find('\\') != std::string::npos || p->find('\0') != std::string::npos) std::abort();
  if (*p == ".." || p->starts_with("../") || p->ends_with("/..") ||
      p->find("/../") != std::string::npos || p->starts_with('/') ||
      p->find("//") != std::string::npos)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_routes(text);
  fuzz_ranges(text);
  fuzz_path(text);
  return 0;
}

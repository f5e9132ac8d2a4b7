// Fuzzes what a static file server reads from a request's conditional and negotiation fields:
// If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since (evaluate_preconditions),
// If-Range (range_applies), Range (parse_range) and Accept (prefers_json, listing_response).
// The first byte picks the method and the entity tag's strength; the rest is header lines
// "Name: value". No crash, and the answers keep RFC 9110's rules: GET and HEAD agree, only they
// get 304, "*" and our own tag match, a weak tag never makes a range apply, ranges lie inside the
// representation, sorted and apart, and a listing is the JSON or HTML it says it is.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "commands/serve/http/static/static.hpp"
#include "proto/http1/date.hpp"

namespace http = commands::http;
using std::chrono::system_clock;

namespace {

// 2024-05-01 12:00:00.5 UTC: a modification time with a fraction of a second, which the
// one-second precision of HTTP dates drops.
const system_clock::time_point mtime =
    system_clock::time_point{} + std::chrono::milliseconds(1714564800500);

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

http::header_list fields_of(std::string_view text) {
  http::header_list h;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    h.add(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return h;
}

std::size_t count(const http::header_list& h, std::string_view name) {
  std::size_t n = 0;
  for (const auto& [k, v] : h.fields()) n += proto::iequals(k, name);
  return n;
}

void check_preconditions(http::request req, const std::string& etag, bool strong) {
  using http::precondition;
  const auto& h = req.headers;
  auto verdict = http::evaluate_preconditions(req, etag, mtime);
  bool safe = req.method == "GET" || req.method == "HEAD";
  if (verdict == precondition::not_modified && !safe) std::abort();
  if (safe) {
    auto other = req;
    other.method = req.method == "GET" ? "HEAD" : "GET";
    if (http::evaluate_preconditions(other, etag, mtime) != verdict) std::abort();
  }
  bool if_match = h.contains("If-Match"), if_unmodified = h.contains("If-Unmodified-Since");
  bool if_none = h.contains("If-None-Match"), if_modified = h.contains("If-Modified-Since");
  if (!if_match && !if_unmodified && !if_none && !if_modified && verdict != precondition::proceed)
    std::abort();
  if (!if_match && !if_unmodified && count(h, "If-None-Match") == 1) {
    auto v = *h.get("If-None-Match");
    if (v == "*" || v == etag) {
      if (verdict != (safe ? precondition::not_modified : precondition::failed)) std::abort();
    }
  }
  if (count(h, "If-Match") == 1 && !if_none && !if_modified) {
    auto v = *h.get("If-Match");
    if (v == "*" || (strong && v == etag)) {
      if (verdict != precondition::proceed) std::abort();
    } else if (v == "W/" + etag || (!strong && v == etag)) {
      if (verdict != precondition::failed) std::abort();  // weak tags never match If-Match
    }
  }
  // A date at or after the modification (to the second) means "not modified since".
  if (!if_match && !if_unmodified && !if_none && count(h, "If-Modified-Since") == 1 && safe) {
    auto d = proto::parse_http_date(*h.get("If-Modified-Since"));
    if (d && *d >= std::chrono::floor<std::chrono::seconds>(mtime) &&
        verdict != precondition::not_modified)
      std::abort();
  }
}

void check_if_range(const http::request& req, const std::string& etag, bool strong) {
  bool applies = http::range_applies(req, etag, mtime);
  auto v = req.headers.get("If-Range");
  if (!v) {
    if (!applies) std::abort();
    return;
  }
  if (*v == etag && strong && !applies) std::abort();
  if (v->starts_with("W/") && applies) std::abort();
  if (*v == proto::format_http_date(mtime) && !applies) std::abort();
}

void check_range(std::string_view value) {
  for (std::uint64_t size : {0ull, 1ull, 100ull, 1ull << 40, ~0ull}) {
    auto r = http::parse_range(value, size);
    if (r.k != http::range_request::kind::satisfiable) {
      if (!r.ranges.empty()) std::abort();
      continue;
    }
    if (r.ranges.empty() || r.ranges.size() > http::max_ranges) std::abort();
    for (std::size_t i = 0; i < r.ranges.size(); ++i) {
      const auto& b = r.ranges[i];
      if (b.first > b.last || b.last >= size) std::abort();
      if (i && b.first <= r.ranges[i - 1].last + 1) std::abort();
      auto cr = http::content_range(b, size);
      if (!cr.starts_with("bytes ") || !cr.ends_with("/" + std::to_string(size))) std::abort();
    }
    if (size <= 100) {
      std::string content(size, 'x');
      auto body = http::multipart_byteranges_body(content, r.ranges, "text/plain", "B0UNDARY");
      auto layout = http::multipart_byteranges(r.ranges, size, "text/plain", "B0UNDARY");
      if (body.size() != layout.length || layout.heads.size() != r.ranges.size()) std::abort();
    }
  }
}

void check_listing(const http::request& req, std::string_view name) {
  std::vector<http::dir_entry> entries = {
      {.name = std::string(name), .type = http::dir_entry::kind::file, .size = 7, .mtime = mtime},
      {.name = "sub", .type = http::dir_entry::kind::directory, .mtime = mtime},
  };
  auto resp = http::listing_response(req, entries);
  auto type = resp.headers.get("Content-Type");
  if (!type || resp.status != 200) std::abort();
  bool json = *type == "application/json";
  if (json != http::prefers_json(req.headers)) std::abort();
  if (json ? !nlohmann::json::accept(resp.body) : !resp.body.starts_with("<!DOCTYPE html>"))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t knob = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const char* const methods[] = {"GET", "HEAD", "PUT", "DELETE"};
  http::request req;
  req.method = methods[knob & 3];
  req.target = req.path = "/dir/";
  req.headers = fields_of(text);
  bool strong = !(knob & 4);
  auto etag = http::make_etag(1234, mtime, !strong);

  check_preconditions(req, etag, strong);
  check_if_range(req, etag, strong);
  if (auto range = req.headers.get("Range")) check_range(*range);
  check_listing(req, text.substr(0, text.find('\n')));
  return 0;
}

// Static files without I/O: content types, safe paths, validators, conditional requests, dates.
#include "commands/serve/http/static/static.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "proto/http1/date.hpp"

namespace commands::http {

namespace {

using namespace std::chrono;

// Sorted by extension, for binary search.
constexpr std::pair<std::string_view, std::string_view> content_types[] = {
    {"7z", "application/x-7z-compressed"},
    {"avif", "image/avif"},
    {"bmp", "image/bmp"},
    {"bz2", "application/x-bzip2"},
    {"cjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"flac", "audio/flac"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/x-icon"},
    {"ics", "text/calendar; charset=utf-8"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"jsonld", "application/ld+json"},
    {"log", "text/plain; charset=utf-8"},
    {"m4a", "audio/mp4"},
    {"map", "application/json"},
    {"md", "text/markdown; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"opus", "audio/opus"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"tgz", "application/gzip"},
    {"toml", "application/toml"},
    {"tsv", "text/tab-separated-values; charset=utf-8"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xhtml", "application/xhtml+xml"},
    {"xml", "application/xml"},
    {"xz", "application/x-xz"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"zip", "application/zip"},
    {"zst", "application/zstd"},
};

constexpr bool sorted_table() {
  for (std::size_t i = 1; i < std::size(content_types); ++i)
    if (!(content_types[i - 1].first < content_types[i].first)) return false;
  return true;
}
static_assert(sorted_table(), "content_types must stay sorted");

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct entity_tag {
  bool weak = false;
  std::string_view opaque;  ///< with its quotes
};

// Reads one entity-tag from the front of `s`; nullopt when malformed.
std::optional<entity_tag> take_etag(std::string_view& s) {
  entity_tag t;
  if (s.starts_with("W/")) t.weak = true, s.remove_prefix(2);
  if (s.empty() || s.front() != '"') return std::nullopt;
  auto close = s.find('"', 1);
  if (close == std::string_view::npos) return std::nullopt;
  t.opaque = s.substr(0, close + 1);
  s.remove_prefix(close + 1);
  return t;
}

// Whether any field `name` lists "*" or an entity-tag matching `ours` (strong comparison: neither
// may be weak). A malformed list matches nothing from the point it goes wrong.
bool list_matches(const header_list& h, std::string_view name, std::string_view ours, bool strong) {
  std::string_view own = ours;
  auto mine = take_etag(own);
  for (const auto& [k, v] : h.fields()) {
    if (!iequals(k, name)) continue;
    std::string_view s = v;
    for (;;) {
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == ','))
        s.remove_prefix(1);
      if (s.empty()) break;
      if (s.front() == '*') return true;
      auto t = take_etag(s);
      if (!t) break;
      if (mine && t->opaque == mine->opaque && !(strong && (t->weak || mine->weak))) return true;
    }
  }
  return false;
}

std::optional<system_clock::time_point> header_date(const header_list& h, std::string_view name) {
  auto v = h.get(name);
  return v ? proto::parse_http_date(trim(*v)) : std::nullopt;
}

}  // namespace

std::string_view content_type_for(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  auto slash = file_name.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
    return "application/octet-stream";
  std::string ext(file_name.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = std::lower_bound(std::begin(content_types), std::end(content_types), ext,
                             [](const auto& e, const std::string& x) { return e.first < x; });
  if (it != std::end(content_types) && it->first == ext) return it->second;
  return "application/octet-stream";
}

std::optional<std::string> safe_relative_path(std::string_view p) {
  if (p.empty() || p.front() != '/') return std::nullopt;
  if (p.find('\0') != std::string_view::npos || p.find('\\') != std::string_view::npos)
    return std::nullopt;
  std::string out;
  while (!p.empty()) {
    auto slash = p.find('/');
    auto seg = p.substr(0, slash);
    if (seg == "..") {
      // RFC 3986 remove_dot_segments: up one level, but never above the root.
      if (out.empty()) return std::nullopt;
      auto cut = out.rfind('/');
      out.resize(cut == std::string::npos ? 0 : cut);
    } else if (!seg.empty() && seg != ".") {
      out += (out.empty() ? "" : "/") + std::string(seg);
    }
    if (slash == std::string_view::npos) break;
    p.remove_prefix(slash + 1);
  }
  return out;
}

bool inside_root(const std::filesystem::path& root_canonical,
                 const std::filesystem::path& candidate) {
  std::error_code ec;
  auto real = std::filesystem::weakly_canonical(candidate, ec);
  if (ec) return false;
  auto rel = real.lexically_relative(root_canonical);
  return !rel.empty() && *rel.begin() != "..";
}

std::string make_etag(std::uint64_t size, system_clock::time_point mtime, bool weak) {
  auto ns =
      static_cast<std::uint64_t>(duration_cast<nanoseconds>(mtime.time_since_epoch()).count());
  return fmt::format("{}\"{:x}-{:x}\"", weak ? "W/" : "", ns, size);
}

precondition evaluate_preconditions(const request& req, std::string_view etag,
                                    system_clock::time_point last_modified) {
  const auto& h = req.headers;
  bool safe = req.method == "GET" || req.method == "HEAD";
  auto modified = floor<seconds>(last_modified);
  // RFC 9110 13.2.2: If-Match, else If-Unmodified-Since; then If-None-Match, else
  // If-Modified-Since (GET and HEAD only).
  if (h.contains("If-Match")) {
    if (!list_matches(h, "If-Match", etag, true)) return precondition::failed;
  } else if (auto d = header_date(h, "If-Unmodified-Since")) {
    if (modified > *d) return precondition::failed;
  }
  if (h.contains("If-None-Match")) {
    if (list_matches(h, "If-None-Match", etag, false))
      return safe ? precondition::not_modified : precondition::failed;
  } else if (safe) {
    if (auto d = header_date(h, "If-Modified-Since"); d && modified <= *d)
      return precondition::not_modified;
  }
  return precondition::proceed;
}

bool range_applies(const request& req, std::string_view etag,
                   system_clock::time_point last_modified) {
  auto v = req.headers.get("If-Range");
  if (!v) return true;
  auto s = trim(*v);
  if (s.starts_with("W/") || s.starts_with("\"")) {
    auto theirs = take_etag(s);
    std::string_view own = etag;
    auto mine = take_etag(own);
    return theirs && mine && s.empty() && !theirs->weak && !mine->weak &&
           theirs->opaque == mine->opaque;
  }
  auto d = proto::parse_http_date(s);
  return d && *d == floor<seconds>(last_modified);
}

}  // namespace commands::http

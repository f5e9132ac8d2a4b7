// Range requests (RFC 9110 section 14): which bytes to send, and multipart/byteranges bodies.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "commands/serve/http/static/static.hpp"

namespace commands::http {

namespace {

// Digits to a number, saturating: a byte position past any file is as good as the largest one.
std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t n = 0;
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    auto d = static_cast<std::uint64_t>(c - '0');
    n = n > (max - d) / 10 ? max : n * 10 + d;
  }
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

range_request parse_range(std::string_view value, std::uint64_t size) {
  range_request none;
  value = trim(value);
  if (value.size() < 6 || !iequals(value.substr(0, 6), "bytes=")) return none;
  value.remove_prefix(6);

  std::vector<byte_range> ranges;
  std::size_t specs = 0;
  while (!value.empty()) {
    auto comma = value.find(',');
    auto spec = trim(value.substr(0, comma));
    value.remove_prefix(comma == std::string_view::npos ? value.size() : comma + 1);
    if (spec.empty()) continue;  // list syntax allows empty elements
    if (++specs > max_ranges) return none;
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return none;
    if (dash == 0) {
      // "-N": the last N bytes.
      auto n = number(spec.substr(1));
      if (!n) return none;
      if (*n == 0 || size == 0) continue;
      ranges.push_back({size > *n ? size - *n : 0, size - 1});
      continue;
    }
    auto first = number(spec.substr(0, dash));
    auto tail = spec.substr(dash + 1);
    auto last = tail.empty()
                    ? std::optional<std::uint64_t>(std::numeric_limits<std::uint64_t>::max())
                    : number(tail);
    if (!first || !last || *last < *first) return none;
    if (*first >= size) continue;
    ranges.push_back({*first, std::min(*last, size - 1)});
  }
  if (specs == 0) return none;
  if (ranges.empty()) return {range_request::kind::unsatisfiable, {}};

  // Merging overlapping and adjacent ranges means no byte is sent twice, however the ranges
  // were written.
  std::sort(ranges.begin(), ranges.end(),
            [](const byte_range& a, const byte_range& b) { return a.first < b.first; });
  std::vector<byte_range> merged{ranges.front()};
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    auto& back = merged.back();
    if (ranges[i].first <= back.last + 1)
      back.last = std::max(back.last, ranges[i].last);
    else
      merged.push_back(ranges[i]);
  }
  return {range_request::kind::satisfiable, std::move(merged)};
}

std::string content_range(const byte_range& r, std::uint64_t size) {
  return fmt::format("bytes {}-{}/{}", r.first, r.last, size);
}

std::string content_range_unsatisfied(std::uint64_t size) {
  return fmt::format("bytes */{}", size);
}

multipart_layout multipart_byteranges(const std::vector<byte_range>& ranges, std::uint64_t size,
                                      std::string_view part_type, std::string_view boundary) {
  multipart_layout out;
  out.content_type = fmt::format("multipart/byteranges; boundary={}", boundary);
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    // The CRLF before a delimiter belongs to it; the first part needs none.
    auto head = fmt::format("{}--{}\r\n", i ? "\r\n" : "", boundary);
    if (!part_type.empty()) head += fmt::format("Content-Type: {}\r\n", part_type);
    head += fmt::format("Content-Range: {}\r\n\r\n", content_range(ranges[i], size));
    out.length += head.size() + ranges[i].length();
    out.heads.push_back(std::move(head));
  }
  out.tail = fmt::format("\r\n--{}--\r\n", boundary);
  out.length += out.tail.size();
  return out;
}

std::string multipart_byteranges_body(std::string_view content,
                                      const std::vector<byte_range>& ranges,
                                      std::string_view part_type, std::string_view boundary) {
  auto layout = multipart_byteranges(ranges, content.size(), part_type, boundary);
  std::string out;
  out.reserve(layout.length);
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    out += layout.heads[i];
    out += content.substr(ranges[i].first, ranges[i].length());
  }
  out += layout.tail;
  return out;
}

}  // namespace commands::http

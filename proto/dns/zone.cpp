// Zone-file text: logical lines (parentheses join physical ones, comments go), directives, then
// owner, TTL and class, type, and the data in the type's presentation format.
#include "proto/dns/zone.hpp"

#include <fmt/format.h>

#include <charconv>

namespace proto::dns {

namespace {

struct logical_line {
  std::size_t line = 0;             // where it starts
  bool starts_blank = false;        // the owner is the previous record's
  std::vector<std::string> tokens;  // quoted strings keep their quotes
};

// Splits the text into logical lines. Errors name the line where they are seen.
bool split(std::string_view text, std::vector<logical_line>& out, std::string& error,
           std::size_t& error_line) {
  std::size_t line = 1, i = 0;
  int depth = 0;
  logical_line cur;
  std::size_t paren_line = 0;
  bool at_line_start = true;
  auto flush = [&] {
    if (!cur.tokens.empty()) out.push_back(std::move(cur));
    cur = logical_line{};
  };
  while (i < text.size()) {
    char c = text[i];
    if (at_line_start && depth == 0) {
      cur.line = line;
      cur.starts_blank = c == ' ' || c == '\t';
      at_line_start = false;
    }
    if (c == '\n') {
      ++line;
      ++i;
      if (depth == 0) {
        flush();
        at_line_start = true;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == ';') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '(') {
      if (depth++ == 0) paren_line = line;
      ++i;
      continue;
    }
    if (c == ')') {
      if (depth == 0) {
        error = "')' without '('";
        error_line = line;
        return false;
      }
      --depth;
      ++i;
      continue;
    }
    std::string tok;
    if (c == '"') {
      tok.push_back('"');
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '\\' && i + 1 < text.size()) {
          tok.push_back(d);
          tok.push_back(text[i + 1]);
          if (text[i + 1] == '\n') ++line;
          i += 2;
          continue;
        }
        if (d == '\n') break;
        ++i;
        if (d == '"') {
          closed = true;
          break;
        }
        tok.push_back(d);
      }
      if (!closed) {
        error = "a quoted string is not closed";
        error_line = line;
        return false;
      }
      tok.push_back('"');
    } else {
      while (i < text.size()) {
        char d = text[i];
        if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';' || d == '(' || d == ')' ||
            d == '"')
          break;
        if (d == '\\' && i + 1 < text.size()) {
          tok.push_back(d);
          tok.push_back(text[i + 1]);
          i += 2;
          continue;
        }
        tok.push_back(d);
        ++i;
      }
    }
    cur.tokens.push_back(std::move(tok));
  }
  if (depth != 0) {
    error = "'(' is never closed";
    error_line = paren_line;
    return false;
  }
  flush();
  return true;
}

// A TTL: seconds, or BIND's units (1w2d3h4m5s), at most 2^31-1 (RFC 2181 section 8).
std::optional<std::uint32_t> ttl_of(std::string_view s) {
  if (s.empty() || !(s[0] >= '0' && s[0] <= '9')) return std::nullopt;
  std::uint64_t total = 0, cur = 0;
  bool digits = false, units = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      cur = cur * 10 + static_cast<unsigned>(c - '0');
      digits = true;
      if (cur > 0xFFFFFFFFull) return std::nullopt;
      continue;
    }
    if (!digits) return std::nullopt;
    std::uint64_t mult = 0;
    switch (c | 0x20) {
      case 'w':
        mult = 604800;
        break;
      case 'd':
        mult = 86400;
        break;
      case 'h':
        mult = 3600;
        break;
      case 'm':
        mult = 60;
        break;
      case 's':
        mult = 1;
        break;
      default:
        return std::nullopt;
    }
    total += cur * mult;
    cur = 0;
    digits = false;
    units = true;
  }
  if (digits) {
    if (units) return std::nullopt;  // "1h30" is ambiguous
    total += cur;
  }
  if (total > 0x7FFFFFFFull) return std::nullopt;
  return static_cast<std::uint32_t>(total);
}

}  // namespace

zone_result parse_zone(std::string_view text, const zone_options& opts) {
  zone_result res;
  std::vector<logical_line> lines;
  if (!split(text, lines, res.error, res.line)) return res;
  name origin = opts.origin;
  std::uint32_t default_ttl = opts.default_ttl;
  bool ttl_directive = false;
  std::optional<name> previous;
  auto fail = [&](std::size_t line, std::string e) {
    res.error = std::move(e);
    res.line = line;
    res.records.clear();
    return res;
  };
  for (auto& l : lines) {
    auto& t = l.tokens;
    if (!l.starts_blank && t[0].starts_with('$')) {
      if (t[0] == "$ORIGIN") {
        if (t.size() != 2) return fail(l.line, "$ORIGIN takes one name");
        auto n = name::parse(t[1], &origin);
        if (!n) return fail(l.line, fmt::format("bad $ORIGIN '{}'", t[1]));
        origin = *n;
        continue;
      }
      if (t[0] == "$TTL") {
        if (t.size() != 2) return fail(l.line, "$TTL takes one value");
        auto v = ttl_of(t[1]);
        if (!v) return fail(l.line, fmt::format("bad $TTL '{}'", t[1]));
        default_ttl = *v;
        ttl_directive = true;
        continue;
      }
      if (t[0] == "$INCLUDE" || t[0] == "$GENERATE")
        return fail(l.line, fmt::format("{} is not supported: the records file names every record "
                                        "itself",
                                        t[0]));
      return fail(l.line, fmt::format("unknown directive '{}'", t[0]));
    }
    std::size_t i = 0;
    record r;
    if (l.starts_blank) {
      if (!previous) return fail(l.line, "a record without an owner, and none before it");
      r.owner = *previous;
    } else {
      auto n = name::parse(t[0], &origin);
      if (!n) return fail(l.line, fmt::format("bad owner name '{}'", t[0]));
      r.owner = *n;
      i = 1;
    }
    std::optional<std::uint32_t> ttl;
    std::optional<std::uint16_t> klass;
    // TTL and class, in either order, each at most once; then the type.
    for (int k = 0; k < 2 && i < t.size(); ++k) {
      if (!ttl) {
        if (auto v = ttl_of(t[i])) {
          ttl = v;
          ++i;
          continue;
        }
      }
      if (!klass && !type_from_name(t[i])) {
        if (auto c = class_from_name(t[i])) {
          klass = c;
          ++i;
          continue;
        }
      }
      break;
    }
    if (i >= t.size()) return fail(l.line, "a record without a type");
    auto type = type_from_name(t[i]);
    if (!type) return fail(l.line, fmt::format("unknown type '{}'", t[i]));
    if (*type == type::opt || *type == type::any || *type == type::axfr || *type == 251)
      return fail(l.line, fmt::format("{} is not a type of record a zone holds", type_name(*type)));
    ++i;
    std::string rest;
    for (; i < t.size(); ++i) {
      if (!rest.empty()) rest.push_back(' ');
      rest += t[i];
    }
    std::string err;
    auto data = data_from_string(*type, rest, origin, err);
    if (!data) return fail(l.line, fmt::format("{}: {}", type_name(*type), err));
    r.type = *type;
    r.rclass = klass.value_or(rclass::in);
    if (ttl) {
      r.ttl = *ttl;
      if (!ttl_directive) default_ttl = *ttl;  // RFC 1035: the last TTL given
    } else {
      r.ttl = default_ttl;
    }
    r.data = std::move(*data);
    previous = r.owner;
    if (res.records.size() >= opts.max_records)
      return fail(l.line, fmt::format("more than {} records", opts.max_records));
    res.records.push_back(std::move(r));
  }
  return res;
}

}  // namespace proto::dns

#include "proto/dns/presentation.hpp"

#include <fmt/format.h>

#include <charconv>

namespace proto::dns::detail {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

bool ends_word(char c) {
  return is_space(c) || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool lexer::fail(std::size_t line, std::string message) {
  error_ = std::move(message);
  error_line_ = line;
  at_ = text_.size();
  return false;
}

// Reads from just after an opening quote to just after the closing one. A line break inside
// quotes is refused: a forgotten quote would otherwise swallow the rest of the file.
bool lexer::read_quoted(std::string& out) {
  const std::size_t start_line = line_;
  while (at_ < text_.size()) {
    char c = text_[at_++];
    if (c == '"') return true;
    if (c == '\n') break;
    out.push_back(c);
    if (c == '\\') {
      if (at_ >= text_.size() || text_[at_] == '\n') break;
      out.push_back(text_[at_++]);
    }
  }
  return fail(start_line, "unterminated quoted string");
}

bool lexer::next(entry& out) {
  out = {};
  std::size_t open_line = 0;  // the line of an unclosed '(', or 0
  bool line_start = true;
  while (at_ < text_.size()) {
    const char c = text_[at_];
    if (line_start) {
      line_start = false;
      if (open_line == 0 && out.tokens.empty()) {
        out.line = line_;
        out.blank_owner = is_space(c);
      }
    }
    if (is_space(c)) {
      ++at_;
    } else if (c == ';') {
      while (at_ < text_.size() && text_[at_] != '\n') ++at_;
    } else if (c == '\n') {
      ++at_;
      ++line_;
      line_start = true;
      if (open_line == 0 && !out.tokens.empty()) return true;
    } else if (c == '(') {
      if (open_line) return fail(line_, "nested parentheses");
      open_line = line_;
      ++at_;
    } else if (c == ')') {
      if (!open_line) return fail(line_, "')' without '('");
      open_line = 0;
      ++at_;
    } else if (c == '"') {
      ++at_;
      token t{.text = {}, .quoted = true, .line = line_};
      if (!read_quoted(t.text)) return false;
      out.tokens.push_back(std::move(t));
    } else {
      token t{.text = {}, .quoted = false, .line = line_};
      while (at_ < text_.size() && !ends_word(text_[at_])) {
        const char w = text_[at_++];
        t.text.push_back(w);
        if (w == '\\') {
          if (at_ >= text_.size() || text_[at_] == '\n')
            return fail(line_, "backslash at the end of a line");
          t.text.push_back(text_[at_++]);
        } else if (w == '=' && at_ < text_.size() && text_[at_] == '"') {
          // key="value" (RFC 9460 section 2.1): the quoted value belongs to the word.
          ++at_;
          if (!read_quoted(t.text)) return false;
          break;
        }
      }
      out.tokens.push_back(std::move(t));
    }
  }
  if (open_line) return fail(open_line, fmt::format("'(' on line {} is not closed", open_line));
  return !out.tokens.empty();
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (++i >= text.size()) return std::nullopt;
    if (!is_digit(text[i])) {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !is_digit(text[i + 1]) || !is_digit(text[i + 2]))
      return std::nullopt;
    const int v = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
    if (v > 255) return std::nullopt;
    out.push_back(char(v));
    i += 2;
  }
  return out;
}

std::string quote(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(char(c));
    } else if (c < 0x20 || c > 0x7e) {
      fmt::format_to(std::back_inserter(out), "\\{:03}", c);
    } else {
      out.push_back(char(c));
    }
  }
  out.push_back('"');
  return out;
}

std::string escape_word(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\' || c == ';' || c == '(' || c == ')') {
      out.push_back('\\');
      out.push_back(char(c));
    } else if (c < 0x21 || c > 0x7e) {
      fmt::format_to(std::back_inserter(out), "\\{:03}", c);
    } else {
      out.push_back(char(c));
    }
  }
  return out;
}

std::optional<std::uint32_t> number(std::string_view text, std::uint32_t max) {
  if (text.empty() || text.size() > 10 || !is_digit(text.front())) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v > max) return std::nullopt;
  return std::uint32_t(v);
}

std::optional<std::uint32_t> ttl(std::string_view text) {
  if (auto plain = number(text, 0xffffffff)) return plain;
  if (text.empty() || text.size() > 40) return std::nullopt;
  std::uint64_t total = 0, part = 0;
  bool digits = false;
  for (char c : text) {
    if (is_digit(c)) {
      part = part * 10 + std::uint64_t(c - '0');
      if (part > 0xffffffff) return std::nullopt;
      digits = true;
      continue;
    }
    std::uint64_t unit = 0;
    switch (c | 0x20) {
      case 'w':
        unit = 604800;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'm':
        unit = 60;
        break;
      case 's':
        unit = 1;
        break;
      default:
        return std::nullopt;
    }
    if (!digits) return std::nullopt;
    total += part * unit;
    if (total > 0xffffffff) return std::nullopt;
    part = 0;
    digits = false;
  }
  if (digits) return std::nullopt;  // "1h30": a number without its unit
  return std::uint32_t(total);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = char(c | 0x20);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(char(hi << 4 | lo));
  }
  return out;
}

}  // namespace proto::dns::detail

#include <fmt/format.h>

#include <algorithm>

#include "proto/dns/message.hpp"
#include "proto/dns/wire.hpp"

namespace proto::dns {

namespace {

constexpr std::size_t max_wire = 255, max_label = 63;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Bytes that would change meaning in a zone file if written bare: the label separator, the
// escape and quote characters, comment and grouping characters, and "@" and "$" which mean
// the origin and a directive at the start of a token.
bool needs_backslash(unsigned char c) {
  return c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' ||
         c == '$' || c == ' ';
}

}  // namespace

std::optional<name> name::parse(std::string_view text, const name* origin) {
  if (text.empty()) return std::nullopt;
  if (text == "@") return origin ? *origin : name();
  if (text == ".") return name();
  std::string wire;
  std::string label;
  bool absolute = false;
  auto end_label = [&]() {
    if (label.empty() || label.size() > max_label) return false;
    wire.push_back(char(label.size()));
    wire += label;
    label.clear();
    return wire.size() < max_wire;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (!end_label()) return std::nullopt;
      if (i + 1 == text.size()) absolute = true;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) return std::nullopt;
      if (is_digit(text[i + 1])) {
        if (i + 3 >= text.size() || !is_digit(text[i + 2]) || !is_digit(text[i + 3]))
          return std::nullopt;
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) return std::nullopt;
        c = char(v);
        i += 3;
      } else {
        c = text[++i];
      }
    }
    label.push_back(c);
    if (label.size() > max_label) return std::nullopt;
  }
  if (!absolute) {
    if (!end_label()) return std::nullopt;
    const name root;
    const std::string& tail = origin ? origin->wire_ : root.wire_;
    wire += tail;
  } else {
    wire.push_back('\0');
  }
  if (wire.size() > max_wire) return std::nullopt;
  name n;
  n.wire_ = std::move(wire);
  return n;
}

std::optional<name> name::from_wire(std::string_view wire) {
  std::size_t at = 0;
  while (at < wire.size()) {
    auto len = std::uint8_t(wire[at]);
    if (len == 0) {
      if (at + 1 != wire.size() || wire.size() > max_wire) return std::nullopt;
      name n;
      n.wire_ = std::string(wire);
      return n;
    }
    if (len > max_label) return std::nullopt;
    at += 1 + len;
  }
  return std::nullopt;
}

std::string name::to_string() const {
  if (is_root()) return ".";
  std::string out;
  for (std::size_t at = 0; wire_[at] != 0; at += 1 + std::uint8_t(wire_[at])) {
    for (std::size_t i = 0; i < std::uint8_t(wire_[at]); ++i) {
      auto c = static_cast<unsigned char>(wire_[at + 1 + i]);
      if (needs_backslash(c)) {
        out.push_back('\\');
        out.push_back(char(c));
      } else if (c < 0x21 || c > 0x7e) {
        fmt::format_to(std::back_inserter(out), "\\{:03}", c);
      } else {
        out.push_back(char(c));
      }
    }
    out.push_back('.');
  }
  return out;
}

std::size_t name::label_count() const {
  std::size_t n = 0;
  for (std::size_t at = 0; wire_[at] != 0; at += 1 + std::uint8_t(wire_[at])) ++n;
  return n;
}

std::string_view name::label(std::size_t i) const {
  std::size_t at = 0;
  for (; wire_[at] != 0 && i > 0; --i) at += 1 + std::uint8_t(wire_[at]);
  return std::string_view(wire_).substr(at + 1, std::uint8_t(wire_[at]));
}

name name::parent() const {
  if (is_root()) return {};
  name n;
  n.wire_ = wire_.substr(1 + std::uint8_t(wire_[0]));
  return n;
}

std::optional<name> name::prepend(std::string_view label) const {
  if (label.empty() || label.size() > max_label || wire_.size() + 1 + label.size() > max_wire)
    return std::nullopt;
  name n;
  n.wire_.clear();
  n.wire_.push_back(char(label.size()));
  n.wire_ += label;
  n.wire_ += wire_;
  return n;
}

bool name::is_subdomain_of(const name& zone) const {
  for (std::size_t at = 0;; at += 1 + std::uint8_t(wire_[at])) {
    if (wire_.size() - at == zone.wire_.size())
      return std::equal(wire_.begin() + at, wire_.end(), zone.wire_.begin(),
                        [](char x, char y) { return lower(x) == lower(y); });
    if (wire_.size() - at < zone.wire_.size() || wire_[at] == 0) return false;
  }
}

std::string name::key() const {
  std::string k = wire_;
  for (char& c : k) c = lower(c);
  return k;
}

bool operator==(const name& a, const name& b) {
  // Length bytes are at most 63, below 'A', so lowering every byte leaves them alone.
  return a.wire_.size() == b.wire_.size() &&
         std::equal(a.wire_.begin(), a.wire_.end(), b.wire_.begin(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace proto::dns

namespace proto::dns::detail {

std::optional<name> read_name(std::span<const std::uint8_t> msg, std::size_t at, std::size_t limit,
                              bool pointers_ok, std::size_t& end, std::string& error) {
  std::string wire;
  std::size_t run_start = at;  // where the labels being read began: pointers go before it
  bool jumped = false;
  limit = std::min(limit, msg.size());
  for (;;) {
    const std::size_t bound = jumped ? msg.size() : limit;
    if (at >= bound) {
      error = fmt::format("name at offset {} runs past the end of its data", at);
      return std::nullopt;
    }
    const std::uint8_t len = msg[at];
    if ((len & 0xc0) == 0xc0) {
      if (!pointers_ok) {
        error = fmt::format("compression pointer at offset {} where none is allowed", at);
        return std::nullopt;
      }
      if (at + 1 >= bound) {
        error = fmt::format("name at offset {} runs past the end of its data", at);
        return std::nullopt;
      }
      const std::size_t target = std::size_t(get16(&msg[at]) & 0x3fff);
      if (target > at) {
        error =
            fmt::format("name compression pointer at offset {} points forward to {}", at, target);
        return std::nullopt;
      }
      if (target >= run_start) {
        error = fmt::format("name compression loop at offset {}", at);
        return std::nullopt;
      }
      if (!jumped) end = at + 2;
      jumped = true;
      at = run_start = target;
      continue;
    }
    if (len & 0xc0) {
      error = fmt::format("unsupported label type 0x{:02x} at offset {}", len & 0xc0, at);
      return std::nullopt;
    }
    if (at + 1 + len > bound) {
      error = fmt::format("name at offset {} runs past the end of its data", at);
      return std::nullopt;
    }
    if (wire.size() + 1 + len > max_wire) {
      error = fmt::format("name longer than 255 bytes at offset {}", at);
      return std::nullopt;
    }
    wire.append(reinterpret_cast<const char*>(&msg[at]), 1 + len);
    at += 1 + len;
    if (len == 0) break;
  }
  if (!jumped) end = at;
  return name::from_wire(wire);
}

}  // namespace proto::dns::detail

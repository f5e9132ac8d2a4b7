// Domain names: presentation text <-> uncompressed wire form, comparison ignoring ASCII case.
#include <fmt/format.h>

#include "proto/dns/message.hpp"

namespace proto::dns {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::optional<name> name::parse(std::string_view text, const name* origin) {
  if (text.empty()) return std::nullopt;
  if (text == "@") {
    if (origin) return *origin;
    return name();
  }
  if (text == ".") return name();
  std::string wire;
  std::string label;
  bool absolute = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) return std::nullopt;
      char d = text[i + 1];
      if (d >= '0' && d <= '9') {
        // \DDD: exactly three decimal digits, at most 255.
        if (i + 3 >= text.size()) return std::nullopt;
        int v = 0;
        for (int k = 1; k <= 3; ++k) {
          char x = text[i + k];
          if (x < '0' || x > '9') return std::nullopt;
          v = v * 10 + (x - '0');
        }
        if (v > 255) return std::nullopt;
        label.push_back(static_cast<char>(v));
        i += 3;
      } else {
        label.push_back(d);
        i += 1;
      }
      continue;
    }
    if (c == '.') {
      if (label.empty()) return std::nullopt;  // an empty label ("a..b", ".a")
      if (label.size() > 63) return std::nullopt;
      wire.push_back(static_cast<char>(label.size()));
      wire += label;
      label.clear();
      if (i + 1 == text.size()) absolute = true;
      continue;
    }
    label.push_back(c);
  }
  if (!label.empty()) {
    if (label.size() > 63) return std::nullopt;
    wire.push_back(static_cast<char>(label.size()));
    wire += label;
  }
  if (!absolute) {
    if (origin) {
      wire += origin->wire_.substr(0, origin->wire_.size() - 1);
    }
  }
  wire.push_back('\0');
  if (wire.size() > 255) return std::nullopt;
  name n;
  n.wire_ = std::move(wire);
  return n;
}

std::optional<name> name::from_wire(std::string_view wire) {
  if (wire.empty() || wire.size() > 255) return std::nullopt;
  std::size_t pos = 0;
  for (;;) {
    if (pos >= wire.size()) return std::nullopt;
    auto len = static_cast<std::uint8_t>(wire[pos]);
    if (len == 0) {
      if (pos + 1 != wire.size()) return std::nullopt;
      break;
    }
    if (len > 63) return std::nullopt;
    pos += 1 + len;
  }
  name n;
  n.wire_ = std::string(wire);
  return n;
}

std::string name::to_string() const {
  if (is_root()) return ".";
  std::string out;
  std::size_t pos = 0;
  while (pos < wire_.size()) {
    auto len = static_cast<std::uint8_t>(wire_[pos]);
    if (len == 0) break;
    for (std::size_t k = 0; k < len; ++k) {
      auto c = static_cast<unsigned char>(wire_[pos + 1 + k]);
      if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' ||
          c == '$') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c <= 0x20 || c >= 0x7f) {
        out += fmt::format("\\{:03d}", c);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('.');
    pos += 1 + len;
  }
  return out;
}

std::size_t name::label_count() const {
  std::size_t n = 0, pos = 0;
  while (pos < wire_.size() && wire_[pos] != 0) {
    ++n;
    pos += 1 + static_cast<std::uint8_t>(wire_[pos]);
  }
  return n;
}

std::string_view name::label(std::size_t i) const {
  std::size_t pos = 0;
  while (pos < wire_.size() && wire_[pos] != 0) {
    auto len = static_cast<std::uint8_t>(wire_[pos]);
    if (i == 0) return std::string_view(wire_).substr(pos + 1, len);
    --i;
    pos += 1 + len;
  }
  return {};
}

name name::parent() const {
  if (is_root()) return *this;
  name p;
  p.wire_ = wire_.substr(1 + static_cast<std::uint8_t>(wire_[0]));
  return p;
}

std::optional<name> name::prepend(std::string_view label) const {
  if (label.empty() || label.size() > 63 || wire_.size() + 1 + label.size() > 255)
    return std::nullopt;
  name n;
  n.wire_.clear();
  n.wire_.reserve(wire_.size() + 1 + label.size());
  n.wire_.push_back(static_cast<char>(label.size()));
  n.wire_ += label;
  n.wire_ += wire_;
  return n;
}

bool name::is_subdomain_of(const name& zone) const {
  if (zone.wire_.size() > wire_.size()) return false;
  // The zone's wire form must be a suffix that starts on a label boundary.
  std::size_t start = wire_.size() - zone.wire_.size();
  std::size_t pos = 0;
  while (pos < start) pos += 1 + static_cast<std::uint8_t>(wire_[pos]);
  if (pos != start) return false;
  for (std::size_t i = 0; i < zone.wire_.size(); ++i)
    if (lower(wire_[start + i]) != lower(zone.wire_[i])) return false;
  return true;
}

std::string name::key() const {
  std::string k = wire_;
  // Length bytes are at most 63, never an ASCII capital: lowering the whole string is safe.
  for (auto& c : k) c = lower(c);
  return k;
}

bool operator==(const name& a, const name& b) {
  if (a.wire_.size() != b.wire_.size()) return false;
  for (std::size_t i = 0; i < a.wire_.size(); ++i)
    if (lower(a.wire_[i]) != lower(b.wire_[i])) return false;
  return true;
}

}  // namespace proto::dns

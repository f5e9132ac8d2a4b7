#include "core/markup.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace core {

std::string escape_markup(std::string_view text, markup lang) {
  std::string valid;
  if (lang == markup::xml) {
    valid = valid_utf8(text);  // XML must be well-formed UTF-8, whatever a process printed
    text = valid;
  }
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += lang == markup::xml ? "&apos;" : "&#39;"; break;
      default:
        // XML 1.0 allows no control characters but tab, line feed and carriage return.
        if (lang == markup::xml && c < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += fmt::format("\\x{:02x}", c);
        else
          out.push_back(ch);
    }
  }
  return out;
}

}  // namespace core

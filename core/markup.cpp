#include "core/markup.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace core {

std::string escape_markup(std::string_view text, markup lang) {
  bool xml = lang != markup::html;
  std::string valid;
  if (xml) {
    valid = valid_utf8(text);  // XML must be well-formed UTF-8, whatever a process printed
    text = valid;
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += xml ? "&apos;" : "&#39;";
        break;
      default:
        if (!xml) {
          out.push_back(ch);
        } else if (c == '\r' || (lang == markup::xml_attribute && (c == '\t' || c == '\n'))) {
          // A parser normalises these to line feeds or spaces unless they are references.
          out += fmt::format("&#{};", c);
        } else if (c < 0x20 && c != '\t' && c != '\n') {
          out += fmt::format("\\x{:02x}", c);
        } else if (text.substr(i, 3) == "\xef\xbf\xbe" || text.substr(i, 3) == "\xef\xbf\xbf") {
          out += text[i + 2] == '\xbe' ? "\\uFFFE" : "\\uFFFF";
          i += 2;
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

std::string escape_untrusted_html(std::string_view bytes) {
  std::string text = valid_utf8(bytes);
  std::string shown;
  shown.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      // U+2400 + c (U+2421 for DEL): the control pictures block, "NUL", "ESC" drawn small.
      char32_t picture = c == 0x7f ? 0x2421 : 0x2400 + c;
      shown += static_cast<char>(0xe0 | (picture >> 12));
      shown += static_cast<char>(0x80 | ((picture >> 6) & 0x3f));
      shown += static_cast<char>(0x80 | (picture & 0x3f));
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      shown += "\xef\xbf\xbd";  // a C1 control: not text either
      ++i;
    } else {
      shown.push_back(text[i]);
    }
  }
  return escape_markup(shown, markup::html);
}

}  // namespace core

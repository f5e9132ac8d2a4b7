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

}  // namespace core

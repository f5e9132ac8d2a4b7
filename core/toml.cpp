#include "core/toml.hpp"

#include <cctype>

#include "core/error.hpp"

namespace core {

toml::table parse_toml(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, std::string_view(name));
  } catch (const toml::parse_error& e) {
    // toml++ says "Error while parsing ..."; diagnostics start in lowercase and end without a
    // period.
    std::string what(e.description());
    if (!what.empty())
      what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    while (!what.empty() && (what.back() == '.' || what.back() == '\n')) what.pop_back();
    vitnet::fail(exit_code::data, "{}:{}: {}", name, e.source().begin.line, what);
  }
}

}  // namespace core

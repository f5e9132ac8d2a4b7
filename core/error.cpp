#include "core/error.hpp"

#include <cctype>

namespace vitnet {

std::string describe(const std::error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  while (!m.empty() && (m.back() == '.' || m.back() == ' ')) m.pop_back();
  return m;
}

void fail_os(std::string_view action, std::string_view what, const std::error_code& ec) {
  throw error(core::exit_code_for(ec), fmt::format("{}: {}: {}", action, what, describe(ec)));
}

}  // namespace vitnet

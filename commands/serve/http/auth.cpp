#include "commands/serve/http/auth.hpp"

#include "commands/serve/http/message.hpp"
#include "core/base64.hpp"
#include "core/text.hpp"

namespace commands::http {

bool authorized(std::optional<std::string_view> field, const required_credentials& need) {
  if (need.basic.empty() && need.bearer.empty()) return true;
  if (!field) return false;
  auto space = field->find(' ');
  if (space == std::string_view::npos) return false;
  auto scheme = field->substr(0, space), value = field->substr(space + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (!need.basic.empty() && iequals(scheme, "Basic")) {
    auto decoded = core::base64_decode(value);
    if (decoded && core::same_secret(*decoded, need.basic)) return true;
  }
  if (!need.bearer.empty() && iequals(scheme, "Bearer") && core::same_secret(value, need.bearer))
    return true;
  return false;
}

}  // namespace commands::http

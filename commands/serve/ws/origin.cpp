#include "commands/serve/ws/origin.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace commands {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "host[:port]" split at the port's colon (after a bracketed IPv6 literal); nullopt when a
// bracket is left open or followed by anything but the port.
std::optional<std::pair<std::string_view, std::string_view>> split_port(
    std::string_view authority) {
  std::size_t from = 0;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    from = close + 1;
    if (from < authority.size() && authority[from] != ':') return std::nullopt;
  }
  auto colon = authority.find(':', from);
  if (colon == std::string_view::npos) return std::pair{authority, std::string_view{}};
  return std::pair{authority.substr(0, colon), authority.substr(colon + 1)};
}

}  // namespace

std::optional<std::string> normal_origin(std::string_view origin) {
  auto sep = origin.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  std::string scheme = lower(origin.substr(0, sep));
  std::string_view authority = origin.substr(sep + 3);
  if (authority.ends_with('/')) authority.remove_suffix(1);  // tolerated in --origin values
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string_view::npos)
    return std::nullopt;
  auto parts = split_port(authority);
  if (!parts || parts->first.empty()) return std::nullopt;
  auto [host, port] = *parts;
  std::string p(port);
  if (p.empty()) {
    if (scheme == "http" || scheme == "ws")
      p = "80";
    else if (scheme == "https" || scheme == "wss")
      p = "443";
    else
      return std::nullopt;
  } else if (!all_digits(p)) {
    return std::nullopt;
  }
  return scheme + "://" + lower(host) + ":" + p;
}

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return true;
  auto page = normal_origin(origin);  // "null" (a file, a sandbox) is no origin: refused
  if (!page) return false;
  if (std::find(allowed.begin(), allowed.end(), *page) != allowed.end()) return true;
  // The same host and port as the request was sent to: a page this server gave out.
  auto scheme_end = page->find("://");
  auto own = normal_origin(page->substr(0, scheme_end) + "://" + std::string(host));
  return own && *own == *page;
}

}  // namespace commands

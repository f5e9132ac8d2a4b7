#include "commands/mq/url.hpp"

#include "core/error.hpp"

namespace commands::mq {

namespace {

// %XX escapes in user information (a password holding '@' or ':').
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) {
      return c >= '0' && c <= '9'   ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
    };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += char(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

mq_url parse_mq_url(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return vitnet::error(core::exit_code::usage, fmt::format("invalid URL '{}': {}", url, why));
  };
  mq_url u;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    throw bad("give a URL such as nats://127.0.0.1:4222, mqtt://HOST or redis://HOST");
  const std::string_view scheme = url.substr(0, sep);
  std::uint16_t port = 0;
  bool tls = false;
  if (scheme == "nats" || scheme == "tcp") {
    port = 4222;
  } else if (scheme == "tls") {
    port = 4222, tls = true;
  } else if (scheme == "mqtt") {
    u.system = system::mqtt, port = 1883;
  } else if (scheme == "mqtts") {
    u.system = system::mqtt, port = 8883, tls = true;
  } else if (scheme == "redis") {
    u.system = system::redis, port = 6379;
  } else if (scheme == "rediss") {
    u.system = system::redis, port = 6379, tls = true;
  } else {
    throw bad("the scheme is nats://, tls://, mqtt://, mqtts://, redis:// or rediss://");
  }
  std::string_view rest = url.substr(sep + 3);
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    u.path = std::string(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  std::string shown(rest);
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view info = rest.substr(0, at);
    if (auto colon = info.find(':'); colon != std::string_view::npos) {
      u.user = unescape(info.substr(0, colon));
      u.password = unescape(info.substr(colon + 1));
      shown = u.user + ":***@" + std::string(rest.substr(at + 1));
    } else if (u.system == system::nats) {
      u.token = unescape(info);
      shown = "***@" + std::string(rest.substr(at + 1));
    } else if (u.system == system::redis) {
      // redis-cli reads redis://PASS@HOST as a password (AUTH PASS), not a user.
      u.password = unescape(info);
      shown = "***@" + std::string(rest.substr(at + 1));
    } else {
      u.user = unescape(info);
    }
    rest = rest.substr(at + 1);
  }
  std::string message;
  auto ep = net::try_parse_endpoint("tcp://" + std::string(rest), message);
  if (!ep) {
    // "host" alone: the scheme's port.
    ep =
        net::try_parse_endpoint("tcp://" + std::string(rest) + ":" + std::to_string(port), message);
    if (!ep) throw bad(message);
  }
  u.where = *ep;
  u.where.tls = tls;
  u.text = std::string(scheme) + "://" + shown + (u.path.empty() ? "" : "/" + u.path);
  return u;
}

}  // namespace commands::mq

#include "commands/test_net/proxy_events.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace commands {

std::string proxy_events::host_of(const std::string& peer) const {
  auto colon = peer.rfind(':');
  auto ip = peer.substr(0, colon);
  for (const auto& h : sc_.hosts)
    if (sc_.address_of(h) == ip) return h;
  return {};  // not a host of the scenario (127.0.0.1, say)
}

void proxy_events::read(std::size_t k, const std::string& guarded, const std::string& out,
                        core::duration now) {
  if (read_.size() <= k) read_.resize(k + 1, 0);
  auto& done = read_[k];
  // Connections of different proxies get numbers of their own: proxy k's connection n is
  // k * 1000000 + n.
  const std::uint64_t base = (k + 1) * 1000000;
  for (auto nl = out.find('\n', done); nl != std::string::npos; nl = out.find('\n', done)) {
    auto line = std::string_view(out).substr(done, nl - done);
    done = nl + 1;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("event")) continue;
    auto text = [&](const char* key) {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto number = [&](const char* key) {
      auto it = j.find(key);
      return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
    };
    net::wire_event e{.at = now, .to = guarded};
    e.conn = j.contains("id") ? base + number("id") : 0;
    e.from = host_of(text("peer"));
    std::string what = text("event");
    if (what == "open") {
      e.what = net::wire_event::kind::connect;
      e.detail = fmt::format("through the proxy of fault {}, from {}", k + 1, text("peer"));
    } else if (what == "close") {
      e.what = net::wire_event::kind::closed;
      e.bytes = number("bytes_up") + number("bytes_down");
      e.detail = fmt::format("{}: {} bytes up, {} down", text("reason"), number("bytes_up"),
                             number("bytes_down"));
    } else if (what == "fault") {
      e.what = net::wire_event::kind::fault;
      e.detail = fmt::format("{} ({})", text("kind"), text("origin"));
      if (auto d = text("direction"); !d.empty()) e.detail += ", " + d;
    } else {
      continue;  // listening, reloads: nothing between hosts
    }
    // A fault event names no peer: it is the connection's, whose peer the open event gave.
    if (!e.from.empty() && e.conn) from_[e.conn] = e.from;
    if (e.from.empty() && from_.contains(e.conn)) e.from = from_[e.conn];
    events_.push_back(std::move(e));
  }
}

}  // namespace commands

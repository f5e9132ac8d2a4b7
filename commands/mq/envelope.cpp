// The JSON envelope of a message.
#include <nlohmann/json.hpp>

#include "commands/mq/mq.hpp"
#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/text.hpp"

namespace commands::mq {

using json = nlohmann::ordered_json;

std::string envelope_json(const message& m, std::string_view time) {
  json j{{"subject", m.subject}};
  if (!m.id.empty()) j["id"] = m.id;
  if (core::valid_utf8(m.data) == m.data)
    j["data"] = m.data;
  else
    j["data_base64"] = core::base64_encode(m.data);
  if (!m.headers.empty()) {
    json h = json::object();
    for (const auto& [k, v] : m.headers) {
      auto key = core::valid_utf8(k);
      auto value = core::valid_utf8(v);
      if (!h.contains(key))
        h[key] = value;
      else if (h[key].is_array())
        h[key].push_back(value);
      else
        h[key] = json::array({h[key], value});
    }
    j["headers"] = std::move(h);
  }
  if (!m.reply.empty()) j["reply"] = core::valid_utf8(m.reply);
  if (!m.id.empty()) j["id"] = m.id;
  if (m.status) j["status"] = m.status;
  if (m.qos) j["qos"] = m.qos;
  if (m.retain) j["retain"] = true;
  if (!time.empty()) j["time"] = time;
  return j.dump();
}

std::optional<message> parse_envelope(std::string_view line, std::string& why) {
  auto j = core::parse_peer_json(line, 8);
  if (!j || !j->is_object()) {
    why = "not a JSON object";
    return std::nullopt;
  }
  message m;
  auto text = [&](const char* k, std::string& into) {
    auto it = j->find(k);
    if (it == j->end()) return true;
    if (!it->is_string()) {
      why = fmt::format("\"{}\" is not a string", k);
      return false;
    }
    into = it->get<std::string>();
    return true;
  };
  if (!text("subject", m.subject) || !text("data", m.data) || !text("reply", m.reply))
    return std::nullopt;
  if (auto it = j->find("retain"); it != j->end()) {
    if (!it->is_boolean()) {
      why = "\"retain\" is not true or false";
      return std::nullopt;
    }
    m.retain = it->get<bool>();
  }
  if (auto it = j->find("data_base64"); it != j->end()) {
    auto bytes = it->is_string() ? core::base64_decode(it->get<std::string>()) : std::nullopt;
    if (!bytes) {
      why = "\"data_base64\" is not base64";
      return std::nullopt;
    }
    m.data = std::move(*bytes);
  }
  if (auto it = j->find("headers"); it != j->end()) {
    if (!it->is_object()) {
      why = "\"headers\" is not an object";
      return std::nullopt;
    }
    for (auto& [k, v] : it->items()) {
      if (v.is_string()) {
        m.headers.emplace_back(k, v.get<std::string>());
        continue;
      }
      if (!v.is_array()) {
        why = fmt::format("header \"{}\" is not a string or an array of strings", k);
        return std::nullopt;
      }
      for (auto& e : v) {
        if (!e.is_string()) {
          why = fmt::format("header \"{}\" is not a string or an array of strings", k);
          return std::nullopt;
        }
        m.headers.emplace_back(k, e.get<std::string>());
      }
    }
  }
  return m;
}

}  // namespace commands::mq

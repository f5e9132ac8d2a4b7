#include "core/toml.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

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

nlohmann::json toml_to_json(const toml::node& n) {
  if (auto* t = n.as_table()) {
    auto out = nlohmann::json::object();
    for (auto&& [k, v] : *t) out[std::string(k.str())] = toml_to_json(v);
    return out;
  }
  if (auto* a = n.as_array()) {
    auto out = nlohmann::json::array();
    for (auto& e : *a) out.push_back(toml_to_json(e));
    return out;
  }
  if (auto v = n.value_exact<std::string>()) return *v;
  if (auto v = n.value_exact<std::int64_t>()) return *v;
  if (auto v = n.value_exact<double>()) return *v;
  if (auto v = n.value_exact<bool>()) return *v;
  // Dates and times become RFC 3339 text, as they were written.
  auto date = [](const toml::date& d) {
    return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
  };
  auto time = [](const toml::time& t) {
    auto s = fmt::format("{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
    return t.nanosecond ? s + fmt::format(".{:09}", t.nanosecond) : s;
  };
  if (auto v = n.value_exact<toml::date>()) return date(*v);
  if (auto v = n.value_exact<toml::time>()) return time(*v);
  if (auto v = n.value_exact<toml::date_time>()) {
    auto s = date(v->date) + "T" + time(v->time);
    if (v->offset) {
      int m = v->offset->minutes;
      s += m == 0 ? std::string("Z")
                  : fmt::format("{}{:02}:{:02}", m < 0 ? '-' : '+', std::abs(m) / 60,
                                std::abs(m) % 60);
    }
    return s;
  }
  return nullptr;
}

}  // namespace core

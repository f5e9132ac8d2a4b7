#pragma once
// TOML documents from users (routes, fault and scenario files), read with one kind of message.
#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace core {

/// Parses `text`, named `name` in messages. A malformed document throws vitnet::error 65 with
/// "name:line: what toml++ said" (lowercase, no trailing period).
/// Example: parse_toml("a = ", "f.toml") throws "f.toml:1: ...".
toml::table parse_toml(std::string_view text, const std::string& name);

/// A TOML value as JSON: tables as objects, arrays as arrays, dates and times as RFC 3339 text
/// as they were written. (TOML has no null.)
nlohmann::json toml_to_json(const toml::node& n);

}  // namespace core

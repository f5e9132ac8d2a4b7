#pragma once
// TOML documents from users (routes, fault and scenario files), read with one kind of message.
#include <toml++/toml.h>

#include <string>
#include <string_view>

namespace core {

/// Parses `text`, named `name` in messages. A malformed document throws vitnet::error 65 with
/// "name:line: what toml++ said" (lowercase, no trailing period).
/// Example: parse_toml("a = ", "f.toml") throws "f.toml:1: ...".
toml::table parse_toml(std::string_view text, const std::string& name);

}  // namespace core

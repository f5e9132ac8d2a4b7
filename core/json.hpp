#pragma once
// JSON from peers. nlohmann::json parses without recursion, but printing, comparing and copying a
// value recurse once per level, so a body of 400 KB of '[' would overflow the stack later. A
// peer's JSON is therefore measured first and refused past a depth no real document needs.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace core {

/// Deeper than this, JSON from a peer is refused.
constexpr std::size_t max_json_depth = 128;

/// How deeply the arrays and objects in `text` nest (brackets inside strings do not count); a
/// scan that stops counting once past `stop`. Example: json_depth("[[1],{}]") == 2.
std::size_t json_depth(std::string_view text, std::size_t stop = max_json_depth + 1);

/// `text` parsed, or nullopt when it is not JSON or nests deeper than `max_depth`.
std::optional<nlohmann::json> parse_peer_json(std::string_view text,
                                              std::size_t max_depth = max_json_depth);

}  // namespace core

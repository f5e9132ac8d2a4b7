#pragma once
// Helpers shared by the DNS codec's files (not part of its interface).
#include <cstddef>
#include <optional>
#include <string_view>

namespace proto::dns {

/// The length of the uncompressed name at the start of `wire` (its final zero byte included),
/// or nullopt when `wire` does not start with one.
std::optional<std::size_t> wire_name_length(std::string_view wire);

}  // namespace proto::dns

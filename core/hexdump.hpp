#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace core {

/// Renders bytes as hex-dump lines prefixed by a direction mark:
/// "> 00000000  68 65 6c 6c 6f 0a                                 |hello.|".
/// `offset` is where `data` starts within its direction's byte stream.
std::string hexdump(std::span<const unsigned char> data, std::uint64_t offset, char direction);

}  // namespace core

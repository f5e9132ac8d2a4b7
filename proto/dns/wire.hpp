#pragma once
// Internal to proto/dns: big-endian fields and names in wire form, shared by the message reader,
// the writer and the record data code.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "proto/dns/message.hpp"

namespace proto::dns::detail {

inline void put16(std::string& out, std::uint16_t v) {
  out.push_back(char(v >> 8));
  out.push_back(char(v & 0xff));
}
inline void put32(std::string& out, std::uint32_t v) {
  put16(out, std::uint16_t(v >> 16));
  put16(out, std::uint16_t(v & 0xffff));
}
inline std::uint16_t get16(const std::uint8_t* p) {
  return std::uint16_t((p[0] << 8) | p[1]);
}
inline std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t(get16(p)) << 16) | get16(p + 2);
}
inline std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Reads the name at `at` in `msg`. Its bytes in place must end by `limit`; with
/// `pointers_ok` compression pointers are followed, each to a point strictly before the run of
/// labels that holds it, so every jump goes further back and no loop can form. `end` becomes
/// the offset just after the name in place. Nullopt with `error` set ("... at offset N").
std::optional<name> read_name(std::span<const std::uint8_t> msg, std::size_t at, std::size_t limit,
                              bool pointers_ok, std::size_t& end, std::string& error);

}  // namespace proto::dns::detail

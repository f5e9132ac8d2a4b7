#pragma once
// Internal to proto/dns: the fields of each known type's record data, in order. One table drives
// the wire reader (which names to decompress, what lengths to check), the writer (which names
// to compress) and both directions of presentation text, so they cannot disagree on a type.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace proto::dns::detail {

enum class field : std::uint8_t {
  u8,
  u16,
  u32,
  period,  ///< u32 seconds, read in text like a TTL ("1h")
  time,    ///< u32 seconds since 1970, YYYYMMDDHHmmSS in text (RFC 4034 section 3.2)
  type,    ///< u16 record type, a mnemonic in text
  ipv4,
  ipv6,
  name,             ///< a name written in full (RFC 3597 section 4)
  compressed_name,  ///< a name the writer may compress (the RFC 1035 types)
  string,           ///< one <character-string>
  strings,          ///< one or more <character-string>s, to the end
  caa_tag,          ///< a <character-string> shown bare (RFC 8659)
  caa_value,        ///< the rest, shown as one quoted string
  hex,              ///< the rest, non-empty, in hex
  base64,           ///< the rest, non-empty, in base64
  bitmap,           ///< the rest: NSEC type windows (RFC 4034 section 4.1.2)
  svc_params,       ///< the rest: SvcParams (RFC 9460)
};

/// The fields of `type`'s data, or an empty span for a type kept as opaque bytes.
std::span<const field> layout_of(std::uint16_t type);

/// Bytes a fixed-size field takes; 0 for the others.
std::size_t fixed_size(field f);

/// Record data of `type` from `msg` at [start, start + length), with names decompressed (when
/// `pointers_ok`) and every field checked to fit. Nullopt with `error` set otherwise.
std::optional<std::string> read_data(std::span<const std::uint8_t> msg, std::size_t start,
                                     std::size_t length, std::uint16_t type, bool pointers_ok,
                                     std::string& error);

}  // namespace proto::dns::detail

#pragma once
// Zone-file text (RFC 1035 section 5) as `serve dns --records` reads it: $ORIGIN, $TTL,
// parentheses across lines, comments, "@", a blank owner meaning the previous one, TTL and class
// in either order, quoted strings, \DDD escapes. $INCLUDE and $GENERATE are refused (a records
// file names everything it serves).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/dns/message.hpp"

namespace proto::dns {

struct zone_result {
  std::vector<record> records;
  std::string error;     ///< empty on success
  std::size_t line = 0;  ///< the line at fault (1-based)
};

struct zone_options {
  name origin;                       ///< the root unless told otherwise
  std::uint32_t default_ttl = 3600;  ///< for a record with no TTL of its own and no $TTL before it
  std::size_t max_records = 1'000'000;
};

/// Reads a whole zone file. Stops at the first error.
zone_result parse_zone(std::string_view text, const zone_options& opts = {});

}  // namespace proto::dns

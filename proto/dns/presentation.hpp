#pragma once
// Internal to proto/dns: the lexical layer of presentation text (RFC 1035 section 5.1), shared
// by the zone-file parser and data_from_string so both read quotes, escapes and parentheses
// the same way.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proto/dns/message.hpp"

namespace proto::dns::detail {

/// A word of presentation text. Escapes are kept as written (a name needs "\." told apart from
/// "."); quotes are taken off and noted.
struct token {
  std::string text;
  bool quoted = false;
  std::size_t line = 1;
};

/// The tokens of one line, or of several joined by parentheses.
struct entry {
  std::vector<token> tokens;
  bool blank_owner = false;  ///< the line began with a space or tab
  std::size_t line = 1;
};

class lexer {
 public:
  explicit lexer(std::string_view text) : text_(text) {}
  /// The next entry with at least one token; false at the end or on error (then error() is
  /// set, with error_line()).
  bool next(entry& out);
  const std::string& error() const { return error_; }
  std::size_t error_line() const { return error_line_; }

 private:
  bool fail(std::size_t line, std::string message);
  bool read_quoted(std::string& out);
  std::string_view text_;
  std::size_t at_ = 0, line_ = 1;
  std::string error_;
  std::size_t error_line_ = 0;
};

/// The bytes of a <character-string> as written (escapes resolved); nullopt on a bad escape.
std::optional<std::string> unescape(std::string_view text);
/// `bytes` as a quoted <character-string>: "\"a \\\"b\\\"\"" with \DDD for unprintable bytes.
std::string quote(std::string_view bytes);
/// `bytes` as one unquoted word: spaces and the special characters escaped.
std::string escape_word(std::string_view bytes);

/// A decimal number of at most `max`; nullopt otherwise.
std::optional<std::uint32_t> number(std::string_view text, std::uint32_t max);
/// A TTL: seconds, or a sum of numbers with units w, d, h, m, s ("1h30m"); at most 2^32-1.
std::optional<std::uint32_t> ttl(std::string_view text);

std::string to_hex(std::string_view bytes);
/// Hex digits, even in number, either case; nullopt otherwise.
std::optional<std::string> from_hex(std::string_view text);

/// The wire form of record data from the tokens after the type (names relative to `origin`).
std::optional<std::string> data_from_tokens(std::uint16_t type, std::span<const token> tokens,
                                            const name& origin, std::string& error);

}  // namespace proto::dns::detail

#pragma once
// The Redis serialization protocol, RESP2 and RESP3, as redis 7 speaks them
// (https://github.com/redis/redis-specifications/blob/master/protocol/RESP3.md and the RESP2 page
// of the redis documentation). Sans-io: bytes in, values out; values out as bytes. A client reads
// replies and push messages; a server (or a test) reads commands, which are arrays of bulk strings.
//
// The wire, and what this parser makes of it:
//   - A value is a type byte, a line ending in CRLF, and for $ ! = a body of the declared number
//     of bytes followed by CRLF, for * % ~ > | the declared number of values (pairs for % and |).
//     CRLF is required exactly: a bare CR or LF in a line, or a body not followed by CRLF, is
//     fatal. The body is bytes: it may hold CR, LF, anything.
//   - RESP2's nulls ($-1, *-1) and RESP3's null (_) are three kinds, so that a value written back
//     is in the same form; is_null() says yes to all three. -1 is refused on other types.
//   - A map (% pairs) holds its keys and values alternately in `children`: key, value, key, ...
//   - An attribute (|) is not a value of its own: its pairs (alternately, as in a map) go to the
//     `attributes` of the value that follows it, at whatever depth, and are not counted among the
//     elements of the aggregate around them (the specification: attributes "inform only the part
//     of the reply that immediately follows"). Attributes in a row are joined in order. A client
//     that does not care ignores `attributes`; a reply is never mistaken for a push or vice versa.
//   - A push (>) is returned by next() like any value: the caller tells it from a reply by its
//     kind. Redis sends pushes at the top level only; the parser accepts one anywhere.
//   - A double (,) keeps its text as written (redis 7.0 writes "1.0000000000000001e+300", "inf",
//     older ones "-nan"), checked against the specification's grammar plus inf, infinity and nan
//     in any case, with a sign; as_double() converts it. A big number (() keeps its digits.
//   - Not read: RESP3's streamed strings ($?) and streamed aggregates (*? ... .), which redis does
//     not send, and the inline commands (PING\r\n) redis-server accepts from telnet: both fatal.
//
// Limits, each fatal and each checked before the bytes or memory it would take:
//   - A line (type byte to CRLF, not counted) longer than max_line: line_too_long, raised as soon
//     as that many bytes have come without a CR.
//   - A body ($ ! =) declared over max_bulk: bulk_too_long, before any of it is read.
//   - An aggregate declaring more than max_elements values (a map or attribute counts keys and
//     values): too_many_elements. Storage for the children grows as they arrive; what is reserved
//     ahead is bounded by the bytes already fed, never by a declared count.
//   - More than max_depth aggregates (attributes included) open at once: too_deep. The parser
//     keeps its own stack, no recursion; describe(), write() and == recurse, as deep as a parsed
//     value can be.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proto::resp {

enum class kind : std::uint8_t {
  simple_string,     ///< +text
  error,             ///< -ERR text
  integer,           ///< :123
  bulk_string,       ///< $3 abc
  null_bulk_string,  ///< $-1 (RESP2 nil)
  array,             ///< *N
  null_array,        ///< *-1 (RESP2 nil, e.g. BLPOP timing out)
  null,              ///< _ (RESP3)
  boolean,           ///< #t, #f
  double_number,     ///< ,1.5
  big_number,        ///< (12345678901234567890
  bulk_error,        ///< !N SYNTAX text
  verbatim_string,   ///< =N txt:text
  map,               ///< %N pairs
  set,               ///< ~N
  push,              ///< >N, out of band (pub/sub messages, client tracking invalidations)
};

/// One RESP value. Fields a kind does not use stay empty (0, false).
struct value {
  kind type = kind::null;
  /// simple_string, error, bulk_string, bulk_error; verbatim_string without its "txt:";
  /// double_number and big_number as written.
  std::string text;
  std::string format;        ///< verbatim_string: the 3 bytes before ':', e.g. "txt" or "mkd"
  std::int64_t integer = 0;  ///< integer
  bool boolean = false;      ///< boolean
  /// array, set, push: the elements; map: key, value, key, value, ...
  std::vector<value> children;
  /// Pairs of the attribute(s) that came just before this value: key, value, key, value, ...
  std::vector<value> attributes;

  /// null, null_bulk_string or null_array.
  bool is_null() const;
  /// double_number: the number (inf, -inf, nan as such); 0 for other kinds.
  double as_double() const;

  friend bool operator==(const value&, const value&) = default;
};

/// Why the peer's stream cannot be read further.
enum class fault : std::uint8_t {
  none,
  unknown_type,       ///< a type byte not in RESP3 (including streamed types and inline text)
  bad_length,         ///< a length or count that is not a decimal number, or -1 where not allowed
  bad_line,           ///< a CR or LF out of place: missing CRLF after a line or a body
  bad_value,          ///< an integer, double, boolean, big number, null or verbatim malformed
  line_too_long,      ///< over limits::max_line
  bulk_too_long,      ///< over limits::max_bulk
  too_many_elements,  ///< over limits::max_elements
  too_deep,           ///< over limits::max_depth
};

/// A short text for a fault, for logs and error messages; empty for fault::none.
/// Example: error_text(fault::bulk_too_long) == "bulk length over the limit".
std::string_view error_text(fault f);

/// Bounds on what a peer can make the parser hold; a client sets max_bulk lower (e.g. 64 MiB).
struct limits {
  std::size_t max_bulk = std::size_t{512} << 20;    ///< $ ! = bodies; redis' proto-max-bulk-len
  std::size_t max_elements = std::size_t{1} << 20;  ///< per aggregate, keys and values counted
  std::size_t max_depth = 32;                       ///< aggregates and attributes open at once
  std::size_t max_line = std::size_t{64} << 10;     ///< type byte to CR
};

/// Reads values from a byte stream, whatever the chunks. After each feed(), call next() until it
/// returns nullopt: bytes wait in the parser until then.
/// Example: parser p; p.feed(":1\r\n$-1\r\n"); p.next()->integer == 1 && p.next()->is_null().
class parser {
 public:
  explicit parser(limits l = {}) : limits_(l) {}

  /// Bytes from the peer, in order. Ignored after a fatal error.
  void feed(std::string_view bytes);
  /// The next whole top-level value; nullopt when more bytes are needed, or after a fatal error.
  std::optional<value> next();
  /// fault::none until the stream turns out unreadable; then why.
  fault failure() const { return fault_; }
  /// Bytes fed and not yet taken into a value (0 after a fatal error). Once next() has returned
  /// nullopt: at most max_line + 1 while a line comes, max_bulk + 1 while a body comes. Values
  /// being built inside an open aggregate are not counted.
  std::size_t pending() const { return buf_.size() - pos_; }

 private:
  struct frame {
    value v;                     ///< the aggregate being filled
    std::size_t remaining = 0;   ///< values still to come
    bool attribute = false;      ///< v.children are an attribute's pairs
    std::vector<value> carried;  ///< attribute: pairs of attributes just before this one
  };

  bool step();  // one line or body; false when more bytes are needed or on failure
  bool scalar(char type, std::string_view line);
  bool open(char type, std::string_view line);
  void complete(value v);
  bool fail(fault f);  // false, for `return fail(...)`

  limits limits_;
  std::string buf_;
  std::size_t pos_ = 0;                    ///< where unread bytes begin in buf_
  std::size_t scanned_ = 0;                ///< bytes after pos_ known to hold no CR or LF
  std::vector<frame> stack_;               ///< open aggregates, outermost first
  std::vector<value> pending_attributes_;  ///< for the next value to begin
  std::optional<value> body_;              ///< a $ ! = value whose body is coming
  std::size_t body_size_ = 0;              ///< of body_
  std::optional<value> done_;              ///< a top-level value complete
  fault fault_ = fault::none;
};

/// A command as clients send it: an array of bulk strings.
/// Example: write_command({"SET", "k", "v"}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".
std::string write_command(std::span<const std::string_view> args);
std::string write_command(std::initializer_list<std::string_view> args);

/// Any value, RESP2 or RESP3 by its kind, appended to `out` (attributes first, as one |).
/// `v` must be what the parser can return: simple strings and errors without CR or LF, a format
/// of 3 bytes, a double or big number as the grammar above takes. Then parsing the bytes gives
/// `v` back, and writing that gives the same bytes.
/// Example: write({.type = kind::integer, .integer = -3}) == ":-3\r\n".
void write(const value& v, std::string& out);
std::string write(const value& v);

/// The value as redis-cli shows it on a terminal, lines joined by '\n' with no '\n' at the end:
/// `"text"` quoted with \n \" \xff escapes, `OK` for a simple string, `(integer) 1`, `(nil)`,
/// `(error) ERR text`, `(double) 1.5`, `(true)`, `(big number) 123`, verbatim text raw, and
/// aggregates numbered `1) ` (array, push), `1~ ` (set), `1# key => value` (map), nested ones
/// indented, `(empty array)` and the like when empty. Attributes (which redis-cli 7 cannot show)
/// come first as `1| key => value` lines.
/// Example: describe(parse of "*2\r\n:1\r\n$1\r\na\r\n") == "1) (integer) 1\n2) \"a\"".
std::string describe(const value& v);

}  // namespace proto::resp

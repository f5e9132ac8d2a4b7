#pragma once
// The NATS client protocol (https://docs.nats.io/reference/reference-protocols/nats-protocol), as
// nats-server 2.9 speaks it with clients. Sans-io: bytes in, operations out; operations out as
// bytes. One parser serves both ends: a server reads CONNECT, PUB, HPUB, SUB, UNSUB; a client reads
// INFO, MSG, HMSG, +OK, -ERR; both read PING and PONG. Which side may send what is the caller's
// business.
//
// The wire, and what this parser makes of it:
//   - An operation is a control line, then for PUB, HPUB, MSG and HMSG a payload of the declared
//     number of bytes followed by CRLF. The payload is bytes: it may hold CR, LF, anything.
//   - Operation names are case-insensitive ("pub" is PUB). Arguments are separated by runs of
//     spaces and tabs. A control line ends with CRLF; a bare LF is accepted as well (the protocol
//     documents CRLF; nats-server's parser takes the LF as the end and drops a CR before it, so
//     telnet users and sloppy clients work). The CRLF after a payload is required exactly. Writers
//     always send CRLF.
//   - An empty line between operations is skipped. INFO and CONNECT carry the rest of the line
//     (JSON, not checked here: core/json reads it); -ERR carries a text, its single quotes removed.
//   - HPUB and HMSG declare the header bytes and the total (headers plus payload); the header block
//     is `NATS/1.0[ status[ description]]\r\nKey: Value\r\n...\r\n` ending in an empty line
//     (parse_headers, write_headers). A 503 status with no payload is "no responders".
//
// Limits, each fatal (the -ERR text is what nats-server 2.9 sends, checked against it):
//   - A control line longer than max_control_line bytes (its line ending not counted):
//     'maximum control line exceeded' (lower case, unlike the protocol documentation's list),
//     raised as soon as that many bytes have come without an LF.
//   - A payload (PUB, MSG) or total (HPUB, HMSG) declared over max_payload: 'Maximum Payload
//     Violation', before any payload byte is read. A client sets max_payload from the server's INFO
//     or leaves the default, so that a server cannot make it hold more either.
// Other fatal errors: an operation name not in the list above is 'Unknown Protocol Operation'; a
// known operation with the wrong number of arguments, a size that is not a decimal number (or over
// 2^64), or header bytes over the total is 'Parser Error' (nats-server closes the connection
// then without a -ERR); bytes other than CRLF after a payload are taken as the start of the
// next operation, so they are 'Unknown Protocol Operation', as nats-server has it.
// Subjects are not checked by the parser: nats-server answers a bad subject with the non-fatal
// 'Invalid Subject' and goes on, so the caller checks with valid_subject() and sends
// error_text(fault::invalid_subject) itself.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proto::nats {

enum class op_kind { info, connect, pub, hpub, sub, unsub, msg, hmsg, ping, pong, ok, err };

/// One protocol operation. Fields an operation does not have stay empty.
struct operation {
  op_kind kind = op_kind::ping;
  std::string subject;  ///< pub, hpub, sub, msg, hmsg
  std::string reply;    ///< pub, hpub, msg, hmsg: the reply-to subject; empty when there is none
  std::string queue;    ///< sub: the queue group; empty when there is none
  std::string sid;      ///< sub, unsub, msg, hmsg
  std::optional<std::uint64_t> max_msgs;  ///< unsub: unsubscribe after this many messages
  std::string text;     ///< info, connect: the JSON; err: the message without its quotes
  std::string headers;  ///< hpub, hmsg: the whole header block, as on the wire
  std::string payload;  ///< pub, hpub, msg, hmsg: the bytes after the headers

  friend bool operator==(const operation&, const operation&) = default;
};

/// Why the peer's stream cannot be read further, or (invalid_subject) why an operation is refused.
enum class fault {
  none,
  unknown_operation,  ///< 'Unknown Protocol Operation'
  parser_error,       ///< 'Parser Error'
  max_control_line,   ///< 'maximum control line exceeded'
  max_payload,        ///< 'Maximum Payload Violation'
  invalid_subject,    ///< 'Invalid Subject': never raised by the parser, for the caller to send
};

/// The text nats-server puts in -ERR '...' for a fault; empty for fault::none.
/// Example: write_err(error_text(fault::max_payload)) == "-ERR 'Maximum Payload Violation'\r\n".
std::string_view error_text(fault f);

struct limits {
  std::size_t max_control_line = 4096;
  std::size_t max_payload = 1 << 20;
};

/// An operation as views into the parser's buffer: what a broker or a benchmark reads without
/// copying. Valid until the next feed().
struct operation_view {
  op_kind kind = op_kind::ping;
  std::string_view subject, reply, queue, sid, text, headers, payload;
  std::optional<std::uint64_t> max_msgs;

  operation owned() const;
};

/// Reads operations from a byte stream, whatever the chunks. After each feed(), call next() (or
/// next_view()) until it returns nullopt: bytes wait in the parser until then.
class parser {
 public:
  explicit parser(limits l = {}) : limits_(l) {}

  /// Bytes from the peer, in order. Ignored after a fatal error.
  void feed(std::string_view bytes);
  /// The next whole operation; nullopt when more bytes are needed, or after a fatal error.
  std::optional<operation> next();
  /// The same without copying: views valid until the next feed().
  std::optional<operation_view> next_view();
  /// fault::none until the stream turns out unreadable; then which -ERR to send before closing.
  fault failure() const { return fault_; }
  /// Bytes fed and not yet part of an operation returned (0 after a fatal error). Once next() has
  /// returned nullopt: under max_control_line + 2 while a line comes, under that plus the declared
  /// payload plus 2 while a payload comes (its control line waits with it).
  std::size_t pending() const { return buf_.size() - pos_; }
  /// Changes the largest payload accepted from now on (a client learns it from INFO).
  void set_max_payload(std::size_t n) { limits_.max_payload = n; }

 private:
  bool line(std::string_view l, operation_view& op);
  void fail(fault f);

  limits limits_;
  std::string buf_;
  std::size_t pos_ = 0;   ///< where unread bytes begin in buf_
  std::size_t need_ = 0;  ///< bytes from pos_ that must be there before the next try
  std::size_t header_bytes_ = 0, total_bytes_ = 0;  ///< sizes the last PUB/HPUB/MSG/HMSG declared
  fault fault_ = fault::none;
};

/// Writers. Each returns one operation's bytes, lines ended with CRLF. Arguments must be what the
/// protocol can carry: subjects, queue, sid without spaces, tabs, CR or LF, a JSON or -ERR text
/// without CR or LF, headers as write_headers makes them; reply and queue empty for none.
/// Example: write_pub("foo", "", "hi") == "PUB foo 2\r\nhi\r\n".
std::string write_info(std::string_view json);
std::string write_connect(std::string_view json);
std::string write_pub(std::string_view subject, std::string_view reply, std::string_view payload);
/// Example: write_hpub("foo", "", "NATS/1.0\r\n\r\n", "x") == "HPUB foo 12
/// 13\r\nNATS/1.0\r\n\r\nx\r\n".
std::string write_hpub(std::string_view subject, std::string_view reply, std::string_view headers,
                       std::string_view payload);
std::string write_sub(std::string_view subject, std::string_view queue, std::string_view sid);
std::string write_unsub(std::string_view sid, std::optional<std::uint64_t> max_msgs = {});
std::string write_msg(std::string_view subject, std::string_view sid, std::string_view reply,
                      std::string_view payload);
std::string write_hmsg(std::string_view subject, std::string_view sid, std::string_view reply,
                       std::string_view headers, std::string_view payload);
std::string write_ping();
std::string write_pong();
std::string write_ok();
/// Example: write_err("Invalid Subject") == "-ERR 'Invalid Subject'\r\n".
std::string write_err(std::string_view text);
/// Any operation, appended to `out`; what parser::next() returns, written back, reads the same.
void write(const operation& op, std::string& out);

/// A subject: tokens separated by '.', none empty, no space, tab, CR or LF (nor any byte under
/// 0x20 or 0x7f). With wildcards allowed, a token may be '*' (any one token) and the last token
/// may be '>' (one or more tokens). '*' and '>' are otherwise refused anywhere in a subject, even
/// inside a longer token (stricter than nats-server, which takes "a*b" as a literal token).
/// Example: valid_subject("orders.*.eu", true) && !valid_subject("orders.*.eu", false).
bool valid_subject(std::string_view subject, bool wildcards_allowed);

/// Whether a subscription's subject (wildcards allowed) matches a literal subject.
/// Example: subject_matches("a.>", "a.b.c") && !subject_matches("a.*", "a.b.c").
bool subject_matches(std::string_view pattern, std::string_view subject);

/// A header block of HPUB or HMSG, parsed. Keys keep their case and order; a key may repeat.
struct headers {
  int status = 0;  ///< 0 when the first line has none; otherwise 100..999 (503: no responders)
  std::string description;  ///< after the status, e.g. "No Messages"; empty when none
  std::vector<std::pair<std::string, std::string>> fields;

  friend bool operator==(const headers&, const headers&) = default;
};

/// The block parsed; nullopt unless it is exactly "NATS/1.0", an optional 3-digit status and
/// description, CRLF, then "Key: Value" lines each ending in CRLF, then CRLF. Keys are non-empty,
/// with no space, tab or ':'; values are trimmed of spaces and tabs; no line holds a CR or LF.
/// Example: parse_headers("NATS/1.0 503\r\n\r\n")->status == 503.
std::optional<headers> parse_headers(std::string_view block);

/// The block for `h` (values and the description must hold no CR or LF and not start or end with
/// a space or tab; a status, when not 0, is 100..999).
/// Example: write_headers({.fields = {{"a", "1"}}}) == "NATS/1.0\r\na: 1\r\n\r\n".
std::string write_headers(const headers& h);

}  // namespace proto::nats

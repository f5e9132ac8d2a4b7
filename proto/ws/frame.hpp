#pragma once
// WebSocket framing (RFC 6455 section 5), sans-io: a decoder fed bytes that yields whole messages
// and control frames, and encoders that return frames to send. No extensions are negotiated, so
// any RSV bit is an error. The opening handshake is in ws_handshake.hpp.
//
// Lengths need not use the minimal encoding (a 5-byte payload sent with a 16-bit length is
// accepted): RFC 6455 5.2 puts that MUST on the sender, enforcing it protects nothing, and
// Chromium, Firefox and most libraries accept it too. A 64-bit length with its top bit set is
// an error, as the RFC says.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace proto::ws {

/// Which end this decoder is on: a server reads masked frames, a client unmasked ones.
enum class role { server, client };

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Close codes (RFC 6455 7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;  ///< never sent: "the close frame had no code"
inline constexpr std::uint16_t abnormal = 1006;   ///< never sent: "closed without a close frame"
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
}  // namespace close_code

/// Whether a peer may send `code` in a close frame: 1000-1003, 1007-1014 (IANA registered) and
/// 3000-4999 (libraries and applications).
bool is_valid_close_code(std::uint16_t code);

/// Whether `s` is well-formed UTF-8: no overlong forms, surrogates, code points past U+10FFFF or
/// truncated sequences.
bool is_valid_utf8(std::string_view s);

/// Checks UTF-8 that arrives in pieces, failing at the first byte that cannot be part of a
/// well-formed sequence (so a bad text message is refused before it is complete).
class utf8_validator {
 public:
  /// False once any byte fed so far was invalid.
  bool feed(std::string_view bytes);
  /// Whether the bytes so far are valid and end on a character boundary.
  bool complete() const { return !bad_ && need_ == 0; }
  void reset() { *this = utf8_validator{}; }

 private:
  bool bad_ = false;
  std::uint8_t need_ = 0;               // continuation bytes still expected
  std::uint8_t lo_ = 0x80, hi_ = 0xBF;  // the range the next continuation byte must be in
};

/// What the decoder found.
struct event {
  enum class kind { text, binary, ping, pong, close, error };
  kind type = kind::text;
  std::string data;        ///< message, ping or pong payload, close reason, or error message
  std::uint16_t code = 0;  ///< close: the peer's code (1005 when it sent none); error: the code
                           ///< to close the connection with (1002, 1007, 1009)
};

using mask_key = std::array<std::uint8_t, 4>;

/// Decodes the frames a peer sends, reassembling fragmented messages; control frames between
/// fragments are reported as they arrive.
/// Example:
///   ws::decoder dec(ws::role::server);
///   dec.feed(bytes);
///   while (auto ev = dec.next()) { ... }
class decoder {
 public:
  /// `max_message`: the largest message (all its fragments) accepted; larger is error 1009.
  explicit decoder(role side, std::size_t max_message = 16 * 1024 * 1024);
  /// Buffers bytes; ignored after a close frame or an error.
  void feed(std::string_view bytes);
  /// The next event, or nullopt when more bytes are needed. A close or error event is the last:
  /// after it, next() returns nullopt.
  std::optional<event> next();
  /// Whether the peer's close frame was decoded.
  bool closed() const { return closed_; }
  /// Whether decoding stopped at an error.
  bool failed() const { return failed_; }

 private:
  enum class header_result { need_more, ok, error };
  header_result read_header();
  event fail(std::uint16_t code, std::string message);
  std::optional<event> finish_frame();

  role side_;
  std::size_t max_message_;
  std::string buf_;
  std::size_t pos_ = 0;
  bool closed_ = false, failed_ = false;
  event error_;
  // The frame being read.
  bool in_frame_ = false, fin_ = false, masked_ = false;
  opcode op_ = opcode::continuation;
  mask_key key_{};
  std::uint64_t remaining_ = 0, offset_ = 0;
  std::string control_;
  // The data message being assembled from its fragments.
  bool in_message_ = false;
  opcode message_op_ = opcode::binary;
  std::string message_;
  utf8_validator utf8_;
};

/// One frame. A client masks every frame with a fresh random key (RFC 6455 5.3); a server
/// never masks.
/// Example: encode_frame(opcode::text, "Hello") == "\x81\x05Hello"
std::string encode_frame(opcode op, std::string_view payload, bool fin = true,
                         const std::optional<mask_key>& mask = std::nullopt);
/// A close frame with a code and a reason, cut to 123 bytes at a character boundary so the
/// payload fits a control frame. Code 1005 (no status) gives an empty payload.
std::string encode_close(std::uint16_t code, std::string_view reason = {},
                         const std::optional<mask_key>& mask = std::nullopt);
/// A message as frames of at most `fragment_size` payload bytes (0: one frame), the first with
/// `op`, the rest continuations, the last with FIN. With `next_mask` (a client), each frame is
/// masked with a key it returns.
std::string encode_message(opcode op, std::string_view payload, std::size_t fragment_size,
                           const std::function<mask_key()>& next_mask = {});

}  // namespace proto::ws

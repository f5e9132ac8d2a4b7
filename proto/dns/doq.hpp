#pragma once
// DNS over QUIC (RFC 9250) framing, sans-io: one DNS message per bidirectional stream, after a
// two-byte length, the stream ending (FIN) right after it; the message id is 0 on the wire.
// The transport (commands/dns/doq.cpp) only moves the bytes of a stream and says when it ended.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace proto::dns::doq {

/// ALPN token (RFC 9250 section 4.1.1) and default port (UDP 853, section 4.1.2).
inline constexpr std::string_view alpn = "doq";
inline constexpr std::uint16_t default_port = 853;

/// Application error codes for CONNECTION_CLOSE and stream resets (RFC 9250 section 4.3).
enum error_code : std::uint64_t {
  no_error = 0x0,
  internal_error = 0x1,
  protocol_error = 0x2,
  request_cancelled = 0x3,
  excessive_load = 0x4,
};

/// The largest message a stream can carry (the length prefix is two bytes).
inline constexpr std::size_t max_message = 65535;
/// The most bytes a well-formed stream holds: the prefix and the largest message.
inline constexpr std::size_t max_stream_bytes = max_message + 2;

/// A message ready for its stream: the two-byte length, then `message` with its id set to 0.
/// Throws std::length_error when `message` is empty, shorter than an id, or past max_message.
/// Example: frame(query_bytes) -> "\x00\x1d\x00\x00..." (29 bytes of query).
std::string frame(std::string_view message);

enum class status {
  incomplete,  ///< more bytes (or the end of the stream) are still to come
  complete,    ///< `message` holds the stream's message
  malformed,   ///< a protocol error (DOQ_PROTOCOL_ERROR): `error` says which
};

struct read_result {
  status state = status::incomplete;
  std::string_view message;  ///< complete: the message, inside the bytes given
  const char* error = "";    ///< malformed: why, lowercase ("a nonzero message id")
};

/// Reads what one stream has carried so far (`bytes`, from its start), `ended` once its peer
/// sent FIN. The stream holds a message only when its length, that many bytes and the end of
/// the stream came, in that order, and the message's id is 0. Known to be malformed early:
/// bytes past the message before the end (a second message), an empty message.
read_result read(std::string_view bytes, bool ended);

}  // namespace proto::dns::doq

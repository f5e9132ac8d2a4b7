// WebSocket frame decoding and encoding (RFC 6455 section 5).
#include "proto/ws/frame.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "proto/buffer.hpp"

namespace proto::ws {

namespace {

// XORs `n` bytes at `p` with `key`, the first byte with key[offset % 4]. Eight bytes at a time:
// byte by byte, masking was a tenth of a 16 KiB echo's time.
void apply_mask(char* p, std::size_t n, const mask_key& key, std::uint64_t offset) {
  std::uint8_t k[8];
  for (std::size_t i = 0; i < 8; ++i) k[i] = key[(offset + i) % 4];
  std::uint64_t wide;
  std::memcpy(&wide, k, 8);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    w ^= wide;
    std::memcpy(p + i, &w, 8);
  }
  for (; i < n; ++i) p[i] = static_cast<char>(static_cast<std::uint8_t>(p[i]) ^ k[i % 8]);
}

}  // namespace

bool is_valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

bool utf8_validator::feed(std::string_view bytes) {
  if (bad_) return false;
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while (p < end) {
    // ASCII, eight bytes at a time: most text is, and byte by byte this was a tenth of a 16 KiB
    // echo's time.
    if (need_ == 0) {
      std::uint64_t w;
      while (end - p >= 8 && (std::memcpy(&w, p, 8), (w & 0x8080808080808080ULL) == 0)) p += 8;
      if (p == end) break;
    }
    auto c = static_cast<unsigned char>(*p++);
    if (need_ > 0) {
      if (c < lo_ || c > hi_) return !(bad_ = true);
      --need_;
      lo_ = 0x80;
      hi_ = 0xBF;
      continue;
    }
    if (c < 0x80) continue;
    // The lead byte fixes how many continuation bytes follow and, for E0, ED, F0 and F4, a
    // narrower range for the first of them: that is what rules out overlong forms (E0 80..9F,
    // F0 80..8F), surrogates (ED A0..BF) and code points past U+10FFFF (F4 90..BF).
    // C0, C1 and F5..FF can only start overlong or out-of-range sequences.
    if (c >= 0xC2 && c <= 0xDF) {
      need_ = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need_ = 2;
      if (c == 0xE0) lo_ = 0xA0;
      if (c == 0xED) hi_ = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need_ = 3;
      if (c == 0xF0) lo_ = 0x90;
      if (c == 0xF4) hi_ = 0x8F;
    } else {
      return !(bad_ = true);
    }
  }
  return true;
}

bool is_valid_utf8(std::string_view s) {
  utf8_validator v;
  return v.feed(s) && v.complete();
}

decoder::decoder(role side, std::size_t max_message) : side_(side), max_message_(max_message) {}

void decoder::feed(std::string_view bytes) {
  if (closed_ || failed_) return;
  // Payload bytes are copied out as they arrive, so the buffer holds little more than headers.
  append_compacting(buf_, pos_, bytes);
}

event decoder::fail(std::uint16_t code, std::string message) {
  failed_ = true;
  buf_.clear();
  pos_ = 0;
  return event{event::kind::error, std::move(message), code};
}

decoder::header_result decoder::read_header() {
  std::size_t avail = buf_.size() - pos_;
  if (avail < 2) return header_result::need_more;
  auto b0 = static_cast<std::uint8_t>(buf_[pos_]);
  auto b1 = static_cast<std::uint8_t>(buf_[pos_ + 1]);
  bool fin = b0 & 0x80, masked = b1 & 0x80;
  unsigned op = b0 & 0x0F, len7 = b1 & 0x7F;
  // Everything the first two bytes can tell is checked before waiting for the rest.
  auto protocol_error = [&](const char* why) {
    error_ = fail(close_code::protocol_error, why);
    return header_result::error;
  };
  if (b0 & 0x70) return protocol_error("reserved bits set without an extension");
  if ((op > 2 && op < 8) || op > 10) return protocol_error("unknown opcode");
  bool control = op >= 8;
  if (control && !fin) return protocol_error("fragmented control frame");
  if (control && len7 > 125) return protocol_error("control frame longer than 125 bytes");
  if (side_ == role::server && !masked) return protocol_error("unmasked frame from a client");
  if (side_ == role::client && masked) return protocol_error("masked frame from a server");
  if (op == 0 && !in_message_) return protocol_error("continuation frame outside a message");
  if ((op == 1 || op == 2) && in_message_)
    return protocol_error("new message inside a fragmented message");

  std::size_t length_bytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  std::size_t header = 2 + length_bytes + (masked ? 4 : 0);
  if (avail < header) return header_result::need_more;
  std::uint64_t length = len7;
  if (length_bytes > 0) {
    length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i)
      length = (length << 8) | static_cast<std::uint8_t>(buf_[pos_ + 2 + i]);
    if (length >> 63) return protocol_error("64-bit length with the top bit set");
  }
  std::size_t so_far = op == 0 ? message_.size() : 0;
  if (!control && length > max_message_ - so_far) {
    error_ = fail(close_code::message_too_big, "message too big");
    return header_result::error;
  }
  for (std::size_t i = 0; i < 4 && masked; ++i)
    key_[i] = static_cast<std::uint8_t>(buf_[pos_ + 2 + length_bytes + i]);
  pos_ += header;
  in_frame_ = true;
  fin_ = fin;
  masked_ = masked;
  op_ = static_cast<opcode>(op);
  remaining_ = length;
  offset_ = 0;
  control_.clear();
  if (op == 1 || op == 2) {
    in_message_ = true;
    message_op_ = op_;
    message_.clear();
    utf8_.reset();
  }
  // Room for the whole frame at once (its length is within the limit checked above), rather
  // than growing, and copying, as its bytes arrive; and a byte to spare, for the newline a
  // line-oriented reader appends. At least doubling: a message in many small fragments must not
  // be copied whole once per fragment.
  if (op < 8 && length > 0) {
    std::size_t want = message_.size() + static_cast<std::size_t>(length) + 1;
    if (want > message_.capacity()) message_.reserve(std::max(want, 2 * message_.capacity()));
  }
  return header_result::ok;
}

std::optional<event> decoder::next() {
  while (!closed_ && !failed_) {
    if (!in_frame_) {
      auto r = read_header();
      if (r == header_result::need_more) return std::nullopt;
      if (r == header_result::error) return std::move(error_);
    }
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buf_.size() - pos_));
    bool control = static_cast<unsigned>(op_) >= 8;
    std::string& into = control ? control_ : message_;
    std::size_t start = into.size();
    into.append(buf_, pos_, n);
    pos_ += n;
    remaining_ -= n;
    if (masked_) {
      apply_mask(into.data() + start, n, key_, offset_);
      offset_ += n;
    }
    // Text is checked as it arrives, so a bad message fails before it is all buffered.
    if (!control && message_op_ == opcode::text &&
        !utf8_.feed(std::string_view(message_).substr(start)))
      return fail(close_code::invalid_payload, "invalid utf-8 in a text message");
    if (remaining_ > 0) return std::nullopt;
    in_frame_ = false;
    if (auto ev = finish_frame()) return ev;
  }
  return std::nullopt;
}

std::optional<event> decoder::finish_frame() {
  switch (op_) {
    case opcode::ping:
      return event{event::kind::ping, std::move(control_), 0};
    case opcode::pong:
      return event{event::kind::pong, std::move(control_), 0};
    case opcode::close: {
      if (control_.empty()) {
        closed_ = true;
        return event{event::kind::close, {}, close_code::no_status};
      }
      if (control_.size() == 1) return fail(close_code::protocol_error, "close frame of one byte");
      auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                             static_cast<std::uint8_t>(control_[1]));
      if (!is_valid_close_code(code)) return fail(close_code::protocol_error, "invalid close code");
      std::string reason = control_.substr(2);
      if (!is_valid_utf8(reason))
        return fail(close_code::invalid_payload, "invalid utf-8 in a close reason");
      closed_ = true;
      return event{event::kind::close, std::move(reason), code};
    }
    default:
      break;
  }
  if (!fin_) return std::nullopt;
  in_message_ = false;
  if (message_op_ == opcode::text) {
    if (!utf8_.complete())
      return fail(close_code::invalid_payload, "text message ends mid-character");
    return event{event::kind::text, std::exchange(message_, {}), 0};
  }
  return event{event::kind::binary, std::exchange(message_, {}), 0};
}

// ---- encoding ----------------------------------------------------------------------------------

std::string encode_frame(opcode op, std::string_view payload, bool fin,
                         const std::optional<mask_key>& mask) {
  std::string out;
  out.reserve(payload.size() + 14);
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | static_cast<unsigned>(op)));
  unsigned m = mask ? 0x80 : 0;
  std::uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(m | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(m | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(m | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  if (!mask) return out += payload;
  for (auto k : *mask) out.push_back(static_cast<char>(k));
  std::size_t at = out.size();
  out += payload;
  apply_mask(out.data() + at, payload.size(), *mask, 0);
  return out;
}

std::string encode_close(std::uint16_t code, std::string_view reason,
                         const std::optional<mask_key>& mask) {
  if (code == close_code::no_status) return encode_frame(opcode::close, {}, true, mask);
  std::size_t cut = std::min<std::size_t>(reason.size(), 123);
  // Back up over continuation bytes so the cut does not split a character.
  if (cut < reason.size())
    while (cut > 0 && (static_cast<std::uint8_t>(reason[cut]) & 0xC0) == 0x80) --cut;
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload += reason.substr(0, cut);
  return encode_frame(opcode::close, payload, true, mask);
}

std::string encode_message(opcode op, std::string_view payload, std::size_t fragment_size,
                           const std::function<mask_key()>& next_mask) {
  auto mask = [&]() -> std::optional<mask_key> {
    if (next_mask) return next_mask();
    return std::nullopt;
  };
  if (fragment_size == 0 || payload.size() <= fragment_size)
    return encode_frame(op, payload, true, mask());
  std::string out;
  for (std::size_t at = 0; at < payload.size(); at += fragment_size) {
    auto part = payload.substr(at, fragment_size);
    bool last = at + fragment_size >= payload.size();
    out += encode_frame(at == 0 ? op : opcode::continuation, part, last, mask());
  }
  return out;
}

}  // namespace proto::ws

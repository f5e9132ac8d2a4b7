#include "proto/dns/doq.hpp"

#include <stdexcept>

namespace proto::dns::doq {

std::string frame(std::string_view message) {
  if (message.size() < 2 || message.size() > max_message)
    throw std::length_error("a DNS over QUIC message is 2 to 65535 bytes");
  std::string out;
  out.reserve(message.size() + 2);
  out.push_back(static_cast<char>(message.size() >> 8));
  out.push_back(static_cast<char>(message.size() & 0xff));
  out += message;
  // RFC 9250 section 4.2.1: the id is 0 on the wire, whatever the sender uses locally.
  out[2] = 0;
  out[3] = 0;
  return out;
}

read_result read(std::string_view bytes, bool ended) {
  read_result r;
  auto malformed = [&r](const char* why) {
    r.state = status::malformed;
    r.error = why;
    return r;
  };
  if (bytes.size() < 2) {
    if (ended)
      return malformed(bytes.empty() ? "a stream ended with no message"
                                     : "a stream ended inside the length");
    return r;
  }
  std::size_t len = static_cast<std::uint8_t>(bytes[0]) << 8 | static_cast<std::uint8_t>(bytes[1]);
  if (len == 0) return malformed("an empty message");
  if (bytes.size() > 2 + len) return malformed("bytes after the message (one message per stream)");
  if (bytes.size() < 2 + len) {
    if (ended) return malformed("a stream ended inside the message");
    return r;
  }
  if (!ended) return r;  // the message is whole; its stream must still end
  auto message = bytes.substr(2);
  if (len < 2) return malformed("a message too short to hold an id");
  if (message[0] != 0 || message[1] != 0) return malformed("a nonzero message id");
  r.state = status::complete;
  r.message = message;
  return r;
}

}  // namespace proto::dns::doq

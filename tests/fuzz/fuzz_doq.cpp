// Fuzzes the DNS over QUIC stream reader (proto/dns/doq.hpp) with a peer's bytes. No crash; a
// stream reads as a message only once ended, and then it is exactly frame(message) with id 0;
// no proper prefix of it reads as a message; whatever is framed reads back as itself.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "proto/dns/doq.hpp"

namespace doq = proto::dns::doq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto open = doq::read(bytes, false);
  if (open.state == doq::status::complete) std::abort();  // never before the stream's end
  auto ended = doq::read(bytes, true);
  if (ended.state == doq::status::incomplete) std::abort();  // an ended stream is decided
  if (ended.state == doq::status::malformed && *ended.error == '\0') std::abort();
  if (ended.state == doq::status::complete) {
    if (ended.message.size() + 2 != size) std::abort();
    if (ended.message[0] != 0 || ended.message[1] != 0) std::abort();
    if (doq::frame(ended.message) != bytes) std::abort();
    // The same bytes cut short, as a stream still open: not yet a message, never malformed.
    for (std::size_t n = 0; n < size; n += 1 + n / 8)
      if (doq::read(bytes.substr(0, n), false).state != doq::status::incomplete) std::abort();
  }
  // The input as a message to send: framed, it reads back with its id set to 0.
  std::string framed;
  try {
    framed = doq::frame(bytes);
  } catch (const std::length_error&) {
    if (size >= 2 && size <= doq::max_message) std::abort();
    return 0;
  }
  auto back = doq::read(framed, true);
  if (back.state != doq::status::complete || back.message.size() != size) std::abort();
  if (back.message.substr(2) != bytes.substr(2)) std::abort();
  return 0;
}

// Fuzzes both sides of the WebSocket opening handshake: a server judging a client's upgrade
// request (parsed from the input), and a client judging a server's response (parsed from the
// input) to a request of its own. No crash; a server that accepts names a subprotocol it speaks
// and answers 101 with the right Sec-WebSocket-Accept; a refusal is a 400 or 426.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proto/http1/parser.hpp"
#include "proto/ws/handshake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string speaks[] = {"chat.v2", "chat.v1"};
  {
    proto::request_parser p;
    p.feed(text);
    if (p.poll() == proto::http_event::message) {
      auto req = p.take();
      auto verdict = proto::ws::accept_upgrade(req, speaks);
      if (verdict.ok) {
        if (verdict.reply.status != 101) std::abort();
        auto key = req.headers.get("Sec-WebSocket-Key");
        auto accept = verdict.reply.headers.get("Sec-WebSocket-Accept");
        if (!key || !accept || *accept != proto::ws::accept_key(*key))
          std::abort();
        if (!verdict.protocol.empty() && verdict.protocol != speaks[0] &&
            verdict.protocol != speaks[1])
          std::abort();
      } else if (verdict.reply.status != 400 && verdict.reply.status != 426) {
        std::abort();
      }
    }
  }
  {
    std::array<std::uint8_t, 16> nonce{};
    for (std::size_t i = 0; i < nonce.size() && i < size; ++i) nonce[i] = data[i];
    auto req = proto::ws::make_upgrade_request("h:1", "/x", nonce, speaks);
    proto::response_parser p;
    p.feed(text);
    p.feed_eof();
    auto ev = p.poll();
    if (ev == proto::http_event::head) ev = p.poll();
    if (ev == proto::http_event::message) {
      auto resp = p.take();
      auto verdict = proto::ws::check_upgrade_response(req, resp);
      if (verdict.ok && resp.status != 101) std::abort();
      if (!verdict.ok && verdict.error.empty()) std::abort();
    }
  }
  return 0;
}

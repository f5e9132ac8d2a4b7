#pragma once
// The WebSocket opening handshake (RFC 6455 section 4) on proto::request and proto::response:
// checking a client's upgrade request and answering it, and the client's side of the same.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "proto/http1/message.hpp"

namespace proto::ws {

/// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key: base64(SHA-1(key + RFC 6455 GUID)).
/// Example: accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
std::string accept_key(std::string_view client_key);

/// A server's verdict on an upgrade request.
struct server_handshake {
  bool ok = false;
  response reply;        ///< the 101 to send when ok; otherwise a 400 or 426 with a short reason
  std::string protocol;  ///< the chosen subprotocol, "" for none
};

/// Checks a client's opening handshake (RFC 6455 4.2.1): GET, HTTP/1.1, Upgrade: websocket,
/// Connection: upgrade, Sec-WebSocket-Version: 13 (else 426 naming version 13) and a
/// Sec-WebSocket-Key of 16 bytes in base64 (else 400). The subprotocol is the first of
/// `server_protocols` (the server's order of preference) that the client offered; when none
/// matches, the handshake succeeds without one and the client decides whether to go on.
server_handshake accept_upgrade(const request& req,
                                std::span<const std::string> server_protocols = {});

/// A client's opening handshake for `target` ("/chat?room=1") on `host` ("example.com:8080").
/// `nonce` is 16 random bytes from the caller (its base64 is Sec-WebSocket-Key); `protocols` are
/// offered in order; `extra` fields (Origin, Authorization...) are added as they are.
request make_upgrade_request(std::string_view host, std::string_view target,
                             const std::array<std::uint8_t, 16>& nonce,
                             std::span<const std::string> protocols = {},
                             const header_list& extra = {});

/// A client's verdict on the server's answer.
struct client_handshake {
  bool ok = false;
  std::string error;     ///< why not, lowercase: "expected status 101, got 403"
  std::string protocol;  ///< the subprotocol the server chose, "" for none
};

/// Checks the server's response to `req` (from make_upgrade_request): 101, Upgrade: websocket,
/// Connection: upgrade, the Sec-WebSocket-Accept matching the key, a subprotocol only from
/// those offered and no extension (none is offered).
client_handshake check_upgrade_response(const request& req, const response& resp);

}  // namespace proto::ws

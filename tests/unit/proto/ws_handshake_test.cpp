// The WebSocket opening handshake (RFC 6455 section 4) on both sides.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/ws/handshake.hpp"

namespace ws = proto::ws;

namespace {

// "the sample nonce", whose base64 is the RFC's example key.
const std::array<std::uint8_t, 16> sample_nonce{'t', 'h', 'e', ' ', 's', 'a', 'm', 'p',
                                                'l', 'e', ' ', 'n', 'o', 'n', 'c', 'e'};

proto::request upgrade_request() {
  proto::request r;
  r.method = "GET";
  r.target = r.path = "/chat";
  r.headers.add("Host", "server.example.com");
  r.headers.add("Upgrade", "WebSocket");
  r.headers.add("Connection", "keep-alive, Upgrade");
  r.headers.add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  r.headers.add("Sec-WebSocket-Version", "13");
  return r;
}

}  // namespace

TEST_CASE("ws accept key matches the RFC 6455 example") {
  CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("ws server handshake answers a valid upgrade with 101") {
  auto h = ws::accept_upgrade(upgrade_request());
  REQUIRE(h.ok);
  CHECK(h.reply.status == 101);
  CHECK(h.reply.headers.get("Upgrade") == "websocket");
  CHECK(h.reply.headers.has_token("Connection", "upgrade"));
  CHECK(h.reply.headers.get("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(!h.reply.headers.contains("Sec-WebSocket-Protocol"));
  CHECK(h.protocol.empty());
}

TEST_CASE("ws server handshake picks the server's preferred subprotocol among those offered") {
  auto req = upgrade_request();
  req.headers.add("Sec-WebSocket-Protocol", "chat, superchat");
  req.headers.add("Sec-WebSocket-Protocol", "v2.json");
  std::vector<std::string> mine{"v2.json", "chat"};
  auto h = ws::accept_upgrade(req, mine);
  REQUIRE(h.ok);
  CHECK(h.protocol == "v2.json");
  CHECK(h.reply.headers.get("Sec-WebSocket-Protocol") == "v2.json");
  std::vector<std::string> other{"mqtt"};
  auto none = ws::accept_upgrade(req, other);
  CHECK(none.ok);
  CHECK(none.protocol.empty());
}

TEST_CASE("ws server handshake refuses malformed upgrades with 400") {
  auto expect_400 = [](proto::request r, const char* what) {
    auto h = ws::accept_upgrade(r);
    CHECK_MESSAGE(!h.ok, what);
    CHECK_MESSAGE(h.reply.status == 400, what);
    CHECK(!h.reply.body.empty());
  };
  auto r = upgrade_request();
  r.method = "POST";
  expect_400(r, "method");
  r = upgrade_request();
  r.version_minor = 0;
  expect_400(r, "http/1.0");
  r = upgrade_request();
  r.headers.set("Upgrade", "h2c");
  expect_400(r, "upgrade");
  r = upgrade_request();
  r.headers.set("Connection", "keep-alive");
  expect_400(r, "connection");
  for (const char* key :
       {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZ===",
        "dGhlIHNhbXBsZSBub25jZQ==AAAA", "dGhl*HNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAAAA",
        "dGhlIHNhbXBsZSBub25jZU=="}) {  // the last: stray bits (fuzz_ws_handshake)
    r = upgrade_request();
    r.headers.set("Sec-WebSocket-Key", key);
    expect_400(r, key);
  }
  r = upgrade_request();
  r.headers.remove("Sec-WebSocket-Key");
  expect_400(r, "no key");
  r = upgrade_request();
  r.headers.add("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==");
  expect_400(r, "two keys");
}

TEST_CASE("ws server handshake answers other versions with 426 naming version 13") {
  for (const char* v : {"8", "12", "", "13, 8"}) {
    auto r = upgrade_request();
    r.headers.set("Sec-WebSocket-Version", v);
    auto h = ws::accept_upgrade(r);
    CHECK(!h.ok);
    CHECK(h.reply.status == 426);
    CHECK(h.reply.headers.get("Sec-WebSocket-Version") == "13");
  }
  auto r = upgrade_request();
  r.headers.remove("Sec-WebSocket-Version");
  CHECK(ws::accept_upgrade(r).reply.status == 426);
}

TEST_CASE("ws client handshake builds the upgrade request from a nonce") {
  proto::header_list extra;
  extra.add("Origin", "http://example.com");
  std::vector<std::string> protocols{"chat", "superchat"};
  auto r = ws::make_upgrade_request("server.example.com", "/chat?room=a%20b", sample_nonce,
                                    protocols, extra);
  CHECK(r.method == "GET");
  CHECK(r.target == "/chat?room=a%20b");
  CHECK(r.path == "/chat");
  CHECK(r.query == "room=a%20b");
  CHECK(r.version_minor == 1);
  CHECK(r.headers.get("Host") == "server.example.com");
  CHECK(r.headers.get("Sec-WebSocket-Key") == "dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(r.headers.get("Sec-WebSocket-Version") == "13");
  CHECK(r.headers.get("Sec-WebSocket-Protocol") == "chat, superchat");
  CHECK(r.headers.get("Origin") == "http://example.com");
  CHECK(ws::make_upgrade_request("h", "", sample_nonce).target == "/");
}

TEST_CASE("ws client and server handshakes agree with each other") {
  std::vector<std::string> offered{"chat", "superchat"}, served{"superchat"};
  auto req = ws::make_upgrade_request("h", "/", sample_nonce, offered);
  auto server = ws::accept_upgrade(req, served);
  REQUIRE(server.ok);
  auto client = ws::check_upgrade_response(req, server.reply);
  CHECK(client.ok);
  CHECK(client.error.empty());
  CHECK(client.protocol == "superchat");
}

TEST_CASE("ws client handshake refuses a response that does not complete the upgrade") {
  std::vector<std::string> offered{"chat"};
  auto req = ws::make_upgrade_request("h", "/", sample_nonce, offered);
  auto good = ws::accept_upgrade(req, offered).reply;
  auto refused = [&](proto::response r) {
    auto c = ws::check_upgrade_response(req, r);
    CHECK(!c.ok);
    return c.error;
  };
  auto r = good;
  r.status = 200;
  CHECK(refused(r) == "expected status 101, got 200");
  r = good;
  r.headers.remove("Upgrade");
  refused(r);
  r = good;
  r.headers.set("Connection", "keep-alive");
  refused(r);
  r = good;
  r.headers.set("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=x");
  CHECK(refused(r) == "sec-websocket-accept does not match the key");
  r = good;
  r.headers.set("Sec-WebSocket-Protocol", "superchat");
  refused(r);
  r = good;
  r.headers.set("Sec-WebSocket-Protocol", "chat, chat");
  refused(r);
  r = good;
  r.headers.add("Sec-WebSocket-Extensions", "permessage-deflate");
  refused(r);
}

// WebSocket frames (RFC 6455 section 5): the RFC's examples, fragmentation, masking rules,
// UTF-8, close codes and limits.
#include "proto/ws/frame.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ws = proto::ws;
using kind = ws::event::kind;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

// Decodes `in` in pieces of `step` bytes and returns every event.
std::vector<ws::event> decode(const std::string& in, ws::role side,
                              std::size_t step = std::string::npos,
                              std::size_t max_message = 1 << 20) {
  ws::decoder d(side, max_message);
  std::vector<ws::event> out;
  for (std::size_t at = 0; at < in.size(); at += step) {
    d.feed(std::string_view(in).substr(at, step));
    while (auto ev = d.next()) out.push_back(std::move(*ev));
  }
  return out;
}

// The single event `in` decodes to, checked to be the same when fed byte by byte.
ws::event one(const std::string& in, ws::role side = ws::role::client, std::size_t max = 1 << 20) {
  auto whole = decode(in, side, std::string::npos, max);
  auto bytewise = decode(in, side, 1, max);
  REQUIRE(whole.size() == 1);
  REQUIRE(bytewise.size() == 1);
  CHECK(whole[0].type == bytewise[0].type);
  CHECK(whole[0].code == bytewise[0].code);
  CHECK(whole[0].data == bytewise[0].data);
  return whole[0];
}

std::uint16_t error_code(const std::string& in, ws::role side = ws::role::client) {
  auto ev = one(in, side);
  CHECK(ev.type == kind::error);
  return ev.code;
}

const ws::mask_key rfc_key{0x37, 0xfa, 0x21, 0x3d};

std::string close_frame(int code, std::string reason = {}) {
  return bytes({0x88, static_cast<int>(2 + reason.size()), code >> 8, code & 0xff}) + reason;
}

}  // namespace

TEST_CASE("ws decoder reads the RFC 6455 example frames") {
  auto hello = one(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  CHECK(hello.type == kind::text);
  CHECK(hello.data == "Hello");
  auto masked = one(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                    ws::role::server);
  CHECK(masked.data == "Hello");
  auto fragmented = one(bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
  CHECK(fragmented.type == kind::text);
  CHECK(fragmented.data == "Hello");
  auto ping = one(bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  CHECK(ping.type == kind::ping);
  CHECK(ping.data == "Hello");
  auto pong = one(bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                  ws::role::server);
  CHECK(pong.type == kind::pong);
  CHECK(pong.data == "Hello");
  auto b256 = one(bytes({0x82, 0x7e, 0x01, 0x00}) + std::string(256, 'x'));
  CHECK(b256.type == kind::binary);
  CHECK(b256.data.size() == 256);
  auto b64k = one(bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}) + std::string(65536, 'y'));
  CHECK(b64k.data == std::string(65536, 'y'));
}

TEST_CASE("ws encoder writes the RFC 6455 example frames") {
  CHECK(ws::encode_frame(ws::opcode::text, "Hello") ==
        bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  CHECK(ws::encode_frame(ws::opcode::text, "Hello", true, rfc_key) ==
        bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  CHECK(ws::encode_frame(ws::opcode::text, "Hel", false) +
            ws::encode_frame(ws::opcode::continuation, "lo") ==
        bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
  CHECK(ws::encode_frame(ws::opcode::pong, "Hello", true, rfc_key) ==
        bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  CHECK(ws::encode_frame(ws::opcode::binary, std::string(256, 'x')).substr(0, 4) ==
        bytes({0x82, 0x7e, 0x01, 0x00}));
  CHECK(ws::encode_frame(ws::opcode::binary, std::string(65536, 'x')).substr(0, 10) ==
        bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}));
  CHECK(ws::encode_frame(ws::opcode::binary, std::string(125, 'x')).substr(0, 2) ==
        bytes({0x82, 125}));
  CHECK(ws::encode_frame(ws::opcode::binary, std::string(65535, 'x')).substr(0, 4) ==
        bytes({0x82, 0x7e, 0xff, 0xff}));
}

TEST_CASE("ws decoder enforces masking by role") {
  CHECK(error_code(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), ws::role::server) == 1002);
  CHECK(error_code(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})) ==
        1002);
}

TEST_CASE("ws decoder reports control frames between the fragments of a message") {
  std::string in = ws::encode_frame(ws::opcode::binary, "ab", false, rfc_key) +
                   ws::encode_frame(ws::opcode::ping, "p", true, rfc_key) +
                   ws::encode_frame(ws::opcode::continuation, "cd", false, rfc_key) +
                   ws::encode_frame(ws::opcode::pong, "", true, rfc_key) +
                   ws::encode_frame(ws::opcode::continuation, "ef", true, rfc_key);
  for (std::size_t step : {std::string::npos, std::size_t{1}}) {
    auto evs = decode(in, ws::role::server, step);
    REQUIRE(evs.size() == 3);
    CHECK(evs[0].type == kind::ping);
    CHECK(evs[0].data == "p");
    CHECK(evs[1].type == kind::pong);
    CHECK(evs[2].type == kind::binary);
    CHECK(evs[2].data == "abcdef");
  }
}

TEST_CASE("ws decoder refuses continuations outside a message and messages inside one") {
  CHECK(error_code(bytes({0x80, 0x00})) == 1002);
  CHECK(error_code(bytes({0x01, 0x01, 'a', 0x81, 0x01, 'b'})) == 1002);
  CHECK(error_code(bytes({0x02, 0x01, 'a', 0x02, 0x01, 'b'})) == 1002);
}

TEST_CASE("ws decoder refuses reserved bits and unknown opcodes") {
  for (int rsv : {0x40, 0x20, 0x10}) CHECK(error_code(bytes({0x81 | rsv, 0x00})) == 1002);
  for (int op : {3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf})
    CHECK_MESSAGE(error_code(bytes({0x80 | op, 0x00})) == 1002, op);
}

TEST_CASE("ws decoder refuses long or fragmented control frames") {
  CHECK(error_code(bytes({0x89, 0x7e, 0x00, 0x7e}) + std::string(126, 'x')) == 1002);
  CHECK(error_code(bytes({0x09, 0x00})) == 1002);
  CHECK(error_code(bytes({0x08, 0x00})) == 1002);
  auto max_ping = one(bytes({0x89, 125}) + std::string(125, 'x'));
  CHECK(max_ping.data.size() == 125);
}

TEST_CASE("ws decoder reads close frames with and without a code") {
  auto none = one(bytes({0x88, 0x00}));
  CHECK(none.type == kind::close);
  CHECK(none.code == 1005);
  auto bye = one(close_frame(1000, "bye \xe2\x9c\x93"));
  CHECK(bye.type == kind::close);
  CHECK(bye.code == 1000);
  CHECK(bye.data == "bye \xe2\x9c\x93");
  CHECK(error_code(bytes({0x88, 0x01, 0x03})) == 1002);
  CHECK(error_code(close_frame(1000, "\xff")) == 1007);
}

TEST_CASE("ws decoder accepts only close codes a peer may send") {
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000,
                   3999, 4000, 4999}) {
    auto ev = one(close_frame(code));
    CHECK_MESSAGE(ev.type == kind::close, code);
    CHECK(ev.code == code);
  }
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    CHECK_MESSAGE(error_code(close_frame(code)) == 1002, code);
}

TEST_CASE("ws decoder decodes nothing after a close frame or an error") {
  ws::decoder d(ws::role::client);
  d.feed(bytes({0x88, 0x00, 0x81, 0x01, 'a'}));
  CHECK(d.next()->type == kind::close);
  CHECK(!d.next());
  CHECK(d.closed());
  ws::decoder e(ws::role::client);
  e.feed(bytes({0xf1, 0x00, 0x81, 0x01, 'a'}));
  CHECK(e.next()->type == kind::error);
  CHECK(!e.next());
  e.feed(bytes({0x81, 0x01, 'a'}));
  CHECK(!e.next());
  CHECK(e.failed());
}

TEST_CASE("ws decoder refuses messages over its limit with 1009") {
  CHECK(one(bytes({0x82, 0x0a}) + std::string(10, 'x'), ws::role::client, 10).type == kind::binary);
  CHECK(one(bytes({0x82, 0x0b}) + std::string(11, 'x'), ws::role::client, 10).code == 1009);
  // Refused at the header: the payload is never buffered.
  CHECK(one(bytes({0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0}), ws::role::client, 10).code == 1009);
  auto fragments = bytes({0x02, 0x06}) + "abcdef" + bytes({0x80, 0x05}) + "ghijk";
  CHECK(one(fragments, ws::role::client, 10).code == 1009);
}

TEST_CASE("ws decoder refuses a 64-bit length with the top bit set but not a long encoding") {
  CHECK(error_code(bytes({0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1})) == 1002);
  auto short_in_long = one(bytes({0x82, 0x7e, 0x00, 0x02, 'o', 'k'}));
  CHECK(short_in_long.data == "ok");
  auto short_in_64 = one(bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x02, 'o', 'k'}));
  CHECK(short_in_64.data == "ok");
}

TEST_CASE("ws decoder accepts well-formed UTF-8, split anywhere across fragments") {
  std::string text =
      "a\xc2\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    auto in = ws::encode_frame(ws::opcode::text, text.substr(0, cut), false) +
              ws::encode_frame(ws::opcode::continuation, text.substr(cut), true);
    auto ev = one(in);
    CHECK_MESSAGE(ev.type == kind::text, cut);
    CHECK(ev.data == text);
  }
}

TEST_CASE("ws decoder refuses invalid UTF-8 in text messages with 1007") {
  for (const char* bad :
       {"\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
        "\xf0\x8f\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
        "\xff", "\x80", "a\xbf", "\xe2\x82", "\xf0\x9f\x98", "\xc2", "\xe2\x28\xa1"}) {
    auto ev = one(ws::encode_frame(ws::opcode::text, bad));
    CHECK_MESSAGE(ev.type == kind::error, bad);
    CHECK(ev.code == 1007);
  }
  CHECK(one(ws::encode_frame(ws::opcode::binary, "\xff")).type == kind::binary);
}

TEST_CASE("ws decoder fails a bad text message before its last fragment arrives") {
  ws::decoder d(ws::role::client);
  d.feed(ws::encode_frame(ws::opcode::text, "ok \xff", false));
  auto ev = d.next();
  REQUIRE(ev);
  CHECK(ev->code == 1007);
  // A character cut between fragments is fine until the message ends on it.
  ws::decoder e(ws::role::client);
  e.feed(ws::encode_frame(ws::opcode::text, "\xe2\x82", false));
  CHECK(!e.next());
  e.feed(ws::encode_frame(ws::opcode::continuation, "", true));
  CHECK(e.next()->code == 1007);
}

TEST_CASE("ws utf8 helpers agree on boundaries") {
  CHECK(ws::is_valid_utf8(""));
  CHECK(ws::is_valid_utf8("\xf4\x8f\xbf\xbf"));
  CHECK(!ws::is_valid_utf8("\xf4\x8f\xbf"));
  ws::utf8_validator v;
  CHECK(v.feed("\xf0\x9f"));
  CHECK(!v.complete());
  CHECK(v.feed("\x98\x80"));
  CHECK(v.complete());
  CHECK(!v.feed("\xc0"));
  CHECK(!v.feed("a"));
}

TEST_CASE("ws encoder writes close frames with a reason cut at a character boundary") {
  CHECK(ws::encode_close(1000, "bye") == bytes({0x88, 0x05, 0x03, 0xe8, 'b', 'y', 'e'}));
  CHECK(ws::encode_close(1005) == bytes({0x88, 0x00}));
  std::string reason(122, 'r');
  reason += "\xe2\x9c\x93";  // would end at byte 125: the whole check mark must go
  auto frame = ws::encode_close(4000, reason);
  CHECK(frame.size() == 2 + 2 + 122);
  auto ev = one(frame);
  CHECK(ev.code == 4000);
  CHECK(ev.data == std::string(122, 'r'));
}

TEST_CASE("ws encoder fragments a message that decodes back whole") {
  std::string payload;
  for (int i = 0; i < 1000; ++i) payload += static_cast<char>('a' + i % 26);
  std::uint8_t n = 0;
  auto next_mask = [&] { return ws::mask_key{n++, 0x55, 0xaa, 0x0f}; };
  auto frames = ws::encode_message(ws::opcode::text, payload, 300, next_mask);
  CHECK(n == 4);
  // Three frames of 300 bytes (16-bit length) and one of 100, each with a mask key.
  CHECK(frames.size() == 1000 + 3 * (2 + 2 + 4) + (2 + 4));
  auto ev = one(frames, ws::role::server);
  CHECK(ev.type == kind::text);
  CHECK(ev.data == payload);
  CHECK(ws::encode_message(ws::opcode::binary, "", 10) == bytes({0x82, 0x00}));
  CHECK(ws::encode_message(ws::opcode::binary, "abc", 0) == bytes({0x82, 0x03, 'a', 'b', 'c'}));
}

TEST_CASE("ws masking and UTF-8 checks agree with a byte-by-byte reference at every offset") {
  // Masking and the ASCII scan go eight bytes at a time; every split of a masked frame, and a
  // bad or multi-byte character at every position around the eight-byte steps, must come out
  // as it does one byte at a time.
  std::string payload;
  for (int i = 0; i < 77; ++i) payload += static_cast<char>(i % 3 == 0 ? 0xc3 : 'a' + i % 26);
  for (std::size_t i = 0; i < payload.size(); ++i)
    if (static_cast<unsigned char>(payload[i]) == 0xc3) payload[++i] = '\xa9';
  const ws::mask_key key{0x9d, 0x01, 0x7e, 0xe4};
  auto frame = ws::encode_frame(ws::opcode::binary, payload, true, key);
  std::string by_hand = frame.substr(0, 2 + 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    by_hand += static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]);
  CHECK(frame == by_hand);
  for (std::size_t step = 1; step <= 20; ++step) {
    auto evs = decode(frame, ws::role::server, step);
    REQUIRE(evs.size() == 1);
    CHECK_MESSAGE(evs[0].data == payload, step);
  }
  for (std::size_t at = 0; at < 40; ++at) {
    std::string text(48, 'x');
    text[at] = '\xff';
    CHECK_MESSAGE(!ws::is_valid_utf8(text), at);
    text.replace(at, 1, "\xe2\x82\xac");  // a euro sign, valid wherever it lands
    CHECK_MESSAGE(ws::is_valid_utf8(text), at);
    text.erase(at + 2, 1);  // cut short: the next byte is ASCII, not a continuation
    CHECK_MESSAGE(!ws::is_valid_utf8(text), at);
    for (std::size_t cut = 0; cut <= text.size(); cut += 7) {
      ws::utf8_validator v;
      bool ok = v.feed(std::string_view(text).substr(0, cut)) &&
                v.feed(std::string_view(text).substr(cut));
      CHECK_MESSAGE(!ok, at);
    }
  }
}

TEST_CASE("ws decoder reassembles a message of many small fragments") {
  // Each fragment's header reserves room in the message being assembled; 5,000 masked
  // fragments, fed in reads that cut through headers and payloads, come back as one message.
  std::string frames, want;
  for (int i = 0; i < 5000; ++i) {
    std::string part(3, static_cast<char>('a' + i % 26));
    want += part;
    frames += ws::encode_frame(i == 0 ? ws::opcode::text : ws::opcode::continuation, part,
                               i == 4999, ws::mask_key{1, 2, 3, 4});
  }
  auto evs = decode(frames, ws::role::server, 4096);
  REQUIRE(evs.size() == 1);
  CHECK(evs[0].type == kind::text);
  CHECK(evs[0].data == want);
}

// MessagePack-RPC: messages as Neovim sends them, written out byte by byte by hand; round trips;
// chunks of every size; how MessagePack values map to JSON; and a peer that sends too much, too
// deep, shapes that are not messages, or bytes that are not MessagePack.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "proto/msgpack_rpc/codec.hpp"

namespace rpc = proto::msgpack_rpc;
using rpc::json;

namespace {

// "94 00 a3" -> the three bytes.
std::string hex(std::string_view spaced) {
  std::string out;
  for (std::size_t i = 0; i < spaced.size();) {
    if (spaced[i] == ' ') {
      ++i;
      continue;
    }
    out += static_cast<char>(std::stoi(std::string(spaced.substr(i, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

std::vector<rpc::message> drain(rpc::decoder& d) {
  std::vector<rpc::message> out;
  while (auto m = d.next()) out.push_back(std::move(*m));
  return out;
}

std::vector<rpc::message> read_all(std::string_view bytes) {
  rpc::decoder d;
  d.feed(bytes);
  auto out = drain(d);
  CHECK(d.error().empty());
  CHECK(d.pending() == 0);
  return out;
}

json binary(std::vector<std::uint8_t> bytes) {
  return json::binary(std::move(bytes));
}
json ext(std::int8_t type, std::vector<std::uint8_t> bytes) {
  return json::binary(std::move(bytes), static_cast<std::uint8_t>(type));
}

// [0,1,"nvim_eval",["1+1"]]
const std::string eval_request = hex("94 00 01 a9") + "nvim_eval" + hex("91 a3") + "1+1";
// [1,1,nil,2]
const std::string eval_response = hex("94 01 01 c0 02");
// [1,2,[0,"E121"],nil]: Neovim's error is [type, message]
const std::string failed_response = hex("94 01 02 92 00 a4") + "E121" + hex("c0");
// [2,"nvim_buf_lines_event",[Buffer(1),5,6,["a"],false]]: the Buffer handle is ext 0
const std::string lines_event =
    hex("93 02 b4") + "nvim_buf_lines_event" + hex("95 d4 00 01 05 06 91 a1") + "a" + hex("c2");

}  // namespace

TEST_CASE("msgpack-rpc reads a request, a response and a notification from hand-written bytes") {
  auto in = read_all(eval_request + eval_response + failed_response + lines_event);
  REQUIRE(in.size() == 4);

  CHECK(in[0].type == rpc::kind::request);
  CHECK(in[0].id == 1);
  CHECK(in[0].method == "nvim_eval");
  CHECK(in[0].params == json::array({"1+1"}));

  CHECK(in[1].type == rpc::kind::response);
  CHECK(in[1].id == 1);
  CHECK(in[1].error.is_null());
  CHECK(in[1].result == 2);

  CHECK(in[2].type == rpc::kind::response);
  CHECK(in[2].id == 2);
  CHECK(in[2].error == json::array({0, "E121"}));
  CHECK(in[2].result.is_null());

  CHECK(in[3].type == rpc::kind::notification);
  CHECK(in[3].method == "nvim_buf_lines_event");
  CHECK(in[3].params == json::array({ext(0, {1}), 5, 6, json::array({"a"}), false}));
}

TEST_CASE("msgpack-rpc writes each kind of message as the bytes it reads") {
  rpc::message call{
      .type = rpc::kind::request, .id = 1, .method = "nvim_eval", .params = json::array({"1+1"})};
  CHECK(rpc::encode(call) == eval_request);

  rpc::message ok{.type = rpc::kind::response, .id = 1, .result = 2};
  CHECK(rpc::encode(ok) == eval_response);

  rpc::message failed{
      .type = rpc::kind::response, .id = 2, .error = json::array({0, "E121"}), .result = nullptr};
  CHECK(rpc::encode(failed) == failed_response);

  rpc::message event{.type = rpc::kind::notification,
                     .method = "nvim_buf_lines_event",
                     .params = json::array({ext(0, {1}), 5, 6, json::array({"a"}), false})};
  CHECK(rpc::encode(event) == lines_event);
}

TEST_CASE("msgpack-rpc round-trips requests, responses and notifications through the decoder") {
  std::vector<rpc::message> out = {
      {.type = rpc::kind::request,
       .id = 0xffffffff,
       .method = "nvim_buf_set_lines",
       .params = json::array({ext(0, {3}), 0, -1, false, json::array({"x", "y"})})},
      {.type = rpc::kind::request, .id = 0, .method = "", .params = json::array()},
      {.type = rpc::kind::response,
       .id = 7,
       .error = nullptr,
       .result = json::object({{"mode", "n"}, {"blocking", false}})},
      {.type = rpc::kind::response, .id = 8, .error = json::array({1, "bad"}), .result = nullptr},
      {.type = rpc::kind::notification,
       .method = "redraw",
       .params = json::array({json::array({"flush"})})},
  };
  std::string wire;
  for (const auto& m : out) wire += rpc::encode(m);
  auto back = read_all(wire);
  REQUIRE(back.size() == out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO(i);
    CHECK(back[i] == out[i]);
    CHECK(rpc::encode(back[i]) == rpc::encode(out[i]));
  }
}

TEST_CASE("msgpack-rpc reads the same messages fed a byte at a time") {
  const std::string wire = eval_request + lines_event + failed_response;
  auto whole = read_all(wire);
  rpc::decoder d;
  std::vector<rpc::message> got;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    d.feed(wire.substr(i, 1));
    auto some = drain(d);
    got.insert(got.end(), some.begin(), some.end());
  }
  CHECK(d.error().empty());
  CHECK(d.pending() == 0);
  CHECK(got == whole);

  // Every split into two pieces gives the same messages, and the bytes of a partial message wait.
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    rpc::decoder two;
    two.feed(wire.substr(0, cut));
    auto first = drain(two);
    std::size_t whole_bytes = 0;
    for (const auto& m : first) whole_bytes += rpc::encode(m).size();
    CHECK(two.pending() == cut - whole_bytes);
    two.feed(wire.substr(cut));
    auto rest = drain(two);
    first.insert(first.end(), rest.begin(), rest.end());
    CHECK(first == whole);
  }
}

TEST_CASE("msgpack-rpc leaves the order of responses to the caller") {
  // Neovim answers a request made while it waits on its own request first: ids come back 3, 1, 2.
  std::string wire;
  for (std::uint32_t id : {3u, 1u, 2u})
    wire += rpc::encode({.type = rpc::kind::response, .id = id, .result = id * 10});
  auto in = read_all(wire);
  REQUIRE(in.size() == 3);
  CHECK(in[0].id == 3);
  CHECK(in[0].result == 30);
  CHECK(in[1].id == 1);
  CHECK(in[2].id == 2);
  CHECK(in[2].result == 20);
}

TEST_CASE("msgpack-rpc keeps Neovim's Buffer, Window and Tabpage ext handles exactly") {
  // fixext 1, fixext 2, ext 8 with three bytes, and the timestamp type -1.
  const std::string bytes = hex("94 d4 00 05 d5 01 03 e8 c7 03 02 01 02 03 d6 ff 00 00 00 01");
  auto v = rpc::unpack_one(bytes);
  REQUIRE(v);
  CHECK(*v ==
        json::array({ext(0, {5}), ext(1, {0x03, 0xe8}), ext(2, {1, 2, 3}), ext(-1, {0, 0, 0, 1})}));
  CHECK((*v)[1].get_binary().subtype() == 1);
  CHECK((*v)[3].get_binary().subtype() == 255);
  std::string again;
  rpc::pack(*v, again);
  CHECK(again == bytes);
}

TEST_CASE("msgpack-rpc reads bin as binary without a subtype") {
  auto v = rpc::unpack_one(hex("c4 03 00 ff 10"));
  REQUIRE(v);
  CHECK(*v == binary({0x00, 0xff, 0x10}));
  CHECK_FALSE(v->get_binary().has_subtype());
  std::string again;
  rpc::pack(*v, again);
  CHECK(again == hex("c4 03 00 ff 10"));

  // No ext type holds a subtype over 255, so that binary goes out as bin.
  std::string wide;
  rpc::pack(json::binary({1}, 300), wide);
  CHECK(wide == hex("c4 01 01"));
  // Strings keep their bytes, UTF-8 or not.
  CHECK(rpc::unpack_one(hex("a2 ff 61")) == json(std::string("\xff"
                                                             "a")));
}

TEST_CASE("msgpack-rpc keeps uint64 max and int64 min exact") {
  auto big = rpc::unpack_one(hex("cf ff ff ff ff ff ff ff ff"));
  REQUIRE(big);
  CHECK(big->is_number_unsigned());
  CHECK(big->get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
  auto small = rpc::unpack_one(hex("d3 80 00 00 00 00 00 00 00"));
  REQUIRE(small);
  CHECK(small->is_number_integer());
  CHECK(small->get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());

  std::string out;
  rpc::pack(*big, out);
  rpc::pack(*small, out);
  CHECK(out == hex("cf ff ff ff ff ff ff ff ff d3 80 00 00 00 00 00 00 00"));
  // Each integer in its shortest form, whichever JSON type holds it.
  out.clear();
  for (json v : {json(0), json(127u), json(128), json(-1), json(-33), json(65536), json(-129)})
    rpc::pack(v, out);
  CHECK(out == hex("00 7f cc 80 ff d0 df ce 00 01 00 00 d1 ff 7f"));
}

TEST_CASE("msgpack-rpc reads float32 and float64 as numbers and writes floats as float64") {
  auto f32 = rpc::unpack_one(hex("ca 3f c0 00 00"));
  REQUIRE(f32);
  CHECK(f32->is_number_float());
  CHECK(f32->get<double>() == 1.5);
  auto f64 = rpc::unpack_one(hex("cb bf b9 99 99 99 99 99 9a"));
  REQUIRE(f64);
  CHECK(f64->get<double>() == -0.1);
  std::string out;
  rpc::pack(*f32, out);
  CHECK(out == hex("cb 3f f8 00 00 00 00 00 00"));
}

TEST_CASE("msgpack-rpc turns map keys that are not strings into their JSON text") {
  // {1: "a", nil: 2, [1,2]: 3, "s": 4, true: {}}
  auto v = rpc::unpack_one(hex("85 01 a1 61 c0 02 92 01 02 03 a1 73 04 c3 80"));
  REQUIRE(v);
  CHECK(*v == json{{"1", "a"}, {"null", 2}, {"[1,2]", 3}, {"s", 4}, {"true", json::object()}});
  // Of two equal keys, the later one is kept.
  CHECK(rpc::unpack_one(hex("82 01 01 a1 31 02")) == json{{"1", 2}});
  // unpack_one wants exactly one value.
  CHECK_FALSE(rpc::unpack_one(hex("01 02")));
  CHECK_FALSE(rpc::unpack_one(hex("92 01")));
  CHECK_FALSE(rpc::unpack_one(""));
}

TEST_CASE("msgpack-rpc skips a message whose map keys would make too much JSON text") {
  // {{{...{1: 0}...: 0}: 0}: 0}: each map is the key of the next, so its JSON text is escaped
  // once more at each level and doubles: 40 levels of 2 bytes each would make a terabyte.
  std::string key = hex("81 01 00");
  for (int i = 0; i < 40; ++i) key = hex("81") + key + hex("00");
  rpc::decoder d;
  d.feed(hex("93 02 a1") + "m" + hex("91") + key + eval_request);
  auto m = d.next();
  REQUIRE(m);
  CHECK(m->method == "nvim_eval");
  REQUIRE(d.skipped().size() == 1);
  CHECK(d.skipped()[0].find("JSON text") != std::string::npos);
  CHECK_FALSE(rpc::unpack_one(key));

  // A few levels are fine.
  auto shallow = rpc::unpack_one(hex("81 81 01 00 00"));
  REQUIRE(shallow);
  CHECK(*shallow == json{{R"({"1":0})", 0}});
}

TEST_CASE("msgpack-rpc refuses values nested past max_depth") {
  // The message is one level, params another: [2,"m",[[1]]] nests 3 deep.
  auto nested = [](int levels) {
    return hex("93 02 a1") + "m" + std::string(levels - 1, '\x91') + hex("01");
  };
  rpc::decoder fits(1024, 4);
  fits.feed(nested(4));
  auto m = fits.next();
  REQUIRE(m);
  CHECK(m->params == json::array({json::array({json::array({1})})}));

  rpc::decoder deep(1024, 4);
  deep.feed(nested(5));
  CHECK_FALSE(deep.next());
  CHECK(deep.failure() == rpc::fault::too_deep);
  CHECK_FALSE(deep.error().empty());

  // The default limit holds 128; a thousand levels fail before any of it is kept.
  rpc::decoder thousand;
  thousand.feed(nested(1000));
  CHECK_FALSE(thousand.next());
  CHECK(thousand.failure() == rpc::fault::too_deep);
  CHECK_FALSE(rpc::unpack_one(std::string(1000, '\x91') + hex("01")));
  CHECK(rpc::unpack_one(std::string(10, '\x91') + hex("01"), 1024, 10));
  CHECK_FALSE(rpc::unpack_one(std::string(11, '\x91') + hex("01"), 1024, 10));
}

TEST_CASE("msgpack-rpc refuses an array or map declaring too many elements from its header alone") {
  // The unpacker allocates one object per declared element when it reads the count: five bytes
  // claiming four billion must fail there.
  for (const char* header : {"dd ff ff ff ff", "df ff ff ff ff", "dc ff ff"}) {
    INFO(header);
    rpc::decoder d(1024);
    d.feed(hex(header));
    CHECK_FALSE(d.next());
    CHECK(d.failure() == rpc::fault::too_large);
    CHECK_FALSE(d.error().empty());
  }
  // Inside a message too.
  rpc::decoder d(1024);
  d.feed(hex("94 00 01 a1") + "m" + hex("dd 00 01 00 00"));
  CHECK_FALSE(d.next());
  CHECK(d.failure() == rpc::fault::too_large);
  // At the default limit, an honest large array still reads.
  rpc::decoder large;
  large.feed(hex("93 02 a1") + "m" + hex("dc 10 00") + std::string(4096, '\x07'));
  auto m = large.next();
  REQUIRE(m);
  CHECK(m->params.size() == 4096);
}

TEST_CASE("msgpack-rpc refuses a str or bin once the bytes held for it pass max_message") {
  // The declared length of a str or bin costs nothing until its bytes come: the header alone waits.
  for (const char* header : {"db ff ff ff ff", "c6 ff ff ff ff", "c9 ff ff ff fe 00"}) {
    INFO(header);
    rpc::decoder d(1024);
    d.feed(hex(header));
    CHECK_FALSE(d.next());
    CHECK(d.error().empty());
    CHECK(d.pending() == hex(header).size());
    d.feed(std::string(1000, 'x'));
    CHECK_FALSE(d.next());
    CHECK(d.error().empty());
    d.feed(std::string(100, 'x'));
    CHECK_FALSE(d.next());
    CHECK(d.failure() == rpc::fault::too_large);
    // After the error, the stream is over: bytes fed are dropped and nothing more comes out.
    d.feed(eval_request);
    CHECK_FALSE(d.next());
  }
}

TEST_CASE("msgpack-rpc refuses a message growing past max_message, however it is fed") {
  // A notification whose params hold strings of 300 bytes, 3 of them: 920 bytes or so, then 4.
  auto message_of = [](int strings) {
    std::string out = hex("93 02 a1") + "m" + static_cast<char>(0x90 + strings);
    for (int i = 0; i < strings; ++i) out += hex("da 01 2c") + std::string(300, 'a' + i);
    return out;
  };
  rpc::decoder fits(1024);
  fits.feed(message_of(3));
  CHECK(fits.next());

  for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{100000}}) {
    INFO(step);
    rpc::decoder d(1024);
    std::string wire = message_of(4) + eval_request;
    std::size_t fed = 0;
    while (fed < wire.size() && d.error().empty()) {
      d.feed(wire.substr(fed, step));
      fed += step;
      CHECK_FALSE(d.next());
      CHECK(d.pending() <= 1025 + step);
    }
    CHECK(d.failure() == rpc::fault::too_large);
  }
}

TEST_CASE("msgpack-rpc takes a message of exactly max_message bytes, and not one more") {
  // [2,"m",[str]] is 8 bytes before the string's body.
  auto message_of = [](std::size_t length) {
    std::string body(length - 8, 'z');
    return hex("93 02 a1") + "m" + hex("91 da") + static_cast<char>(body.size() >> 8) +
           static_cast<char>(body.size() & 0xff) + body;
  };
  rpc::decoder exact(1024);
  exact.feed(message_of(1024) + eval_response);
  auto m = exact.next();
  REQUIRE(m);
  CHECK(m->params[0].get_ref<const std::string&>().size() == 1016);
  CHECK(exact.next());

  rpc::decoder over(1024);
  over.feed(message_of(1025) + eval_response);
  CHECK_FALSE(over.next());
  CHECK(over.failure() == rpc::fault::too_large);
}

TEST_CASE("msgpack-rpc goes on reading after a large message") {
  rpc::message big{.type = rpc::kind::notification,
                   .method = "nvim_buf_lines_event",
                   .params = json::array({std::string(3 << 20, 'l')})};
  rpc::decoder d;
  d.feed(rpc::encode(big) + eval_request + rpc::encode(big));
  auto first = d.next();
  REQUIRE(first);
  CHECK(*first == big);
  auto second = d.next();
  REQUIRE(second);
  CHECK(second->method == "nvim_eval");
  CHECK(d.next() == big);
  CHECK_FALSE(d.next());
  CHECK(d.pending() == 0);
}

TEST_CASE("msgpack-rpc skips values that are not messages and goes on to the next") {
  const std::vector<std::string> bad = {
      hex("01"),                                                     // an integer
      hex("80"),                                                     // a map
      hex("90"),                                                     // an empty array
      hex("94 03 01 a1") + "m" + hex("90"),                          // type tag 3
      hex("94 c0 01 a1") + "m" + hex("90"),                          // type tag nil
      hex("93 00 01 a1") + "m",                                      // a request of 3 elements
      hex("95 00 01 a1") + "m" + hex("90 c0"),                       // a request of 5 elements
      hex("94 02 01 a1") + "m" + hex("90"),                          // a notification of 4 elements
      hex("93 01 01 c0"),                                            // a response of 3 elements
      hex("94 00 ff a1") + "m" + hex("90"),                          // id -1
      hex("94 00 cf 00 00 00 01 00 00 00 00 a1") + "m" + hex("90"),  // id 2^32
      hex("94 00 a1 31 a1") + "m" + hex("90"),                       // id "1"
      hex("94 00 01 05 90"),                                         // method 5
      hex("94 00 01 c4 01") + "m" + hex("90"),                       // method as bin
      hex("94 00 01 a1") + "m" + hex("80"),                          // params a map
      hex("93 02 a1") + "m" + hex("c0"),                             // notification params nil
      hex("94 01 c0 c0 c0"),                                         // response id nil
  };
  for (const auto& shape : bad) {
    rpc::decoder d;
    d.feed(shape + eval_request);
    auto m = d.next();
    REQUIRE(m);
    CHECK(m->method == "nvim_eval");
    REQUIRE(d.skipped().size() == 1);
    INFO(d.skipped()[0]);
    CHECK_FALSE(d.skipped()[0].empty());
    CHECK(d.error().empty());
    CHECK_FALSE(d.next());
    CHECK(d.pending() == 0);
  }
  // A response may carry both an error and a result; which one counts is the caller's call.
  auto both = read_all(hex("94 01 05 a1") + "e" + hex("a1") + "r");
  REQUIRE(both.size() == 1);
  CHECK(both[0].error == "e");
  CHECK(both[0].result == "r");
}

TEST_CASE("msgpack-rpc holds at most 64 descriptions of values skipped") {
  rpc::decoder d;
  d.feed(std::string(100, '\x01') + eval_request);
  CHECK(d.next());
  CHECK(d.skipped().size() == 64);
  CHECK(d.skipped_uncounted() == 36);
  d.skipped().clear();
  d.feed(hex("80"));
  CHECK_FALSE(d.next());
  CHECK(d.skipped().size() == 1);
}

TEST_CASE("msgpack-rpc stops for good at bytes that are not MessagePack") {
  rpc::decoder d;
  d.feed(eval_request + hex("c1") + eval_response);
  auto m = d.next();
  REQUIRE(m);
  CHECK(m->method == "nvim_eval");
  CHECK_FALSE(d.next());
  CHECK(d.failure() == rpc::fault::not_msgpack);
  CHECK_FALSE(d.error().empty());
  d.feed(eval_response);
  CHECK_FALSE(d.next());

  // Inside a value as well.
  rpc::decoder inside;
  inside.feed(hex("94 00 01 c1"));
  CHECK_FALSE(inside.next());
  CHECK(inside.failure() == rpc::fault::not_msgpack);
  CHECK_FALSE(rpc::unpack_one(hex("c1")));
}

TEST_CASE("msgpack-rpc writes params that are not an array as one") {
  rpc::message m{.type = rpc::kind::notification, .method = "n", .params = nullptr};
  CHECK(rpc::encode(m) == hex("93 02 a1") + "n" + hex("90"));
  m.params = "echo";
  CHECK(rpc::encode(m) == hex("93 02 a1") + "n" + hex("91 a4") + "echo");
  m.params = json::object({{"a", 1}});
  CHECK(read_all(rpc::encode(m)).at(0).params == json::array({json::object({{"a", 1}})}));
}

// MQTT 3.1.1 and 5.0: every packet from bytes written by hand from the specifications, fed whole
// and byte by byte; the limits and the faults they give; malformed packets and protocol errors;
// properties; switching version after CONNECT; writers that make the same bytes and that the
// parser reads back. Topics are in mqtt_topic_test.cpp.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "proto/mqtt/packet.hpp"

namespace mqtt = proto::mqtt;
using mqtt::fault;
using mqtt::packet_type;

namespace {

// Bytes from hex pairs and 'quoted text', blanks between them ignored, as the specifications'
// tables show a packet: b("30 07 00 03 'a/b' 'hi'").
std::string b(std::string_view spec) {
  std::string out;
  for (std::size_t i = 0; i < spec.size();) {
    if (spec[i] == ' ') {
      ++i;
    } else if (spec[i] == '\'') {
      const std::size_t end = spec.find('\'', i + 1);
      out.append(spec.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      out += static_cast<char>(std::stoi(std::string(spec.substr(i, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

struct outcome {
  std::vector<mqtt::packet> packets;
  fault failure = fault::none;
};

// Feeds `in` in pieces of `step` bytes, draining after each; switches to version 5 after a
// CONNECT of level 5, as a server does.
outcome read(std::string_view in, int version, std::size_t step = std::string::npos,
             std::size_t max = 1 << 20) {
  mqtt::parser p(version, max);
  outcome out;
  for (std::size_t at = 0; at < in.size(); at += step) {
    p.feed(in.substr(at, step));
    while (auto pk = p.next()) {
      if (pk->type == packet_type::connect) p.set_version(pk->protocol_level);
      out.packets.push_back(std::move(*pk));
    }
  }
  out.failure = p.failure();
  return out;
}

// The one packet in `in`, checked to be the same whole and byte by byte.
mqtt::packet one(std::string_view in, int version) {
  auto whole = read(in, version);
  auto bytes = read(in, version, 1);
  REQUIRE(whole.failure == fault::none);
  REQUIRE(whole.packets.size() == 1);
  CHECK(bytes.failure == fault::none);
  REQUIRE(bytes.packets.size() == 1);
  CHECK(bytes.packets[0] == whole.packets[0]);
  return whole.packets[0];
}

fault fails(std::string_view in, int version, std::size_t max = 1 << 20) {
  auto whole = read(in, version, std::string::npos, max);
  auto bytes = read(in, version, 1, max);
  CHECK(whole.failure == bytes.failure);
  CHECK(whole.packets.size() == bytes.packets.size());
  return whole.failure;
}

}  // namespace

TEST_CASE("mqtt parser reads a 3.1.1 CONNECT of a known client") {
  const std::string in = b("10 12 00 04 'MQTT' 04 02 00 3c 00 06 'vitnet'");
  auto c = one(in, 4);
  CHECK(c.type == packet_type::connect);
  CHECK(c.protocol_level == 4);
  CHECK(c.client_id == "vitnet");
  CHECK(c.clean_start);
  CHECK(c.keep_alive == 60);
  CHECK(!c.will);
  CHECK(!c.username);
  CHECK(!c.password);
  // The same bytes reach a server that starts at version 5.
  CHECK(one(in, 5) == c);
  CHECK(mqtt::write(c, 4) == in);
}

TEST_CASE("mqtt parser reads a 3.1.1 CONNECT with a will, a user name and a password") {
  const std::string in =
      b("10 20 00 04 'MQTT' 04 ee 00 0a 00 02 'c1' 00 03 'bye' 00 04 'gone' 00 01 'u' 00 02 00 ff");
  auto c = one(in, 4);
  CHECK(c.client_id == "c1");
  CHECK(c.clean_start);
  CHECK(c.keep_alive == 10);
  REQUIRE(c.will);
  CHECK(c.will->topic == "bye");
  CHECK(c.will->payload == "gone");
  CHECK(c.will->qos == 1);
  CHECK(c.will->retain);
  CHECK(c.username == "u");
  CHECK(c.password == std::string("\0\xff", 2));
  CHECK(mqtt::write(c, 4) == in);
}

TEST_CASE("mqtt parser reads a 5.0 CONNECT with its properties") {
  const std::string in =
      b("10 1c 00 04 'MQTT' 05 02 00 1e 0f 11 00 00 0e 10 21 00 14 26 00 01 'k' 00 01 'v' 00 00");
  auto c = one(in, 4);
  CHECK(c.protocol_level == 5);
  CHECK(c.client_id.empty());
  CHECK(c.keep_alive == 30);
  CHECK(c.props.session_expiry_interval == 3600u);
  CHECK(c.props.receive_maximum == 20);
  REQUIRE(c.props.user_properties.size() == 1);
  CHECK(c.props.user_properties[0] == std::pair<std::string, std::string>{"k", "v"});
  CHECK(mqtt::write(c, 5) == in);
}

TEST_CASE("mqtt parser reads a 5.0 CONNECT with will properties and a password alone") {
  // Will flag, will QoS 2, password without user name (allowed in 5.0).
  const std::string in =
      b("10 1e 00 04 'MQTT' 05 54 00 00 00 00 01 'x' 05 18 00 00 00 05"
        "00 01 't' 00 01 'p' 00 02 'pw'");
  auto c = one(in, 5);
  REQUIRE(c.will);
  CHECK(c.will->qos == 2);
  CHECK(!c.will->retain);
  CHECK(c.will->props.will_delay_interval == 5u);
  CHECK(c.will->topic == "t");
  CHECK(!c.username);
  CHECK(c.password == "pw");
  CHECK(mqtt::write(c, 5) == in);
}

TEST_CASE("mqtt parser reads CONNACK in both versions") {
  auto a = one(b("20 02 01 00"), 4);
  CHECK(a.type == packet_type::connack);
  CHECK(a.session_present);
  CHECK(a.reason_code == 0);
  auto refused = one(b("20 02 00 05"), 4);
  CHECK(!refused.session_present);
  CHECK(refused.reason_code == 5);

  const std::string v5 = b("20 13 00 00 10 12 00 03 'abc' 22 00 0a 24 01 25 00 13 00 3c");
  auto c = one(v5, 5);
  CHECK(c.props.assigned_client_identifier == "abc");
  CHECK(c.props.topic_alias_maximum == 10);
  CHECK(c.props.maximum_qos == 1);
  CHECK(c.props.retain_available == false);
  CHECK(c.props.server_keep_alive == 60);
  // Properties are read in any order and written in identifier order.
  CHECK(mqtt::write(c, 5) == b("20 13 00 00 10 12 00 03 'abc' 13 00 3c 22 00 0a 24 01 25 00"));
}

TEST_CASE("mqtt parser reads PUBLISH at each QoS with its flags") {
  auto q0 = one(b("30 07 00 03 'a/b' 'hi'"), 4);
  CHECK(q0.type == packet_type::publish);
  CHECK(q0.topic == "a/b");
  CHECK(q0.payload == "hi");
  CHECK(q0.qos == 0);
  CHECK(q0.packet_id == 0);
  CHECK(!q0.retain);
  CHECK(!q0.dup);
  auto q1 = one(b("3b 08 00 03 'a/b' 00 07 'x'"), 4);
  CHECK(q1.qos == 1);
  CHECK(q1.dup);
  CHECK(q1.retain);
  CHECK(q1.packet_id == 7);
  CHECK(q1.payload == "x");
  // An empty payload, and one holding any bytes.
  CHECK(one(b("30 03 00 01 't'"), 4).payload.empty());
  CHECK(one(b("30 05 00 01 't' 00 ff"), 4).payload == std::string("\0\xff", 2));
}

TEST_CASE("mqtt parser reads a 5.0 PUBLISH with message properties") {
  const std::string in =
      b("34 27 00 01 't' 00 01 1f 01 01 02 00 00 00 3c 03 00 04 'text' 08 00 01 'r' 09 00 02 00 01"
        "0b 81 01 0b 05 23 00 02 '{}'");
  auto p = one(in, 5);
  CHECK(p.qos == 2);
  CHECK(p.packet_id == 1);
  CHECK(p.props.payload_format_indicator == 1);
  CHECK(p.props.message_expiry_interval == 60u);
  CHECK(p.props.content_type == "text");
  CHECK(p.props.response_topic == "r");
  CHECK(p.props.correlation_data == std::string("\0\x01", 2));
  CHECK(p.props.subscription_identifiers == std::vector<std::uint32_t>{129, 5});
  CHECK(p.props.topic_alias == 2);
  CHECK(p.payload == "{}");
  CHECK(mqtt::write(p, 5) == in);
  // With a topic alias the topic may be empty.
  CHECK(one(b("30 06 00 00 03 23 00 01"), 5).topic.empty());
}

TEST_CASE("mqtt parser reads the acknowledgements of PUBLISH") {
  const struct {
    const char* bytes;
    packet_type type;
  } rows[] = {{"40 02 00 07", packet_type::puback},
              {"50 02 00 07", packet_type::pubrec},
              {"62 02 00 07", packet_type::pubrel},
              {"70 02 00 07", packet_type::pubcomp}};
  for (const auto& r : rows) {
    CAPTURE(r.bytes);
    for (int v : {4, 5}) {
      auto a = one(b(r.bytes), v);
      CHECK(a.type == r.type);
      CHECK(a.packet_id == 7);
      CHECK(a.reason_code == 0);
      CHECK(mqtt::write(a, v) == b(r.bytes));
    }
  }
  // 5.0: a reason code alone, a reason code and properties, and the long form of success.
  auto no_match = one(b("40 03 00 07 10"), 5);
  CHECK(no_match.reason_code == 0x10);
  CHECK(mqtt::write(no_match, 5) == b("40 03 00 07 10"));
  auto bad = one(b("50 0a 00 07 80 06 1f 00 03 'bad'"), 5);
  CHECK(bad.reason_code == 0x80);
  CHECK(bad.props.reason_string == "bad");
  CHECK(one(b("40 04 00 07 00 00"), 5) == one(b("40 02 00 07"), 5));
}

TEST_CASE("mqtt parser reads SUBSCRIBE and SUBACK in both versions") {
  auto s = one(b("82 0e 00 0a 00 03 'a/+' 01 00 03 'b/#' 02"), 4);
  CHECK(s.type == packet_type::subscribe);
  CHECK(s.packet_id == 10);
  REQUIRE(s.subscriptions.size() == 2);
  CHECK(s.subscriptions[0] == mqtt::subscription{.filter = "a/+", .qos = 1});
  CHECK(s.subscriptions[1] == mqtt::subscription{.filter = "b/#", .qos = 2});

  auto s5 = one(b("82 0b 00 0a 02 0b 07 00 03 'a/+' 2d"), 5);
  CHECK(s5.props.subscription_identifiers == std::vector<std::uint32_t>{7});
  REQUIRE(s5.subscriptions.size() == 1);
  CHECK(s5.subscriptions[0] == mqtt::subscription{.filter = "a/+",
                                                  .qos = 1,
                                                  .no_local = true,
                                                  .retain_as_published = true,
                                                  .retain_handling = 2});

  auto a = one(b("90 04 00 0a 01 80"), 4);
  CHECK(a.type == packet_type::suback);
  CHECK(a.reason_codes == std::vector<std::uint8_t>{0x01, 0x80});
  auto a5 = one(b("90 05 00 0a 00 01 97"), 5);
  CHECK(a5.reason_codes == std::vector<std::uint8_t>{0x01, 0x97});
}

TEST_CASE("mqtt parser reads UNSUBSCRIBE and UNSUBACK in both versions") {
  auto u = one(b("a2 07 00 0b 00 03 'a/+'"), 4);
  CHECK(u.type == packet_type::unsubscribe);
  CHECK(u.packet_id == 11);
  CHECK(u.filters == std::vector<std::string>{"a/+"});
  CHECK(one(b("a2 08 00 0b 00 00 03 'a/+'"), 5).filters == u.filters);
  auto a = one(b("b0 02 00 0b"), 4);
  CHECK(a.type == packet_type::unsuback);
  CHECK(a.reason_codes.empty());
  auto a5 = one(b("b0 05 00 0b 00 00 11"), 5);
  CHECK(a5.reason_codes == std::vector<std::uint8_t>{0x00, 0x11});
}

TEST_CASE("mqtt parser reads PINGREQ, PINGRESP, DISCONNECT and AUTH") {
  CHECK(one(b("c0 00"), 4).type == packet_type::pingreq);
  CHECK(one(b("d0 00"), 5).type == packet_type::pingresp);
  CHECK(one(b("e0 00"), 4).type == packet_type::disconnect);
  CHECK(one(b("e0 01 04"), 5).reason_code == 0x04);
  auto d = one(b("e0 07 8e 05 11 00 00 00 00"), 5);
  CHECK(d.reason_code == 0x8e);
  CHECK(d.props.session_expiry_interval == 0u);
  CHECK(one(b("f0 00"), 5).type == packet_type::auth);
  auto a = one(b("f0 0a 18 08 15 00 05 'SCRAM'"), 5);
  CHECK(a.reason_code == 0x18);
  CHECK(a.props.authentication_method == "SCRAM");
  CHECK(mqtt::write(a, 5) == b("f0 0a 18 08 15 00 05 'SCRAM'"));
}

TEST_CASE("mqtt server parser switches to 5.0 after CONNECT at every split") {
  const std::string in = b("10 0d 00 04 'MQTT' 05 02 00 3c 00 00 00") +  // CONNECT, level 5
                         b("32 07 00 01 't' 00 09 00 'x'") +             // PUBLISH QoS 1, no props
                         b("82 07 00 02 00 00 01 'a' 00") +              // SUBSCRIBE
                         b("c0 00") + b("e0 01 00");
  auto whole = read(in, 4);
  REQUIRE(whole.failure == fault::none);
  REQUIRE(whole.packets.size() == 5);
  CHECK(whole.packets[1].payload == "x");
  CHECK(whole.packets[1].packet_id == 9);
  CHECK(whole.packets[4].type == packet_type::disconnect);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    mqtt::parser p(4);
    std::vector<mqtt::packet> got;
    for (auto piece : {std::string_view(in).substr(0, cut), std::string_view(in).substr(cut)}) {
      p.feed(piece);
      while (auto pk = p.next()) {
        if (pk->type == packet_type::connect) p.set_version(pk->protocol_level);
        got.push_back(*pk);
      }
    }
    CHECK(got == whole.packets);
    CHECK(p.pending() == 0);
    CHECK(p.version() == 5);
  }
}

TEST_CASE("mqtt parser refuses a packet over max_packet_size before its body arrives") {
  CHECK(fails(b("30 10 00 01 't'") + std::string(13, 'x'), 4, 16) == fault::none);
  mqtt::parser p(4, 16);
  p.feed(b("30 11"));
  CHECK(!p.next());
  CHECK(p.failure() == fault::packet_too_large);
  CHECK(p.pending() == 0);
  // The default is 1 MiB: 1048576 is waited for, 1048577 refused.
  mqtt::parser d(5);
  d.feed(b("30 80 80 40"));
  CHECK(!d.next());
  CHECK(d.failure() == fault::none);
  CHECK(fails(b("30 81 80 40"), 5) == fault::packet_too_large);
  CHECK(mqtt::error_text(fault::packet_too_large) == "packet too large");
  CHECK(mqtt::reason_code(fault::packet_too_large) == 0x95);
}

TEST_CASE(
    "mqtt parser refuses a Remaining Length longer than 4 bytes or not in its shortest form") {
  CHECK(fails(b("30 ff ff ff ff"), 4, 1u << 30) == fault::malformed_packet);
  CHECK(fails(b("30 ff ff ff 7f"), 4, 1u << 30) == fault::none);  // 268435455: waits for it
  CHECK(fails(b("c0 80 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("30 83 00 00 01 't'"), 4) == fault::malformed_packet);
}

TEST_CASE("mqtt parser refuses reserved packet types and wrong fixed-header flags") {
  CHECK(fails(b("00 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("f0 00"), 4) == fault::malformed_packet);  // AUTH is 5.0 only
  CHECK(fails(b("c1 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("60 02 00 01"), 5) == fault::malformed_packet);  // PUBREL needs 0010
  CHECK(fails(b("80 06 00 01 00 01 'a' 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("a0 05 00 01 00 01 'a'"), 4) == fault::malformed_packet);
  CHECK(fails(b("42 02 00 01"), 4) == fault::malformed_packet);
  CHECK(fails(b("36 05 00 01 't' 00 01"), 4) == fault::malformed_packet);  // QoS 3
  CHECK(fails(b("38 03 00 01 't'"), 4) == fault::protocol_error);          // DUP on QoS 0
  // Refused from the first byte, before any length.
  mqtt::parser p(4);
  p.feed(b("c1"));
  CHECK(!p.next());
  CHECK(p.failure() == fault::malformed_packet);
}

TEST_CASE("mqtt parser refuses lengths past the end and bytes left over") {
  CHECK(fails(b("30 03 00 05 'a'"), 4) == fault::malformed_packet);
  CHECK(fails(b("30 01 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("32 04 00 01 't' 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("40 01 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("40 03 00 01 00"), 4) == fault::malformed_packet);  // reason codes are 5.0
  CHECK(fails(b("20 03 00 00 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("c0 01 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("e0 01 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("b0 03 00 01 00"), 4) == fault::malformed_packet);
  CHECK(fails(b("f0 01 00"), 5) ==
        fault::malformed_packet);  // AUTH's property length is not optional
  CHECK(fails(b("40 04 00 01 00 05"), 5) == fault::malformed_packet);
  CHECK(fails(b("20 02 00 00"), 5) == fault::malformed_packet);
}

TEST_CASE("mqtt parser refuses strings that are not UTF-8 or hold U+0000") {
  CHECK(fails(b("30 04 00 02 c3 28"), 4) == fault::malformed_packet);
  CHECK(fails(b("30 05 00 03 ed a0 80"), 4) == fault::malformed_packet);  // a surrogate
  CHECK(fails(b("30 04 00 02 c0 af"), 4) == fault::malformed_packet);     // overlong '/'
  CHECK(fails(b("30 04 00 02 'a' 00"), 5) == fault::malformed_packet);
  CHECK(fails(b("30 05 00 02 c3 a9 'x'"), 4) == fault::none);  // "é" then payload
  CHECK(fails(b("a2 05 00 01 00 01 ff"), 4) == fault::malformed_packet);
  CHECK(fails(b("10 0d 00 04 'MQTT' 04 02 00 00 00 01 80"), 4) == fault::malformed_packet);
  // Binary data may hold anything.
  CHECK(fails(b("10 14 00 04 'MQTT' 04 c2 00 00 00 01 'c' 00 01 'u' 00 02 ff 00"), 4) ==
        fault::none);
}

TEST_CASE("mqtt parser refuses packet identifier 0") {
  CHECK(fails(b("40 02 00 00"), 4) == fault::protocol_error);
  CHECK(fails(b("32 05 00 01 't' 00 00"), 4) == fault::protocol_error);
  CHECK(fails(b("82 06 00 00 00 01 'a' 00"), 4) == fault::protocol_error);
  CHECK(fails(b("90 03 00 00 00"), 4) == fault::protocol_error);
  CHECK(mqtt::reason_code(fault::protocol_error) == 0x82);
}

TEST_CASE("mqtt parser refuses CONNECT flags, names and levels it cannot take") {
  auto connect = [](std::string_view name, std::string_view level_flags) {
    return b("10 0c 00 04") + std::string(name) + b(level_flags) + b("00 00 00 00");
  };
  CHECK(fails(connect("MQTT", "04 02"), 4) == fault::none);
  CHECK(fails(connect("MQTT", "04 03"), 4) == fault::malformed_packet);  // reserved flag
  CHECK(fails(connect("MQTT", "04 20"), 4) == fault::malformed_packet);  // will retain, no will
  CHECK(fails(connect("MQTT", "04 08"), 4) == fault::malformed_packet);  // will QoS, no will
  CHECK(fails(connect("MQTT", "04 40"), 4) == fault::protocol_error);    // password alone
  CHECK(fails(connect("MQTT", "03 02"), 4) == fault::unsupported_version);
  CHECK(fails(connect("MQTT", "06 02"), 5) == fault::unsupported_version);
  CHECK(fails(connect("MQTX", "04 02"), 4) == fault::malformed_packet);
  CHECK(fails(b("10 0e 00 06 'MQIsdp' 03 02 00 00 00 00"), 4) == fault::unsupported_version);
  // Will QoS 3.
  CHECK(fails(b("10 12 00 04 'MQTT' 04 1c 00 00 00 00 00 01 't' 00 01 'p'"), 4) ==
        fault::malformed_packet);
  CHECK(mqtt::reason_code(fault::unsupported_version) == 0x84);
}

TEST_CASE("mqtt parser refuses SUBSCRIBE and UNSUBSCRIBE without filters or with bad options") {
  CHECK(fails(b("82 02 00 01"), 4) == fault::protocol_error);
  CHECK(fails(b("82 03 00 01 00"), 5) == fault::protocol_error);
  CHECK(fails(b("a2 02 00 01"), 4) == fault::protocol_error);
  CHECK(fails(b("82 06 00 01 00 01 'a' 04"), 4) == fault::malformed_packet);  // 5.0 bits in 3.1.1
  CHECK(fails(b("82 06 00 01 00 01 'a' 03"), 4) == fault::malformed_packet);  // QoS 3
  CHECK(fails(b("82 07 00 01 00 00 01 'a' 03"), 5) == fault::protocol_error);
  CHECK(fails(b("82 07 00 01 00 00 01 'a' 30"), 5) == fault::protocol_error);  // retain handling 3
  CHECK(fails(b("82 07 00 01 00 00 01 'a' 40"), 5) == fault::malformed_packet);
  CHECK(fails(b("82 05 00 01 00 01 'a'"), 4) == fault::malformed_packet);  // options missing
}

TEST_CASE("mqtt parser checks 5.0 properties: known, in their packet, once, in range") {
  // A PUBLISH of topic "t" with the given property list.
  auto publish = [](std::string_view props) {
    const std::string list = b(props);
    return b("30") + static_cast<char>(4 + list.size()) + b("00 01 't'") +
           static_cast<char>(list.size()) + list;
  };
  CHECK(fails(publish("26 00 01 'a' 00 00 26 00 01 'a' 00 00"), 5) == fault::none);
  CHECK(fails(publish("0b 01 0b 02"), 5) == fault::none);
  CHECK(fails(publish("04 00"), 5) == fault::malformed_packet);  // no property 0x04
  CHECK(fails(publish("ff 01 00"), 5) == fault::malformed_packet);
  CHECK(fails(publish("21 00 05"), 5) == fault::protocol_error);  // receive maximum in PUBLISH
  CHECK(fails(publish("03 00 01 'a' 03 00 01 'b'"), 5) == fault::protocol_error);  // twice
  CHECK(fails(publish("23 00 00"), 5) == fault::protocol_error);                   // topic alias 0
  CHECK(fails(publish("0b 00"), 5) == fault::protocol_error);       // subscription identifier 0
  CHECK(fails(publish("01 02"), 5) == fault::protocol_error);       // payload format 2
  CHECK(fails(publish("02 00 00"), 5) == fault::malformed_packet);  // cut short
  CHECK(fails(publish("0b 80 00"), 5) == fault::malformed_packet);  // not the shortest form
  CHECK(fails(b("30 05 00 01 't' 09 00"), 5) == fault::malformed_packet);  // length past the end
  CHECK(fails(b("82 0b 00 01 04 0b 01 0b 02 00 01 'a' 00"), 5) == fault::protocol_error);
  CHECK(fails(b("20 06 00 00 03 21 00 00"), 5) == fault::protocol_error);  // receive maximum 0
  CHECK(fails(b("20 05 00 00 02 24 02"), 5) == fault::protocol_error);     // maximum QoS 2
  CHECK(fails(b("20 08 00 00 05 27 00 00 00 00"), 5) == fault::protocol_error);
  CHECK(fails(b("20 06 00 00 03 23 00 01"), 5) == fault::protocol_error);  // alias in CONNACK
  CHECK(fails(b("e0 04 00 02 18 00"), 5) == fault::protocol_error);        // will delay, not a will
}

TEST_CASE("mqtt parser stops at a fatal error and keeps what came before") {
  mqtt::parser p(4);
  p.feed(b("c0 00 c1 00 d0 00"));
  CHECK(p.next()->type == packet_type::pingreq);
  CHECK(!p.next());
  CHECK(p.failure() == fault::malformed_packet);
  p.feed(b("c0 00"));
  CHECK(!p.next());
  CHECK(p.pending() == 0);
  CHECK(mqtt::error_text(fault::malformed_packet) == "malformed packet");
  CHECK(mqtt::error_text(fault::none).empty());
}

TEST_CASE("mqtt packets written read back the same in both versions") {
  mqtt::properties rich;
  rich.reason_string = "why";
  rich.user_properties = {{"a", "1"}, {"a", "2"}, {"", ""}};
  mqtt::properties connack_props = rich;
  connack_props.session_expiry_interval = 0xffffffff;
  connack_props.receive_maximum = 65535;
  connack_props.maximum_qos = 0;
  connack_props.retain_available = true;
  connack_props.maximum_packet_size = 1 << 20;
  connack_props.assigned_client_identifier = "auto-1";
  connack_props.topic_alias_maximum = 0;
  connack_props.wildcard_subscription_available = false;
  connack_props.subscription_identifier_available = true;
  connack_props.shared_subscription_available = true;
  connack_props.server_keep_alive = 0;
  connack_props.response_information = "resp/";
  connack_props.server_reference = "other:1883";
  connack_props.authentication_method = "m";
  connack_props.authentication_data = std::string("\0\1", 2);
  mqtt::properties message;
  message.payload_format_indicator = 0;
  message.message_expiry_interval = 1;
  message.content_type = "application/json";
  message.response_topic = "reply/1";
  message.correlation_data = std::string(3, '\0');
  message.subscription_identifiers = {1, 268435455};
  message.topic_alias = 65535;
  mqtt::properties connect_props;
  connect_props.request_problem_information = false;
  connect_props.request_response_information = true;
  connect_props.topic_alias_maximum = 3;
  mqtt::properties will_props = message;
  will_props.subscription_identifiers.clear();
  will_props.topic_alias.reset();
  will_props.will_delay_interval = 30;

  const std::string big(70000, 'z');  // a Remaining Length of 3 bytes
  const std::vector<mqtt::packet> both = {
      {.type = packet_type::connect, .client_id = "c", .keep_alive = 65535},
      {.type = packet_type::connect,
       .client_id = "\xc3\xa9",
       .clean_start = true,
       .will =
           mqtt::will_message{
               .topic = "w", .payload = big.substr(0, 300), .qos = 2, .retain = true},
       .username = "",
       .password = std::string(1, '\0')},
      {.type = packet_type::connack, .session_present = true, .reason_code = 0x05},
      {.type = packet_type::publish, .topic = "a/b", .payload = big},
      {.type = packet_type::publish,
       .topic = "a",
       .qos = 2,
       .retain = true,
       .dup = true,
       .packet_id = 65535},
      {.type = packet_type::puback, .packet_id = 1},
      {.type = packet_type::pubrec, .packet_id = 2},
      {.type = packet_type::pubrel, .packet_id = 3},
      {.type = packet_type::pubcomp, .packet_id = 4},
      {.type = packet_type::subscribe,
       .packet_id = 5,
       .subscriptions = {{.filter = "#", .qos = 0}, {.filter = "+/x", .qos = 2}}},
      {.type = packet_type::suback, .packet_id = 5, .reason_codes = {0, 2, 0x80}},
      {.type = packet_type::unsubscribe, .packet_id = 6, .filters = {"#", "a/b"}},
      {.type = packet_type::unsuback, .packet_id = 6},
      {.type = packet_type::pingreq},
      {.type = packet_type::pingresp},
      {.type = packet_type::disconnect},
  };
  std::vector<mqtt::packet> v5 = {
      {.type = packet_type::connect,
       .client_id = "c5",
       .will = mqtt::will_message{.topic = "w", .props = will_props},
       .username = "u",
       .props = connect_props},
      {.type = packet_type::connack, .reason_code = 0x87, .props = connack_props},
      {.type = packet_type::publish, .topic = "", .qos = 1, .packet_id = 9, .props = message},
      {.type = packet_type::puback, .packet_id = 1, .reason_code = 0x10},
      {.type = packet_type::pubrec, .packet_id = 2, .props = rich},
      {.type = packet_type::pubrel, .packet_id = 3, .reason_code = 0x92, .props = rich},
      {.type = packet_type::pubcomp, .packet_id = 4, .props = rich},
      {.type = packet_type::subscribe,
       .packet_id = 5,
       .subscriptions = {{.filter = "a", .qos = 1, .no_local = true, .retain_handling = 1},
                         {.filter = "b", .retain_as_published = true, .retain_handling = 2}},
       .props = {.subscription_identifiers = {42}}},
      {.type = packet_type::suback, .packet_id = 5, .reason_codes = {1, 0x8f}, .props = rich},
      {.type = packet_type::unsuback, .packet_id = 6, .reason_codes = {0x11}, .props = rich},
      {.type = packet_type::unsuback, .packet_id = 7},
      {.type = packet_type::disconnect, .reason_code = 0x8e},
      {.type = packet_type::disconnect, .props = {.session_expiry_interval = 10}},
      {.type = packet_type::auth},
      {.type = packet_type::auth, .reason_code = 0x19},
      {.type = packet_type::auth, .props = {.authentication_method = "x"}},
  };
  for (int version : {4, 5}) {
    std::vector<mqtt::packet> all = both;
    if (version == 5) all.insert(all.end(), v5.begin(), v5.end());
    std::string bytes;
    for (auto& p : all) {
      if (p.type == packet_type::connect) p.protocol_level = static_cast<std::uint8_t>(version);
      bytes += mqtt::write(p, version);
    }
    mqtt::parser parser(version);
    parser.feed(bytes);
    std::vector<mqtt::packet> back;
    while (auto p = parser.next()) back.push_back(*p);
    CAPTURE(version);
    CHECK(parser.failure() == fault::none);
    REQUIRE(back.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      CAPTURE(i);
      CHECK(back[i] == all[i]);
    }
    CHECK(read(bytes, version, 7).packets == back);
  }
}

TEST_CASE("mqtt writer leaves out what 3.1.1 cannot carry and what 5.0 may omit") {
  const mqtt::packet ack{.type = packet_type::puback,
                         .packet_id = 1,
                         .reason_code = 0x10,
                         .props = {.reason_string = "r"}};
  CHECK(mqtt::write(ack, 4) == b("40 02 00 01"));
  CHECK(mqtt::write(ack, 5) == b("40 08 00 01 10 04 1f 00 01 'r'"));
  CHECK(mqtt::write({.type = packet_type::disconnect}, 5) == b("e0 00"));
  CHECK(mqtt::write({.type = packet_type::disconnect, .reason_code = 4}, 5) == b("e0 01 04"));
  CHECK(mqtt::write({.type = packet_type::disconnect, .reason_code = 4}, 4) == b("e0 00"));
  CHECK(mqtt::write({.type = packet_type::unsuback, .packet_id = 2, .reason_codes = {0}}, 4) ==
        b("b0 02 00 02"));
  CHECK(mqtt::write({.type = packet_type::pingreq}, 4) == b("c0 00"));
  CHECK(mqtt::write({.type = packet_type::publish, .topic = "t"}, 5) == b("30 04 00 01 't' 00"));
  CHECK(mqtt::write({.type = packet_type::subscribe,
                     .packet_id = 1,
                     .subscriptions = {{.filter = "a", .qos = 1, .no_local = true}}},
                    4) == b("82 06 00 01 00 01 'a' 01"));
  const std::string big(200, 'p');
  CHECK(mqtt::write({.type = packet_type::publish, .topic = "t", .payload = big}, 4) ==
        b("30 cb 01 00 01 't'") + big);
}

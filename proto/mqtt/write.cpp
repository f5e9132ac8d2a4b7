// The MQTT writer: one packet's bytes, in the shortest form the version allows.
#include "proto/mqtt/packet.hpp"

namespace proto::mqtt {

namespace {

void put_u8(std::string& out, std::uint8_t v) {
  out += static_cast<char>(v);
}

void put_u16(std::string& out, std::uint16_t v) {
  put_u8(out, static_cast<std::uint8_t>(v >> 8));
  put_u8(out, static_cast<std::uint8_t>(v));
}

void put_u32(std::string& out, std::uint32_t v) {
  put_u16(out, static_cast<std::uint16_t>(v >> 16));
  put_u16(out, static_cast<std::uint16_t>(v));
}

void put_varint(std::string& out, std::uint32_t v) {
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    put_u8(out, b);
  } while (v != 0);
}

// A UTF-8 string or binary data: two bytes of length, then the bytes.
void put_string(std::string& out, std::string_view s) {
  put_u16(out, static_cast<std::uint16_t>(s.size()));
  out += s;
}

// The property list, in identifier order, preceded by its length.
void put_properties(std::string& out, const properties& p) {
  std::string l;
  auto u8 = [&](std::uint8_t id, const auto& v) {
    if (v) put_u8(l, id), put_u8(l, static_cast<std::uint8_t>(*v));
  };
  auto u16 = [&](std::uint8_t id, const std::optional<std::uint16_t>& v) {
    if (v) put_u8(l, id), put_u16(l, *v);
  };
  auto u32 = [&](std::uint8_t id, const std::optional<std::uint32_t>& v) {
    if (v) put_u8(l, id), put_u32(l, *v);
  };
  auto str = [&](std::uint8_t id, const std::optional<std::string>& v) {
    if (v) put_u8(l, id), put_string(l, *v);
  };
  u8(0x01, p.payload_format_indicator);
  u32(0x02, p.message_expiry_interval);
  str(0x03, p.content_type);
  str(0x08, p.response_topic);
  str(0x09, p.correlation_data);
  for (std::uint32_t id : p.subscription_identifiers) put_u8(l, 0x0B), put_varint(l, id);
  u32(0x11, p.session_expiry_interval);
  str(0x12, p.assigned_client_identifier);
  u16(0x13, p.server_keep_alive);
  str(0x15, p.authentication_method);
  str(0x16, p.authentication_data);
  u8(0x17, p.request_problem_information);
  u32(0x18, p.will_delay_interval);
  u8(0x19, p.request_response_information);
  str(0x1A, p.response_information);
  str(0x1C, p.server_reference);
  str(0x1F, p.reason_string);
  u16(0x21, p.receive_maximum);
  u16(0x22, p.topic_alias_maximum);
  u16(0x23, p.topic_alias);
  u8(0x24, p.maximum_qos);
  u8(0x25, p.retain_available);
  for (const auto& [k, v] : p.user_properties) put_u8(l, 0x26), put_string(l, k), put_string(l, v);
  u32(0x27, p.maximum_packet_size);
  u8(0x28, p.wildcard_subscription_available);
  u8(0x29, p.subscription_identifier_available);
  u8(0x2A, p.shared_subscription_available);
  put_varint(out, static_cast<std::uint32_t>(l.size()));
  out += l;
}

bool no_properties(const properties& p) {
  return p == properties{};
}

void put_connect(std::string& out, const packet& p, bool v5) {
  put_string(out, "MQTT");
  put_u8(out, v5 ? 5 : 4);
  std::uint8_t flags = p.clean_start ? 0x02 : 0;
  if (p.will) {
    flags |= 0x04 | (p.will->qos << 3);
    if (p.will->retain) flags |= 0x20;
  }
  if (p.password) flags |= 0x40;
  if (p.username) flags |= 0x80;
  put_u8(out, flags);
  put_u16(out, p.keep_alive);
  if (v5) put_properties(out, p.props);
  put_string(out, p.client_id);
  if (p.will) {
    if (v5) put_properties(out, p.will->props);
    put_string(out, p.will->topic);
    put_string(out, p.will->payload);
  }
  if (p.username) put_string(out, *p.username);
  if (p.password) put_string(out, *p.password);
}

}  // namespace

std::string write(const packet& p, int version) {
  using t = packet_type;
  const bool v5 = version == 5;
  std::uint8_t first = static_cast<std::uint8_t>(p.type) << 4;
  std::string body;
  switch (p.type) {
    case t::connect:
      put_connect(body, p, v5);
      break;
    case t::connack:
      put_u8(body, p.session_present ? 1 : 0);
      put_u8(body, p.reason_code);
      if (v5) put_properties(body, p.props);
      break;
    case t::publish:
      first |= (p.dup ? 0x08 : 0) | (p.qos << 1) | (p.retain ? 0x01 : 0);
      put_string(body, p.topic);
      if (p.qos > 0) put_u16(body, p.packet_id);
      if (v5) put_properties(body, p.props);
      body += p.payload;
      break;
    case t::pubrel:
      first |= 0x02;
      [[fallthrough]];
    case t::puback:
    case t::pubrec:
    case t::pubcomp:
      put_u16(body, p.packet_id);
      if (v5 && (p.reason_code != 0 || !no_properties(p.props))) {
        put_u8(body, p.reason_code);
        if (!no_properties(p.props)) put_properties(body, p.props);
      }
      break;
    case t::subscribe:
      first |= 0x02;
      put_u16(body, p.packet_id);
      if (v5) put_properties(body, p.props);
      for (const auto& s : p.subscriptions) {
        put_string(body, s.filter);
        std::uint8_t options = s.qos;
        if (v5) {
          if (s.no_local) options |= 0x04;
          if (s.retain_as_published) options |= 0x08;
          options |= s.retain_handling << 4;
        }
        put_u8(body, options);
      }
      break;
    case t::suback:
    case t::unsuback:
      put_u16(body, p.packet_id);
      if (!v5 && p.type == t::unsuback) break;
      if (v5) put_properties(body, p.props);
      body.append(p.reason_codes.begin(), p.reason_codes.end());
      break;
    case t::unsubscribe:
      first |= 0x02;
      put_u16(body, p.packet_id);
      if (v5) put_properties(body, p.props);
      for (const auto& f : p.filters) put_string(body, f);
      break;
    case t::pingreq:
    case t::pingresp:
      break;
    case t::disconnect:
      if (v5 && (p.reason_code != 0 || !no_properties(p.props))) {
        put_u8(body, p.reason_code);
        if (!no_properties(p.props)) put_properties(body, p.props);
      }
      break;
    case t::auth:
      if (p.reason_code != 0 || !no_properties(p.props)) {
        put_u8(body, p.reason_code);
        put_properties(body, p.props);
      }
      break;
  }
  std::string out;
  out.reserve(body.size() + 5);
  put_u8(out, first);
  put_varint(out, static_cast<std::uint32_t>(body.size()));
  out += body;
  return out;
}

}  // namespace proto::mqtt

// The MQTT parser: fixed headers, then each packet's variable header, properties and payload.
#include "proto/mqtt/packet.hpp"

#include <bitset>

#include "proto/buffer.hpp"
#include "proto/ws/frame.hpp"

namespace proto::mqtt {

namespace {

enum class varint_result { ok, need_more, malformed };

// A Variable Byte Integer at the start of `in`: at most 4 bytes, in its shortest form (a last
// byte of 0 after others would be a longer spelling of the same number).
varint_result decode_varint(std::string_view in, std::uint32_t& value, std::size_t& used) {
  value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i == in.size()) return varint_result::need_more;
    const auto b = static_cast<std::uint8_t>(in[i]);
    value |= std::uint32_t(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0) return varint_result::malformed;
      used = i + 1;
      return varint_result::ok;
    }
  }
  return varint_result::malformed;
}

// Reads the body of one packet. The first fault sticks: later reads return zeros and empty
// strings, so a packet's fields are read in sequence and the fault checked once at the end.
class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}

  bool empty() const { return in_.empty(); }
  fault failure() const { return fault_; }
  void fail(fault f) {
    if (fault_ == fault::none) fault_ = f;
    in_ = {};
  }

  std::string_view take(std::size_t n) {
    if (n > in_.size()) {
      fail(fault::malformed_packet);
      return {};
    }
    std::string_view out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  std::string_view rest() { return take(in_.size()); }
  std::uint32_t be(std::size_t n) {
    std::uint32_t v = 0;
    for (char c : take(n)) v = (v << 8) | static_cast<std::uint8_t>(c);
    return v;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(be(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(be(2)); }
  std::uint32_t u32() { return be(4); }
  std::uint32_t varint() {
    std::uint32_t v = 0;
    std::size_t used = 0;
    if (decode_varint(in_, v, used) != varint_result::ok) {
      fail(fault::malformed_packet);
      return 0;
    }
    in_.remove_prefix(used);
    return v;
  }
  std::string binary() { return std::string(take(u16())); }
  std::string text() {
    std::string s = binary();
    if (s.find('\0') != std::string::npos || !ws::is_valid_utf8(s)) fail(fault::malformed_packet);
    return s;
  }
  std::uint16_t packet_id() {
    const std::uint16_t id = u16();
    if (id == 0) fail(fault::protocol_error);
    return id;
  }

 private:
  std::string_view in_;
  fault fault_ = fault::none;
};

// Where each property may appear (section 2.2.2.2's table): one bit per packet type, and bit 0
// for the will properties of CONNECT.
constexpr unsigned will_context = 0;
constexpr std::uint32_t bit(packet_type t) {
  return 1u << static_cast<unsigned>(t);
}
constexpr std::uint32_t will_bit = 1u << will_context;
constexpr std::uint32_t message_bits = bit(packet_type::publish) | will_bit;
constexpr std::uint32_t reason_string_bits =
    bit(packet_type::connack) | bit(packet_type::puback) | bit(packet_type::pubrec) |
    bit(packet_type::pubrel) | bit(packet_type::pubcomp) | bit(packet_type::suback) |
    bit(packet_type::unsuback) | bit(packet_type::disconnect) | bit(packet_type::auth);

std::uint32_t allowed_in(std::uint8_t id) {
  using t = packet_type;
  switch (id) {
    case 0x01:  // payload format indicator
    case 0x02:  // message expiry interval
    case 0x03:  // content type
    case 0x08:  // response topic
    case 0x09:  // correlation data
      return message_bits;
    case 0x0B:  // subscription identifier
      return bit(t::publish) | bit(t::subscribe);
    case 0x11:  // session expiry interval
      return bit(t::connect) | bit(t::connack) | bit(t::disconnect);
    case 0x12:  // assigned client identifier
    case 0x13:  // server keep alive
    case 0x1A:  // response information
    case 0x24:  // maximum qos
    case 0x25:  // retain available
    case 0x28:  // wildcard subscription available
    case 0x29:  // subscription identifiers available
    case 0x2A:  // shared subscription available
      return bit(t::connack);
    case 0x15:  // authentication method
    case 0x16:  // authentication data
      return bit(t::connect) | bit(t::connack) | bit(t::auth);
    case 0x17:  // request problem information
    case 0x19:  // request response information
      return bit(t::connect);
    case 0x18:  // will delay interval
      return will_bit;
    case 0x1C:  // server reference
      return bit(t::connack) | bit(t::disconnect);
    case 0x1F:  // reason string
      return reason_string_bits;
    case 0x21:  // receive maximum
    case 0x22:  // topic alias maximum
    case 0x27:  // maximum packet size
      return bit(t::connect) | bit(t::connack);
    case 0x23:  // topic alias
      return bit(t::publish);
    case 0x26:  // user property
      return ~0u;
  }
  return 0;
}

// A property list: its length, then identifier and value pairs. `context` is the packet type, or
// will_context.
void read_properties(reader& r, unsigned context, properties& p) {
  const std::uint32_t length = r.varint();
  reader in(r.take(length));
  std::bitset<64> seen;
  while (!in.empty()) {
    const std::uint32_t id = in.varint();
    if (in.failure() != fault::none) break;
    const std::uint32_t where = id < 64 ? allowed_in(static_cast<std::uint8_t>(id)) : 0;
    if (where == 0) {
      in.fail(fault::malformed_packet);
      break;
    }
    const bool repeatable =
        id == 0x26 || (id == 0x0B && context == static_cast<unsigned>(packet_type::publish));
    if ((where & (1u << context)) == 0 || (seen[id] && !repeatable)) {
      in.fail(fault::protocol_error);
      break;
    }
    seen[id] = true;
    // Each value read, then checked against its range; `flag` is a byte that must be 0 or 1.
    auto flag = [&] {
      const std::uint8_t v = in.u8();
      if (v > 1) in.fail(fault::protocol_error);
      return v;
    };
    auto nonzero16 = [&] {
      const std::uint16_t v = in.u16();
      if (v == 0) in.fail(fault::protocol_error);
      return v;
    };
    switch (id) {
      case 0x01:
        p.payload_format_indicator = flag();
        break;
      case 0x02:
        p.message_expiry_interval = in.u32();
        break;
      case 0x03:
        p.content_type = in.text();
        break;
      case 0x08:
        p.response_topic = in.text();
        break;
      case 0x09:
        p.correlation_data = in.binary();
        break;
      case 0x0B: {
        const std::uint32_t v = in.varint();
        if (v == 0) in.fail(fault::protocol_error);
        p.subscription_identifiers.push_back(v);
        break;
      }
      case 0x11:
        p.session_expiry_interval = in.u32();
        break;
      case 0x12:
        p.assigned_client_identifier = in.text();
        break;
      case 0x13:
        p.server_keep_alive = in.u16();
        break;
      case 0x15:
        p.authentication_method = in.text();
        break;
      case 0x16:
        p.authentication_data = in.binary();
        break;
      case 0x17:
        p.request_problem_information = flag() == 1;
        break;
      case 0x18:
        p.will_delay_interval = in.u32();
        break;
      case 0x19:
        p.request_response_information = flag() == 1;
        break;
      case 0x1A:
        p.response_information = in.text();
        break;
      case 0x1C:
        p.server_reference = in.text();
        break;
      case 0x1F:
        p.reason_string = in.text();
        break;
      case 0x21:
        p.receive_maximum = nonzero16();
        break;
      case 0x22:
        p.topic_alias_maximum = in.u16();
        break;
      case 0x23:
        p.topic_alias = nonzero16();
        break;
      case 0x24:
        p.maximum_qos = flag();
        break;
      case 0x25:
        p.retain_available = flag() == 1;
        break;
      case 0x26: {
        std::string key = in.text();
        std::string value = in.text();
        p.user_properties.emplace_back(std::move(key), std::move(value));
        break;
      }
      case 0x27: {
        const std::uint32_t v = in.u32();
        if (v == 0) in.fail(fault::protocol_error);
        p.maximum_packet_size = v;
        break;
      }
      case 0x28:
        p.wildcard_subscription_available = flag() == 1;
        break;
      case 0x29:
        p.subscription_identifier_available = flag() == 1;
        break;
      case 0x2A:
        p.shared_subscription_available = flag() == 1;
        break;
    }
  }
  if (in.failure() != fault::none) r.fail(in.failure());
}

void read_connect(reader& r, packet& p) {
  const std::string name = r.text();
  const std::uint8_t level = r.u8();
  if (r.failure() != fault::none) return;
  if (name == "MQIsdp") return r.fail(fault::unsupported_version);
  if (name != "MQTT") return r.fail(fault::malformed_packet);
  if (level != 4 && level != 5) return r.fail(fault::unsupported_version);
  p.protocol_level = level;
  const std::uint8_t flags = r.u8();
  const bool has_will = flags & 0x04, has_password = flags & 0x40, has_username = flags & 0x80;
  const std::uint8_t will_qos = (flags >> 3) & 3;
  const bool will_retain = flags & 0x20;
  if ((flags & 0x01) || will_qos == 3 || (!has_will && (will_qos != 0 || will_retain)))
    return r.fail(fault::malformed_packet);
  // 3.1.1 has no password without a user name [MQTT-3.1.2-22]; 5.0 allows it.
  if (level == 4 && has_password && !has_username) return r.fail(fault::protocol_error);
  p.clean_start = flags & 0x02;
  p.keep_alive = r.u16();
  if (level == 5) read_properties(r, static_cast<unsigned>(packet_type::connect), p.props);
  p.client_id = r.text();
  if (has_will) {
    will_message w;
    w.qos = will_qos;
    w.retain = will_retain;
    if (level == 5) read_properties(r, will_context, w.props);
    w.topic = r.text();
    w.payload = r.binary();
    p.will = std::move(w);
  }
  if (has_username) p.username = r.text();
  if (has_password) p.password = r.binary();
}

// The body of a packet whose fixed header was accepted.
void read_body(reader& r, std::uint8_t flags, int version, packet& p) {
  using t = packet_type;
  const bool v5 = version == 5;
  const auto context = static_cast<unsigned>(p.type);
  switch (p.type) {
    case t::connect:
      read_connect(r, p);
      break;
    case t::connack: {
      const std::uint8_t ack = r.u8();
      if (ack & 0xfe) r.fail(fault::malformed_packet);
      p.session_present = ack & 1;
      p.reason_code = r.u8();
      if (v5) read_properties(r, context, p.props);
      break;
    }
    case t::publish:
      p.dup = flags & 0x08;
      p.qos = (flags >> 1) & 3;
      p.retain = flags & 0x01;
      p.topic = r.text();
      if (p.qos > 0) p.packet_id = r.packet_id();
      if (v5) read_properties(r, context, p.props);
      p.payload = std::string(r.rest());
      break;
    case t::puback:
    case t::pubrec:
    case t::pubrel:
    case t::pubcomp:
      // 5.0: the reason code, then the properties, may be left out from the end.
      p.packet_id = r.packet_id();
      if (v5 && !r.empty()) p.reason_code = r.u8();
      if (v5 && !r.empty()) read_properties(r, context, p.props);
      break;
    case t::subscribe:
      p.packet_id = r.packet_id();
      if (v5) read_properties(r, context, p.props);
      if (r.empty()) r.fail(fault::protocol_error);
      while (!r.empty()) {
        subscription s;
        s.filter = r.text();
        const std::uint8_t options = r.u8();
        s.qos = options & 3;
        if (!v5) {
          if ((options & 0xfc) || s.qos == 3) r.fail(fault::malformed_packet);
        } else {
          s.no_local = options & 0x04;
          s.retain_as_published = options & 0x08;
          s.retain_handling = (options >> 4) & 3;
          if (options & 0xc0) r.fail(fault::malformed_packet);
          if (s.qos == 3 || s.retain_handling == 3) r.fail(fault::protocol_error);
        }
        p.subscriptions.push_back(std::move(s));
      }
      break;
    case t::suback:
    case t::unsuback: {
      p.packet_id = r.packet_id();
      if (!v5 && p.type == t::unsuback) break;
      if (v5) read_properties(r, context, p.props);
      const std::string_view codes = r.rest();
      p.reason_codes.assign(codes.begin(), codes.end());
      break;
    }
    case t::unsubscribe:
      p.packet_id = r.packet_id();
      if (v5) read_properties(r, context, p.props);
      if (r.empty()) r.fail(fault::protocol_error);
      while (!r.empty()) p.filters.push_back(r.text());
      break;
    case t::pingreq:
    case t::pingresp:
      break;
    case t::disconnect:
      if (v5 && !r.empty()) p.reason_code = r.u8();
      if (v5 && !r.empty()) read_properties(r, context, p.props);
      break;
    case t::auth:
      // Empty, or a reason code and properties: the property length is not optional here.
      if (r.empty()) break;
      p.reason_code = r.u8();
      read_properties(r, context, p.props);
      break;
  }
  if (!r.empty()) r.fail(fault::malformed_packet);
}

// Whether the fixed header's first byte names a packet `version` has, with the flags it requires.
fault check_first_byte(std::uint8_t b, int version) {
  const unsigned type = b >> 4, flags = b & 0x0f;
  if (type == 0 || (type == 15 && version != 5)) return fault::malformed_packet;
  switch (static_cast<packet_type>(type)) {
    case packet_type::publish:
      if (((flags >> 1) & 3) == 3) return fault::malformed_packet;
      if ((flags & 0x08) && ((flags >> 1) & 3) == 0) return fault::protocol_error;
      return fault::none;
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
      return flags == 0x02 ? fault::none : fault::malformed_packet;
    default:
      return flags == 0 ? fault::none : fault::malformed_packet;
  }
}

}  // namespace

std::string_view error_text(fault f) {
  switch (f) {
    case fault::none:
      return "";
    case fault::malformed_packet:
      return "malformed packet";
    case fault::packet_too_large:
      return "packet too large";
    case fault::protocol_error:
      return "protocol error";
    case fault::unsupported_version:
      return "unsupported protocol version";
  }
  return "";
}

std::uint8_t reason_code(fault f) {
  switch (f) {
    case fault::none:
      return 0x00;
    case fault::malformed_packet:
      return 0x81;
    case fault::packet_too_large:
      return 0x95;
    case fault::protocol_error:
      return 0x82;
    case fault::unsupported_version:
      return 0x84;
  }
  return 0x00;
}

void parser::feed(std::string_view bytes) {
  if (fault_ != fault::none) return;
  append_compacting(buf_, pos_, bytes);
}

void parser::fail(fault f) {
  fault_ = f;
  buf_.clear();
  pos_ = 0;
}

std::optional<packet> parser::next() {
  if (fault_ != fault::none) return std::nullopt;
  std::string_view in(buf_);
  in.remove_prefix(pos_);
  if (in.empty()) return std::nullopt;
  const auto first = static_cast<std::uint8_t>(in[0]);
  if (fault f = check_first_byte(first, version_); f != fault::none) {
    fail(f);
    return std::nullopt;
  }
  std::uint32_t remaining = 0;
  std::size_t used = 0;
  switch (decode_varint(in.substr(1), remaining, used)) {
    case varint_result::need_more:
      return std::nullopt;
    case varint_result::malformed:
      fail(fault::malformed_packet);
      return std::nullopt;
    case varint_result::ok:
      break;
  }
  if (remaining > max_) {
    fail(fault::packet_too_large);
    return std::nullopt;
  }
  const std::size_t header = 1 + used;
  if (in.size() < header + remaining) return std::nullopt;
  packet p;
  p.type = static_cast<packet_type>(first >> 4);
  reader r(in.substr(header, remaining));
  read_body(r, first & 0x0f, version_, p);
  if (r.failure() != fault::none) {
    fail(r.failure());
    return std::nullopt;
  }
  pos_ += header + remaining;
  return p;
}

}  // namespace proto::mqtt

#pragma once
// MQTT 3.1.1 (OASIS Standard, 29 October 2014) and MQTT 5.0 (OASIS Standard, 7 March 2019) control
// packets. Sans-io: bytes in, packets out; packets out as bytes. One parser serves both ends: a
// server reads CONNECT, PUBLISH, the acknowledgements, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT,
// AUTH; a client reads CONNACK, PUBLISH, the acknowledgements, SUBACK, UNSUBACK, PINGRESP,
// DISCONNECT, AUTH. Which side may send what, and when, is the caller's business.
//
// The wire, and what this parser makes of it:
//   - A packet is a fixed header (type and flags in one byte, then the Remaining Length as a
//     variable byte integer of 1 to 4 bytes in its shortest form), then Remaining Length bytes.
//   - The parser has a version, 4 (3.1.1) or 5 (5.0), which decides how every packet but CONNECT
//     is read; CONNECT is read by its own Protocol Level. The parser does not switch by itself: a
//     server reads CONNECT, then calls set_version(p.protocol_level) before the next next().
//   - Strings are UTF-8 as the specifications require: well-formed (no surrogates, no overlong
//     forms) and without U+0000. Every length is checked against the bytes that remain; bytes left
//     over at the end of a packet that has no payload are an error.
//   - Reason codes (return codes in 3.1.1) are passed through as numbers, not checked against the
//     list each packet allows; topic names and filters are not checked either (valid_topic_name,
//     valid_topic_filter): a server answers a bad one with a reason code and may go on.
//
// Faults, each fatal (the stream cannot be read further; the connection is to be closed, in 5.0
// after a DISCONNECT carrying reason_code(fault)):
//   - malformed_packet: what cannot be parsed as the specification says: a reserved packet type
//     (0, or 15 in 3.1.1), fixed-header flags other than the required ones, QoS 3 in PUBLISH or a
//     will, a Remaining Length of 5 bytes or not in its shortest form, a length past the end of
//     the packet, bad UTF-8, reserved bits set in CONNECT's flags, CONNACK's flags or (3.1.1) a
//     subscription's options, an unknown property identifier, extra bytes at the end.
//   - packet_too_large: a Remaining Length over max_packet_size, raised before its body is read.
//   - protocol_error: a packet that parses but breaks a rule: packet identifier 0, DUP set on a
//     QoS 0 PUBLISH, SUBSCRIBE or UNSUBSCRIBE without a topic filter, a property the packet cannot
//     carry or given twice (User Property may repeat, and Subscription Identifier in PUBLISH), a
//     property value out of its range (Receive Maximum 0, Maximum QoS 2, ...), a 5.0 subscription
//     with QoS 3 or Retain Handling 3.
//   - unsupported_version: a CONNECT for another protocol version ("MQIsdp" of 3.1, or a level
//     other than 4 and 5); a server answers with CONNACK return code 0x01 (3.1.1) or 0x84 (5.0).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proto::mqtt {

enum class packet_type : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,  ///< 5.0 only
};

/// MQTT 5.0 properties (section 2.2.2.2). A field is empty when the property is absent. Which
/// packet may carry which property is the table of section 2.2.2.2; the parser enforces it.
struct properties {
  std::optional<std::uint8_t> payload_format_indicator;              ///< 0x01: 0 bytes, 1 UTF-8
  std::optional<std::uint32_t> message_expiry_interval;              ///< 0x02: seconds
  std::optional<std::string> content_type;                           ///< 0x03
  std::optional<std::string> response_topic;                         ///< 0x08
  std::optional<std::string> correlation_data;                       ///< 0x09: binary
  std::vector<std::uint32_t> subscription_identifiers;               ///< 0x0B: 1..268435455 each
  std::optional<std::uint32_t> session_expiry_interval;              ///< 0x11: seconds
  std::optional<std::string> assigned_client_identifier;             ///< 0x12
  std::optional<std::uint16_t> server_keep_alive;                    ///< 0x13: seconds
  std::optional<std::string> authentication_method;                  ///< 0x15
  std::optional<std::string> authentication_data;                    ///< 0x16: binary
  std::optional<bool> request_problem_information;                   ///< 0x17
  std::optional<std::uint32_t> will_delay_interval;                  ///< 0x18: seconds
  std::optional<bool> request_response_information;                  ///< 0x19
  std::optional<std::string> response_information;                   ///< 0x1A
  std::optional<std::string> server_reference;                       ///< 0x1C
  std::optional<std::string> reason_string;                          ///< 0x1F
  std::optional<std::uint16_t> receive_maximum;                      ///< 0x21: not 0
  std::optional<std::uint16_t> topic_alias_maximum;                  ///< 0x22
  std::optional<std::uint16_t> topic_alias;                          ///< 0x23: not 0
  std::optional<std::uint8_t> maximum_qos;                           ///< 0x24: 0 or 1
  std::optional<bool> retain_available;                              ///< 0x25
  std::vector<std::pair<std::string, std::string>> user_properties;  ///< 0x26, in order
  std::optional<std::uint32_t> maximum_packet_size;                  ///< 0x27: not 0
  std::optional<bool> wildcard_subscription_available;               ///< 0x28
  std::optional<bool> subscription_identifier_available;             ///< 0x29
  std::optional<bool> shared_subscription_available;                 ///< 0x2A

  friend bool operator==(const properties&, const properties&) = default;
};

/// CONNECT's will message.
struct will_message {
  std::string topic;
  std::string payload;  ///< binary
  std::uint8_t qos = 0;
  bool retain = false;
  properties props;  ///< 5.0: the will properties

  friend bool operator==(const will_message&, const will_message&) = default;
};

/// One topic filter of SUBSCRIBE and its options.
struct subscription {
  std::string filter;
  std::uint8_t qos = 0;              ///< the maximum QoS asked for: 0, 1 or 2
  bool no_local = false;             ///< 5.0
  bool retain_as_published = false;  ///< 5.0
  std::uint8_t retain_handling = 0;  ///< 5.0: 0 send retained, 1 only if new, 2 do not send

  friend bool operator==(const subscription&, const subscription&) = default;
};

/// One control packet. Fields a packet does not have stay as they are by default.
struct packet {
  packet_type type = packet_type::pingreq;
  std::uint8_t protocol_level = 0;      ///< connect: 4 or 5, as read (write() uses its version)
  std::string client_id;                ///< connect
  bool clean_start = false;             ///< connect: Clean Session in 3.1.1
  std::uint16_t keep_alive = 0;         ///< connect: seconds
  std::optional<will_message> will;     ///< connect
  std::optional<std::string> username;  ///< connect
  std::optional<std::string> password;  ///< connect: binary
  bool session_present = false;         ///< connack
  std::string topic;                    ///< publish: empty in 5.0 when a topic alias stands for it
  std::string payload;                  ///< publish: binary
  std::uint8_t qos = 0;                 ///< publish
  bool retain = false;                  ///< publish
  bool dup = false;                     ///< publish
  /// publish (QoS 1 and 2), puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe,
  /// unsuback: never 0 on the wire.
  std::uint16_t packet_id = 0;
  /// connack (the return code in 3.1.1); 5.0 only: puback, pubrec, pubrel, pubcomp, disconnect,
  /// auth. 0 is success.
  std::uint8_t reason_code = 0;
  std::vector<subscription> subscriptions;  ///< subscribe: at least one
  std::vector<std::string> filters;         ///< unsubscribe: at least one
  std::vector<std::uint8_t> reason_codes;   ///< suback; unsuback in 5.0
  properties props;                         ///< 5.0: every packet but pingreq and pingresp

  friend bool operator==(const packet&, const packet&) = default;
};

/// Why the peer's stream cannot be read further.
enum class fault { none, malformed_packet, packet_too_large, protocol_error, unsupported_version };

/// A short text for a fault, for logs; empty for fault::none.
/// Example: error_text(fault::packet_too_large) == "packet too large".
std::string_view error_text(fault f);

/// The 5.0 reason code for a fault, to send in DISCONNECT (or CONNACK while connecting): 0x81,
/// 0x95, 0x82, 0x84; 0 for fault::none.
/// Example: reason_code(fault::malformed_packet) == 0x81.
std::uint8_t reason_code(fault f);

/// Reads packets from a byte stream, whatever the chunks. After each feed(), call next() until it
/// returns nullopt: bytes wait in the parser until then.
class parser {
 public:
  /// `version` is 4 (3.1.1) or 5 (5.0; any other number is taken as 4). `max_packet_size` bounds
  /// the Remaining Length.
  /// Example: parser p(5); p.feed(std::string("\xd0\x00", 2)); then p.next()->type ==
  /// packet_type::pingresp.
  explicit parser(int version, std::size_t max_packet_size = 1 << 20)
      : version_(version == 5 ? 5 : 4), max_(max_packet_size) {}

  /// How packets from now on are read: 4 or 5. A server calls it once CONNECT is read.
  void set_version(int version) { version_ = version == 5 ? 5 : 4; }
  int version() const { return version_; }

  /// Bytes from the peer, in order. Ignored after a fatal error.
  void feed(std::string_view bytes);
  /// The next whole packet; nullopt when more bytes are needed, or after a fatal error. Reads one
  /// packet per call, so set_version() between calls applies to the packet after.
  std::optional<packet> next();
  /// fault::none until the stream turns out unreadable.
  fault failure() const { return fault_; }
  /// Bytes fed and not yet part of a packet returned (0 after a fatal error). Once next() has
  /// returned nullopt, under 5 + max_packet_size.
  std::size_t pending() const { return buf_.size() - pos_; }

 private:
  void fail(fault f);

  int version_;
  std::size_t max_;
  std::string buf_;
  std::size_t pos_ = 0;  ///< where unread bytes begin in buf_
  fault fault_ = fault::none;
};

/// The bytes of one packet in protocol `version` (4 or 5; CONNECT's Protocol Level is `version`).
/// What 3.1.1 cannot carry is left out: properties, reason codes other than CONNACK's, UNSUBACK's
/// reason codes, 5.0 subscription options. The packet must be one the protocol can carry: strings
/// and binary fields under 64 KiB, the whole under 256 MiB, QoS 0 to 2, packet_id set where a
/// packet has one, no AUTH in 3.1.1. Optional parts are left out when they can be (a 5.0 PUBACK
/// with reason 0 and no properties is 2 bytes long). For such a packet, parser(version) reads back
/// the same packet.
/// Example: write({.type = packet_type::pingreq}, 4) == std::string("\xc0\x00", 2).
std::string write(const packet& p, int version);

/// A topic name as PUBLISH carries it: not empty, no '+' or '#', valid UTF-8 without U+0000,
/// under 64 KiB.
/// Example: valid_topic_name("sport/tennis") && !valid_topic_name("sport/+").
bool valid_topic_name(std::string_view topic);

/// A topic filter as SUBSCRIBE carries it: as a topic name, except that a level (between '/')
/// may be '+' alone, and the last level may be '#' alone.
/// Example: valid_topic_filter("sport/+/player1/#") && !valid_topic_filter("sport/tennis#").
bool valid_topic_filter(std::string_view filter);

/// Whether a valid filter matches a valid topic name: '+' is any one level (empty included), '#'
/// the parent level and any number of levels below. A filter starting with a wildcard does not
/// match a topic starting with '$'. A shared subscription's "$share/name/" is the caller's to
/// take off first.
/// Example: topic_matches("sport/#", "sport") && !topic_matches("+/monitor", "$SYS/monitor").
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace proto::mqtt

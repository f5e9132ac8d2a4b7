// The words for MQTT reason codes, and the exit code a refusal maps to.
#include "commands/mq/mqtt_reasons.hpp"

#include <fmt/format.h>

#include <utility>

namespace commands::mq {

std::string_view reason_text(std::uint8_t code) {
  static constexpr std::pair<std::uint8_t, std::string_view> texts[] = {
      {0x80, "unspecified error"},
      {0x81, "malformed packet"},
      {0x82, "protocol error"},
      {0x83, "implementation specific error"},
      {0x84, "unsupported protocol version"},
      {0x85, "client identifier not valid"},
      {0x86, "bad user name or password"},
      {0x87, "not authorized"},
      {0x88, "server unavailable"},
      {0x89, "server busy"},
      {0x8A, "banned"},
      {0x8B, "server shutting down"},
      {0x8C, "bad authentication method"},
      {0x8D, "keep alive timeout"},
      {0x8E, "session taken over"},
      {0x8F, "topic filter invalid"},
      {0x90, "topic name invalid"},
      {0x91, "packet identifier in use"},
      {0x93, "receive maximum exceeded"},
      {0x95, "packet too large"},
      {0x97, "quota exceeded"},
      {0x98, "administrative action"},
      {0x99, "payload format invalid"},
      {0x9A, "retain not supported"},
      {0x9B, "QoS not supported"},
      {0x9C, "use another server"},
      {0x9D, "server moved"},
      {0x9E, "shared subscriptions not supported"},
      {0x9F, "connection rate exceeded"},
      {0xA1, "subscription identifiers not supported"},
      {0xA2, "wildcard subscriptions not supported"}};
  for (const auto& [c, text] : texts)
    if (c == code) return text;
  return "refused";
}

// 3.1.1's CONNACK return codes 1..5 as the 5.0 reason codes that mean the same.
std::uint8_t connack_as_v5(std::uint8_t rc) {
  static constexpr std::uint8_t map[] = {0, 0x84, 0x85, 0x88, 0x86, 0x87};
  return rc < std::size(map) ? map[rc] : 0x80;
}

std::string describe_reason(std::uint8_t code, const proto::mqtt::properties& props) {
  std::string text = fmt::format("{} (0x{:02x})", reason_text(code), code);
  if (props.reason_string) text += ": " + *props.reason_string;
  return text;
}

core::exit_code code_for_refusal(std::uint8_t v5_code) {
  return v5_code == 0x86 || v5_code == 0x87 || v5_code == 0x8C ? core::exit_code::permission
                                                               : core::exit_code::protocol;
}

}  // namespace commands::mq

#pragma once
// MQTT reason codes as words, for diagnostics, and as exit codes.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/exit_code.hpp"
#include "proto/mqtt/packet.hpp"

namespace commands::mq {

/// The text of a 5.0 reason code of 0x80 and above; "refused" for one it does not know.
/// Example: reason_text(0x87) == "not authorized".
std::string_view reason_text(std::uint8_t code);

/// 3.1.1's CONNACK return codes 1..5 as the 5.0 reason codes that mean the same.
/// Example: connack_as_v5(4) == 0x86 (bad user name or password).
std::uint8_t connack_as_v5(std::uint8_t rc);

/// "not authorized (0x87)", with the packet's Reason String after a colon when it has one.
std::string describe_reason(std::uint8_t code, const proto::mqtt::properties& props);

/// 77 for bad credentials, not authorized or a bad authentication method; 76 for the others.
core::exit_code code_for_refusal(std::uint8_t v5_code);

}  // namespace commands::mq

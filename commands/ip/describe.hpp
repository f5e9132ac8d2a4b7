#pragma once
// The facts of one argument of `vitnet ip`, as aligned text or as a JSON object whose keys are the
// same for every kind of argument (null where a fact does not apply).
#include <nlohmann/json.hpp>
#include <string>

#include "commands/ip/argument.hpp"

namespace commands {

/// "10.0.0.0/24" for every block of a range, one per line; for the others a heading (the
/// argument) and indented "label  value" lines.
std::string describe_text(const ip_argument& a);

/// One object: type, input, version, address, port, endpoint, network, prefix, netmask, hostmask,
/// broadcast, first_host, last_host, host_count, size (counts are decimal strings: IPv6 sizes
/// exceed what a JSON number holds exactly), first, last, networks, reverse_dns, reverse_zone,
/// category, ipv4_mapped.
nlohmann::ordered_json describe_json(const ip_argument& a);

}  // namespace commands

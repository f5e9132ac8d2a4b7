#pragma once
// Fault files for `vitnet proxy --faults FILE`: [[fault]] tables in the vocabulary scenario files
// share (net/fault.hpp), read from memory or from disk. No I/O in the parser, so it is fuzzed.
#include <string>
#include <string_view>
#include <vector>

#include "net/fault.hpp"

namespace commands::proxy {

/// Parses a fault file held in memory; `name` prefixes messages. Throws vitnet::error: 65
/// "name:line: ..." when malformed, 78 "name:line: ..." for a kind no proxy can inject (crash,
/// dns_failure). A refuse fault needs no 'host' here: the proxy refuses for its upstream.
/// Example: parse_fault_file("[[fault]]\nkind = \"latency\"\nlatency = \"50ms\"\n", "f.toml").
std::vector<net::fault_spec> parse_fault_file(std::string_view text, const std::string& name);

/// Reads and parses a fault file. Throws like parse_fault_file, and 66 when it is missing.
std::vector<net::fault_spec> load_fault_file(const std::string& path);

}  // namespace commands::proxy

#pragma once
// Scenario files for `vitnet test net`: hosts, the vitnet commands each runs, the faults on the
// network, and what each command is expected to do. TOML, read with toml++; every mistake is
// reported as "file:line: message" (exit 65).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.hpp"
#include "net/fault.hpp"

namespace commands {

struct expectation {
  std::optional<int> exit;
  std::optional<std::string> stdout_equals, stderr_equals;
  std::vector<std::string> stdout_contains, stderr_contains;
  std::optional<std::string> stdout_matches, stderr_matches;  ///< ECMAScript regular expressions
  std::optional<core::duration> within;  ///< exits at most this long after it started
  std::optional<bool> running;           ///< still running when the scenario ends
  bool empty() const;
};

struct process_spec {
  std::string name;
  std::string host;
  std::vector<std::string> argv;  ///< the vitnet command line, without "vitnet"
  std::string command;            ///< as written, for reports
  core::duration start{0};
  std::string stdin_text;
  expectation expect;
  int line = 0;
};

struct link_spec {
  core::duration latency{0};
  core::duration jitter{0};
  double loss = 0;
  std::uint64_t bandwidth = 0;  ///< bytes per second; 0 is unlimited
};

struct scenario {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> hosts;  ///< host N (from 1) is 127.0.0.N+1
  std::vector<process_spec> processes;
  std::vector<net::fault_spec> faults;
  link_spec link;
  core::duration time_limit = std::chrono::seconds(60);  ///< virtual time (real time on loopback)
  core::duration wall_limit = std::chrono::seconds(30);
  std::optional<std::uint64_t> seed;

  /// The address both backends give a host: "127.0.0.2" for the first.
  std::string address_of(const std::string& host) const;
};

/// Reads a scenario file. `vars` override the file's [vars]. Throws vitnet::error: 66 when the file
/// is missing, 65 with "file:line: message" when it is malformed.
scenario load_scenario(const std::string& path,
                       const std::map<std::string, std::string>& vars = {});

/// Parses a scenario held in memory; `path` names it in messages and its directory is ${dir}.
/// Throws vitnet::error 65 with "path:line: message" when it is malformed.
/// Example: parse_scenario("hosts = [\"a\"]\n[[process]]\nhost = \"a\"\nrun = \"serve :7\"\n",
///                         "s.toml").
scenario parse_scenario(std::string_view text, const std::string& path,
                        const std::map<std::string, std::string>& vars = {});

/// Splits a command line as a POSIX shell would (quotes and backslashes; no expansions).
/// Returns nullopt when a quote is left open.
std::optional<std::vector<std::string>> split_command_line(std::string_view text);

}  // namespace commands

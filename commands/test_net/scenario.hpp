#pragma once
// Scenario files for `vitnet test net`: hosts, the vitnet commands each runs, the faults on the
// network, and what each command is expected to do. TOML, read with toml++; every mistake is
// reported as "file:line: message" (exit 65).
#include <cstdint>
#include <functional>
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

/// When a process counts as ready, so that the processes after it may start.
struct ready_spec {
  std::string scheme;  ///< "tcp" (a connection is accepted) or "http" (a GET answers `status`)
  std::string host;    ///< an address: a scenario host's name is resolved when read
  std::uint16_t port = 0;
  std::string path = "/";
  int status = 200;
  core::duration timeout = std::chrono::seconds(10);
  std::string text;  ///< as written, for messages
};

struct process_spec {
  std::string name;
  std::string host;
  std::vector<std::string> argv;  ///< the vitnet command line without "vitnet", or the program's
  std::string command;            ///< as written, for reports
  bool program = false;           ///< `exec`/`argv`: any program (loopback only), not vitnet
  std::map<std::string, std::string> env;  ///< added to its environment
  std::string cwd;                         ///< its working directory (absolute once read)
  std::optional<ready_spec> ready;         ///< later processes wait until it is ready
  bool ready_off = false;  ///< `ready = false`: a vitnet server is not waited for either
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
  std::map<std::string, std::uint16_t> ports;  ///< ${port.NAME}: the port each name was given

  /// The address both backends give a host: "127.0.0.2" for the first.
  std::string address_of(const std::string& host) const;
};

/// How ${port.NAME} gets its number: `fixed` gives 40000, 40001, ... in order of first use (the
/// mock network, where every port is free and traces must not change between runs); `free` asks
/// the system for ports free on every loopback address (the loopback backend).
enum class port_choice { fixed, free };

/// Reads a scenario file. `vars` override the file's [vars]. Throws vitnet::error: 66 when the file
/// is missing, 65 with "file:line: message" when it is malformed.
scenario load_scenario(const std::string& path, const std::map<std::string, std::string>& vars = {},
                       port_choice ports = port_choice::fixed);

/// Parses a scenario held in memory; `path` names it in messages and its directory is ${dir}.
/// Throws vitnet::error 65 with "path:line: message" when it is malformed.
/// Example: parse_scenario("hosts = [\"a\"]\n[[process]]\nhost = \"a\"\nrun = \"serve :7\"\n",
///                         "s.toml").
scenario parse_scenario(std::string_view text, const std::string& path,
                        const std::map<std::string, std::string>& vars = {},
                        port_choice ports = port_choice::fixed);

/// Fills in each ${dial.HOST:PORT} left by the parser with `to(HOST, PORT)`: the address and port
/// a process dials to reach HOST's PORT through the faults in between (a fault proxy's on
/// loopback; the host's own on the mock network, whose faults act on the way).
std::string expand_dials(std::string_view text,
                         const std::function<std::string(const std::string&, std::uint16_t)>& to);

/// Splits a command line as a POSIX shell would (quotes and backslashes; no expansions).
/// Returns nullopt when a quote is left open.
std::optional<std::vector<std::string>> split_command_line(std::string_view text);

}  // namespace commands

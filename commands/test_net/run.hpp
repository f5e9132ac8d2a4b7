#pragma once
// One run of one scenario with one seed, on one backend, and what came of it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "commands/test_net/scenario.hpp"
#include "core/io.hpp"
#include "net/context.hpp"
#include "net/wire_event.hpp"

namespace commands {

/// A vitnet command line made ready to run: the command, and its global output options.
struct parsed_command {
  std::function<net::task<int>(net::context&, core::io&)> run;
  core::output_options output;
};
/// Parses a command line (without "vitnet"). On a usage error returns nullopt and sets `error`
/// to the message vitnet would print.
using command_parser = std::function<std::optional<parsed_command>(
    const std::vector<std::string>& argv, std::string& error)>;

struct process_outcome {
  std::string name, host, command;
  bool started = false;
  bool crashed = false;  ///< its host crashed while it ran
  std::optional<int> exit;
  std::string out, err;
  core::duration started_at{0}, ended_at{0};
  bool judged = false;                ///< the scenario expects something of this incarnation
  std::vector<std::string> failures;  ///< what it did not do as expected (also in run_result's)
};

struct run_result {
  std::string file, name, backend;
  std::uint64_t seed = 0;
  bool passed = true;
  std::vector<std::string> failures;
  std::vector<std::string> notes;  ///< faults that never fired, and the like
  std::vector<process_outcome> processes;
  core::duration elapsed{0};  ///< virtual time on the mock network, real time on loopback
  double wall_seconds = 0;
  std::vector<std::string> trace;
  /// What happened on the network, in the order it happened (for the HTML report): on the mock
  /// network everything the text trace tells and the bytes that crossed; on loopback what the
  /// fault proxies saw. Kept only when asked for, and only so many.
  std::vector<net::wire_event> events;
  std::uint64_t events_not_kept = 0;  ///< past the limit of events kept
  std::string replay;                 ///< the command line that runs this again
};

/// Runs a scenario on the mock network with `seed`; the result holds the first `keep_events`
/// things that happened on the network as events (and counts the others).
run_result run_on_mock(const scenario& sc, std::uint64_t seed, const command_parser& parse,
                       std::size_t keep_events = 0);

/// Runs a scenario on real loopback sockets: each process is `vitnet_binary` in a child process.
/// Throws vitnet::error (78) when the scenario asks for what loopback cannot do.
run_result run_on_loopback(const scenario& sc, std::uint64_t seed,
                           const std::string& vitnet_binary);

/// Whether loopback can run `sc`; the message names what it cannot do.
std::optional<std::string> loopback_cannot(const scenario& sc);
/// Whether the mock network can run `sc` (it has no child processes, so no --exec).
std::optional<std::string> mock_cannot(const scenario& sc);

/// Compares what the processes did with what the scenario expects; adds failures to `r`.
void check_expectations(const scenario& sc, run_result& r);

}  // namespace commands

#pragma once
// vitnet test net FILE...: network scenarios on the mock network (virtual time, seeded faults,
// no sockets) or on real loopback, reported for people and for CI (JUnit, TAP, JSON, HTML).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commands/test_net/run.hpp"
#include "core/io.hpp"
#include "net/context.hpp"

namespace commands {

struct test_net_options {
  std::vector<std::string> files;
  std::string backend = "mock";  ///< "mock" or "loopback"
  std::optional<std::uint64_t> seed;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> seeds;  ///< an inclusive range
  unsigned jobs = 1;
  std::string junit;  ///< a file to write JUnit XML to
  bool tap = false;
  std::string trace;   ///< a file to write the event trace to (mock)
  std::string report;  ///< a file to write a report to, in the format its extension names
  std::map<std::string, std::string> vars;
  command_parser parse;       ///< how a scenario's command lines become commands
  std::string vitnet_binary;  ///< this program, for the loopback backend
};

net::task<int> run_test_net(net::context& ctx, const test_net_options& opts, core::io& io);

/// The JUnit XML for a set of results (one testsuite per scenario file).
std::string junit_xml(const std::vector<run_result>& results);

/// The HTML report keeps at most this many network events of a run (the first), and draws a
/// timeline for every failed run but for passed runs only among the first report_full_runs: a
/// sweep of a thousand seeds stays a page a browser opens.
inline constexpr std::size_t report_max_events = 5000;
inline constexpr std::size_t report_full_runs = 50;

/// Why `path` cannot be a --report file (its extension names no format this writes), or nullopt.
/// The extension chooses the format: .html (or .htm) is the only one so far.
std::optional<std::string> report_path_problem(const std::string& path);

/// One self-contained HTML page for a set of results: each run's facts, replay line, failures,
/// timeline (timeline.hpp) and its processes' output; no script, nothing fetched. `scenarios[i]`
/// is the scenario `results[i]` ran.
std::string html_report(const std::vector<run_result>& results,
                        const std::vector<const scenario*>& scenarios);

}  // namespace commands

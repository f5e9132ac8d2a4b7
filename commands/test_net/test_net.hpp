#pragma once
// vitnet test net FILE...: network scenarios on the mock network (virtual time, seeded faults,
// no sockets) or on real loopback, reported for people and for CI (JUnit, TAP, JSON).
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
  std::string trace;  ///< a file to write the event trace to (mock)
  std::map<std::string, std::string> vars;
  command_parser parse;       ///< how a scenario's command lines become commands
  std::string vitnet_binary;  ///< this program, for the loopback backend
};

net::task<int> run_test_net(net::context& ctx, const test_net_options& opts, core::io& io);

/// The JUnit XML for a set of results (one testsuite per scenario file).
std::string junit_xml(const std::vector<run_result>& results);

}  // namespace commands

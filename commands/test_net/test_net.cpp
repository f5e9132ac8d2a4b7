#include "commands/test_net/test_net.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"

namespace commands {

namespace {

// Process output is any bytes: JSON gets U+FFFD where they are not valid UTF-8.
template <typename J>
std::string dump(const J& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct work_item {
  const scenario* sc;
  std::uint64_t seed;
};

nlohmann::ordered_json to_json(const run_result& r) {
  nlohmann::ordered_json procs = nlohmann::ordered_json::array();
  for (const auto& p : r.processes) {
    nlohmann::ordered_json j{{"name", p.name}, {"host", p.host}, {"command", p.command}};
    j["state"] = p.exit ? "exited" : p.crashed ? "crashed" : "running";
    j["exit"] = p.exit ? nlohmann::ordered_json(*p.exit) : nlohmann::ordered_json(nullptr);
    j["started_s"] = core::seconds(p.started_at);
    if (p.exit) j["ended_s"] = core::seconds(p.ended_at);
    j["stdout"] = p.out;
    j["stderr"] = p.err;
    procs.push_back(j);
  }
  return nlohmann::ordered_json{
      {"event", "scenario"},      {"file", r.file},     {"name", r.name},
      {"backend", r.backend},     {"seed", r.seed},     {"status", r.passed ? "pass" : "fail"},
      {"failures", r.failures},   {"notes", r.notes},   {"elapsed_s", core::seconds(r.elapsed)},
      {"wall_s", r.wall_seconds}, {"replay", r.replay}, {"processes", procs}};
}

// A line of a process's output as a terminal may show it: valid UTF-8, and no control bytes
// (an escape sequence in a process's output must not reach the user's terminal as one).
std::string shown(std::string_view line) {
  std::string s = core::valid_utf8(line);
  for (auto& c : s)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) c = '?';
  return s;
}

std::string text_report(const run_result& r) {
  std::string s = fmt::format(
      "{}  {}  {} ({}, seed {})  {} processes, {} {} in {:.0f} ms\n", r.passed ? "PASS" : "FAIL",
      r.file, r.name, r.backend, r.seed, r.processes.size(),
      core::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed)),
      r.backend == "mock" ? "virtual" : "real", r.wall_seconds * 1000);
  for (const auto& f : r.failures) s += "      " + f + "\n";
  for (const auto& n : r.notes) s += "      note: " + n + "\n";
  if (!r.passed) {
    // What each process printed, its last lines: often the reason is there. --json and --junit
    // keep all of it.
    auto tail = [&s](std::string_view what, const std::string& text) {
      if (text.empty()) return;
      std::vector<std::string_view> lines;
      for (std::size_t at = 0; at < text.size();) {
        auto nl = text.find('\n', at);
        auto end = nl == std::string::npos ? text.size() : nl;
        lines.push_back(std::string_view(text).substr(at, end - at));
        at = end + 1;
      }
      constexpr std::size_t keep = 12;
      s += fmt::format(
          "        {}{}:\n", what,
          lines.size() > keep ? fmt::format(" (last {} of {} lines)", keep, lines.size()) : "");
      for (std::size_t i = lines.size() > keep ? lines.size() - keep : 0; i < lines.size(); ++i)
        s += fmt::format("          | {}\n", shown(lines[i]));
    };
    for (const auto& p : r.processes) {
      if (p.out.empty() && p.err.empty()) continue;
      s += fmt::format("      {} on {} ({}):\n", p.name, p.host,
                       p.exit      ? fmt::format("exit {}", *p.exit)
                       : p.crashed ? "crashed"
                                   : "still running");
      tail("stdout", p.out);
      tail("stderr", p.err);
    }
    s += fmt::format("      replay: {}\n", r.replay);
  }
  return s;
}

std::string tap_report(const run_result& r, std::size_t n) {
  std::string s = fmt::format("{} {} - {} {} ({}, seed {})\n", r.passed ? "ok" : "not ok", n,
                              r.file, r.name, r.backend, r.seed);
  if (!r.passed || !r.notes.empty()) {
    s += "  ---\n";
    if (!r.failures.empty()) {
      s += "  failures:\n";
      for (const auto& f : r.failures) s += "    - " + dump(nlohmann::json(f)) + "\n";
      s += fmt::format("  replay: {}\n", dump(nlohmann::json(r.replay)));
    }
    if (!r.notes.empty()) {
      s += "  notes:\n";
      for (const auto& m : r.notes) s += "    - " + dump(nlohmann::json(m)) + "\n";
    }
    s += "  ...\n";
  }
  return s;
}

}  // namespace

std::optional<std::string> report_path_problem(const std::string& path) {
  auto dot = path.rfind('.');
  auto slash = path.rfind('/');
  std::string ext = dot == std::string::npos || (slash != std::string::npos && dot < slash)
                        ? std::string()
                        : path.substr(dot);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".html" || ext == ".htm") return std::nullopt;
  return fmt::format(
      "'{}': the report's format follows its extension, and .html is the only one known (JUnit "
      "XML is --junit PATH)",
      path);
}

net::task<int> run_test_net(net::context& ctx, const test_net_options& o, core::io& io) {
  // Read every file first, and report every malformed one, not just the first.
  std::vector<scenario> scenarios;
  std::vector<vitnet::error> errors;
  for (const auto& f : o.files) {
    try {
      scenarios.push_back(load_scenario(
          f, o.vars, o.backend == "loopback" ? port_choice::free : port_choice::fixed));
    } catch (const vitnet::error& e) {
      errors.push_back(e);
    }
  }
  if (!errors.empty()) {
    for (std::size_t i = 0; i + 1 < errors.size(); ++i) io.error("{}", errors[i].what());
    throw errors.back();
  }
  for (const auto& sc : scenarios) {
    auto why = o.backend == "loopback" ? loopback_cannot(sc) : mock_cannot(sc);
    if (why) vitnet::fail(core::exit_code::config, "{}: {}", sc.file, *why);
  }

  std::vector<work_item> items;
  for (const auto& sc : scenarios) {
    if (o.seeds) {
      for (auto s = o.seeds->first; s <= o.seeds->second; ++s) items.push_back({&sc, s});
    } else {
      items.push_back({&sc, o.seed.value_or(sc.seed.value_or(1))});
    }
  }

  std::string var_args;
  for (const auto& [k, v] : o.vars) var_args += " --var " + core::shell_quote(k + "=" + v);
  std::vector<run_result> results(items.size());
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto worker = [&] {
    for (;;) {
      std::size_t i = next++;
      if (i >= items.size()) return;
      try {
        results[i] = o.backend == "loopback"
                         ? run_on_loopback(*items[i].sc, items[i].seed, o.vitnet_binary)
                         : run_on_mock(*items[i].sc, items[i].seed, o.parse,
                                       o.report.empty() ? 0 : report_max_events);
        // A sweep of many seeds keeps no traces nobody asked for, and network events only for
        // the timelines the report draws.
        auto& r = results[i];
        if (o.trace.empty()) r.trace = {};
        if (o.report.empty() || (r.passed && i >= report_full_runs)) {
          r.events = {};
        } else if (r.events.size() > report_max_events) {
          r.events_not_kept += r.events.size() - report_max_events;
          r.events.resize(report_max_events);
        }
      } catch (...) {
        std::lock_guard lk(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = items.size();
      }
    }
  };
  // Loopback runs share the machine's addresses and ports: one at a time.
  unsigned jobs =
      o.backend == "loopback"
          ? 1u
          : std::max(1u, std::min<unsigned>(o.jobs, static_cast<unsigned>(items.size())));
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  if (failure) std::rethrow_exception(failure);
  for (auto& r : results)
    r.replay = fmt::format("vitnet test net {} --net {} --seed {}{}", core::shell_quote(r.file),
                           r.backend, r.seed, var_args);

  std::size_t passed = 0, failed = 0;
  if (o.tap) io.out(fmt::format("TAP version 13\n1..{}\n", results.size()));
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    (r.passed ? passed : failed)++;
    if (io.json())
      io.event(dump(to_json(r)));
    else if (o.tap)
      io.out(tap_report(r, i + 1));
    else
      io.out(text_report(r));
  }
  if (io.json()) {
    io.event(nlohmann::ordered_json{{"event", "summary"}, {"passed", passed}, {"failed", failed}}
                 .dump());
  } else if (o.tap) {
    io.out(fmt::format("# {} passed, {} failed\n", passed, failed));
  } else {
    io.out(fmt::format("{} passed, {} failed\n", passed, failed));
  }
  if (!o.junit.empty()) core::write_file_atomic(o.junit, junit_xml(results));
  if (!o.report.empty()) {
    std::vector<const scenario*> ran;
    for (const auto& item : items) ran.push_back(item.sc);
    core::write_file_atomic(o.report, html_report(results, ran));
  }
  if (!o.trace.empty()) {
    std::string t;
    for (const auto& r : results) {
      t += fmt::format("# {} {} seed {}\n", r.file, r.backend, r.seed);
      for (const auto& line : r.trace) t += line + "\n";
    }
    core::write_file_atomic(o.trace, t);
  }
  co_return failed ? core::to_int(core::exit_code::no) : 0;
}

}  // namespace commands

#include <fmt/format.h>

#include <regex>

#include "commands/test_net/run.hpp"
#include "core/text.hpp"

namespace commands {

namespace {

// A short, single-line rendering of output for failure messages.
std::string quote(const std::string& s) {
  std::string out;
  for (char c : core::truncate_utf8(s, 200)) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out.push_back(c);
  }
  return "\"" + out + "\"";
}

void check_stream(std::vector<std::string>& f, const std::string& who, const char* stream,
                  const std::string& actual, const std::optional<std::string>& equals,
                  const std::vector<std::string>& contains,
                  const std::optional<std::string>& matches) {
  if (equals && actual != *equals)
    f.push_back(
        fmt::format("{}: {} is {}, expected {}", who, stream, quote(actual), quote(*equals)));
  for (const auto& c : contains)
    if (actual.find(c) == std::string::npos)
      f.push_back(
          fmt::format("{}: {} {} does not contain {}", who, stream, quote(actual), quote(c)));
  if (matches && !std::regex_search(actual, std::regex(*matches)))
    f.push_back(fmt::format("{}: {} {} does not match /{}/", who, stream, quote(actual), *matches));
}

// What process `p` (the last incarnation of `spec`'s process, or null) did against what `spec`
// expects of it, as failure messages.
std::vector<std::string> judge(const scenario& sc, const process_spec& spec,
                               const process_outcome* p, core::duration elapsed) {
  std::vector<std::string> f;
  const auto& x = spec.expect;
  std::string who = fmt::format("{} ({}:{})", spec.name, sc.file, spec.line);
  if (!p || !p->started) {
    if (!x.empty()) f.push_back(fmt::format("{}: never started", who));
    return f;
  }
  bool running = !p->exit.has_value() && !p->crashed;
  if (p->crashed && (x.exit || x.within || x.running == true)) {
    f.push_back(fmt::format("{}: its host crashed at {} while it ran", who,
                            core::format_duration(p->ended_at)));
    return f;
  }
  if (x.running) {
    if (*x.running && !running)
      f.push_back(fmt::format("{}: expected to be running at the end, but it exited {} at {}", who,
                              *p->exit, core::format_duration(p->ended_at)));
    if (!*x.running && running)
      f.push_back(fmt::format("{}: expected to have exited, but it is still running", who));
  }
  if (x.exit) {
    if (running)
      f.push_back(fmt::format("{}: expected exit {}, but it was still running at {}", who, *x.exit,
                              core::format_duration(elapsed)));
    else if (*p->exit != *x.exit)
      f.push_back(fmt::format("{}: expected exit {}, got {}{}", who, *x.exit, *p->exit,
                              p->err.empty() ? "" : fmt::format(" (stderr {})", quote(p->err))));
  }
  if (x.within && !running && p->ended_at - p->started_at > *x.within)
    f.push_back(fmt::format("{}: took {}, expected within {}", who,
                            core::format_duration(p->ended_at - p->started_at),
                            core::format_duration(*x.within)));
  if (x.within && running)
    f.push_back(fmt::format("{}: expected to finish within {}, but it was still running at {}", who,
                            core::format_duration(*x.within), core::format_duration(elapsed)));
  check_stream(f, who, "stdout", p->out, x.stdout_equals, x.stdout_contains, x.stdout_matches);
  check_stream(f, who, "stderr", p->err, x.stderr_equals, x.stderr_contains, x.stderr_matches);
  return f;
}

}  // namespace

void check_expectations(const scenario& sc, run_result& r) {
  for (const auto& spec : sc.processes) {
    process_outcome* p = nullptr;
    for (auto& o : r.processes)
      if (o.name == spec.name) p = &o;  // the last incarnation counts
    auto failures = judge(sc, spec, p, r.elapsed);
    r.failures.insert(r.failures.end(), failures.begin(), failures.end());
    if (p) {
      p->judged = !spec.expect.empty();
      p->failures = std::move(failures);
    }
  }
  r.passed = r.failures.empty();
}

}  // namespace commands

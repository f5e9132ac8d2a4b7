// How scenario results are told: text for people, TAP, NDJSON, JUnit XML for CI.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "commands/test_net/test_net.hpp"
#include "core/markup.hpp"
#include "core/text.hpp"

namespace commands {

namespace {

// Element content, and quoted attribute values (where tabs and line feeds must be references).
std::string xml(std::string_view s) {
  return core::escape_markup(s, core::markup::xml);
}
std::string attr(std::string_view s) {
  return core::escape_markup(s, core::markup::xml_attribute);
}

}  // namespace

std::string junit_xml(const std::vector<run_result>& results) {
  std::map<std::string, std::vector<const run_result*>> by_file;
  std::vector<std::string> order;
  for (const auto& r : results) {
    if (!by_file.count(r.file)) order.push_back(r.file);
    by_file[r.file].push_back(&r);
  }
  std::size_t total = results.size(), failed = 0;
  double time = 0;
  for (const auto& r : results) failed += r.passed ? 0 : 1, time += r.wall_seconds;
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += fmt::format(
      "<testsuites name=\"vitnet test net\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
      "time=\"{:.3f}\">\n",
      total, failed, time);
  for (const auto& file : order) {
    const auto& rs = by_file[file];
    std::size_t f = 0;
    double t = 0;
    for (auto* r : rs) f += r->passed ? 0 : 1, t += r->wall_seconds;
    x += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" "
        "time=\"{:.3f}\">\n",
        attr(file), rs.size(), f, t);
    for (auto* r : rs) {
      x += fmt::format("    <testcase classname=\"{}\" name=\"{} [{} seed {}]\" time=\"{:.3f}\">\n",
                       attr(file), attr(r->name), r->backend, r->seed, r->wall_seconds);
      if (!r->passed) {
        std::string body;
        for (const auto& m : r->failures) body += m + "\n";
        body += fmt::format("replay: {}\n", r->replay);
        x += fmt::format("      <failure message=\"{}\" type=\"expectation\">{}</failure>\n",
                         attr(r->failures.empty() ? "failed" : r->failures.front()), xml(body));
      }
      std::string out;
      for (const auto& n : r->notes) out += "note: " + n + "\n";
      for (const auto& p : r->processes) {
        out += fmt::format("--- {} on {}: {} ({})\n", p.name, p.host, p.command,
                           p.exit      ? fmt::format("exit {}", *p.exit)
                           : p.crashed ? "crashed"
                                       : "running");
        if (!p.out.empty()) out += "stdout:\n" + p.out + (p.out.ends_with('\n') ? "" : "\n");
        if (!p.err.empty()) out += "stderr:\n" + p.err + (p.err.ends_with('\n') ? "" : "\n");
      }
      if (!out.empty()) x += fmt::format("      <system-out>{}</system-out>\n", xml(out));
      x += "    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

}  // namespace commands

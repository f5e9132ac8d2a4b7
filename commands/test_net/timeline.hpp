#pragma once
// The timeline of one scenario run, drawn as inline SVG for the HTML report.
#include <string>
#include <string_view>

#include "commands/test_net/run.hpp"
#include "commands/test_net/scenario.hpp"

namespace commands {

/// `r`, a run of `sc`, as an <svg> element: time runs left to right on an axis; each host is a
/// lane; each process a bar on its host's lane from its start to its end, with its exit and a
/// pass or fail mark for what the scenario expects of it; each fault a shaded interval over the
/// lanes it touches; connections and messages arrows between lanes (r.events, which the caller
/// keeps to a size a browser draws: test_net.hpp's report_max_events). `id` prefixes the element
/// ids it makes (unique per run in a page); a process bar links to "#<id>-p<N>", N counting
/// r.processes from 0, where the page shows that process's output.
std::string timeline_svg(const scenario& sc, const run_result& r, std::string_view id);

/// A time as the report shows it: to the microsecond (finer is noise on loopback, and more than
/// anyone reads on the mock network). Example: report_time(1234567ns) == "1.235ms".
std::string report_time(core::duration d);

}  // namespace commands

// The HTML report: one page for a whole run of `vitnet test net`, every scenario and seed in it,
// each with its timeline. Self-contained: the style is inline, there is no script, and the
// page's own Content-Security-Policy forbids it to fetch anything, so even text a process printed
// that slipped through unescaped could neither run nor call home.
#include <fmt/format.h>

#include "commands/test_net/test_net.hpp"
#include "commands/test_net/timeline.hpp"
#include "core/markup.hpp"

namespace commands {

namespace {

constexpr std::size_t max_output = 64 * 1024;  // of each stream of each process, shown

std::string h(std::string_view s) {
  return core::escape_untrusted_html(s);
}
std::string t(core::duration d) {
  return report_time(d);
}

constexpr std::string_view style = R"(
:root{color-scheme:light;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--pass:#1a7f37;--fail:#cf222e}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);margin:0;background:#fff}
header,main{padding:0 24px}
header{border-bottom:1px solid var(--line);padding-bottom:8px}
h1{font-size:20px;margin:16px 0 4px}
h2{font-size:17px;margin:0}
h3{font-size:14px;margin:16px 0 6px}
code,pre{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px;margin:4px 0 8px;
  overflow:auto;max-height:24em;white-space:pre-wrap;overflow-wrap:anywhere}
a{color:#0969da}
.count{font-weight:600}.count.pass{color:var(--pass)}.count.fail{color:var(--fail)}
nav ol{margin:6px 0;padding-left:22px}
nav li.fail a{color:var(--fail)}
.status{display:inline-block;min-width:3.2em;text-align:center;border-radius:4px;color:#fff;
  font-size:12px;padding:1px 6px;margin-right:6px;vertical-align:2px}
.status.pass{background:var(--pass)}.status.fail{background:var(--fail)}
section.run{border:1px solid var(--line);border-radius:8px;margin:16px 0;padding:12px 16px}
section.run.fail{border-left:5px solid var(--fail)}
section.run.pass{border-left:5px solid var(--pass)}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:8px 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
code.replay{background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:1px 4px;
  user-select:all}
ul.failures{color:var(--fail);margin:4px 0;padding-left:20px}
ul.failures li{white-space:pre-wrap;overflow-wrap:anywhere}
ul.notes{color:var(--muted);margin:4px 0;padding-left:20px}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px;margin:8px 0}
svg.timeline{display:block}
.lane-bg{fill:#fff}.lane-bg.odd{fill:#f6f8fa}
.wire{stroke:#afb8c1;stroke-dasharray:2 3}
.host{font:600 13px system-ui,sans-serif;fill:var(--fg)}
.addr{font:11px ui-monospace,monospace;fill:var(--muted)}
.axis text{font:11px system-ui,sans-serif;fill:var(--muted);text-anchor:middle}
.axis .grid{stroke:#eaeef2}.axis .end{stroke:var(--fg);stroke-dasharray:4 3}
.fault .shade{fill:rgba(251,143,68,.17);stroke:#fb8f44;stroke-dasharray:4 2}
.fault-label{font:italic 10px system-ui,sans-serif;fill:#bc4c00}
.proc .bar{fill:#eaeef2;stroke:#8c959f}
.proc.pass .bar{fill:#dafbe1;stroke:var(--pass)}
.proc.fail .bar{fill:#ffebe9;stroke:var(--fail)}
.proc.crashed .bar{stroke-dasharray:3 2}
.proc .name{font:12px system-ui,sans-serif;fill:var(--fg)}
.proc a:hover .bar{stroke-width:2}
.end-label{font:11px ui-monospace,monospace;fill:var(--muted)}
.mark.pass circle{fill:var(--pass)}.mark.fail circle{fill:var(--fail)}
.mark path{stroke:#fff;stroke-width:2;fill:none}
.goes-on{fill:#8c959f}
line.arrow{stroke-width:1.2}
line.arrow:hover,g.arrow:hover line{stroke-width:3}
.arrow.conn{stroke:#57606a;stroke-width:1.6}.arrow.conn.refused{stroke:var(--fail)}
.arrow.msg.data{stroke:#0969da}.arrow.msg.fin{stroke:#0969da;stroke-dasharray:2 2}
.arrow.msg.rst{stroke:var(--fail)}
.arrow.lost line{stroke:var(--fail);stroke-dasharray:3 2}
.arrow.lost path{stroke:var(--fail);stroke-width:1.6;fill:none}
.event{fill:#8c959f}.event.reset{fill:var(--fail)}.event.crash{fill:var(--fg)}
.event.restart{fill:var(--pass)}.event.fault-acted{fill:#fb8f44}.event.listen{fill:#0969da}
.event.timed-out{fill:#bf8700}
ul.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 16px;
  color:var(--muted);font-size:12px}
.key{display:inline-block;width:22px;height:10px;margin-right:5px;vertical-align:-1px;
  border:1px solid}
.key.pass{background:#dafbe1;border-color:var(--pass)}
.key.fail{background:#ffebe9;border-color:var(--fail)}
.key.unjudged{background:#eaeef2;border-color:#8c959f}
.key.fault{background:rgba(251,143,68,.17);border:1px dashed #fb8f44}
.key.conn{height:0;border-width:1px 0 0;border-color:#57606a;vertical-align:3px}
.key.data{height:0;border-width:1px 0 0;border-color:#0969da;vertical-align:3px}
.key.lost{height:0;border-width:1px 0 0;border-style:dashed;border-color:var(--fail);
  vertical-align:3px}
details.process{border:1px solid var(--line);border-radius:6px;margin:4px 0;padding:4px 10px}
details.process.fail{border-color:#ffcecb;background:#fff8f7}
details.process summary{cursor:pointer}
details.process .verdict{font-weight:600}
details.process.pass .verdict{color:var(--pass)}details.process.fail .verdict{color:var(--fail)}
details.events table,table.faults{border-collapse:collapse;font-size:12px}
details.events td,details.events th,table.faults td,table.faults th{border-bottom:1px solid #eaeef2;
  padding:2px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}
)";

std::string output_block(const char* which, const std::string& text) {
  if (text.empty()) return fmt::format("<p class=\"muted\">{}: nothing</p>\n", which);
  std::string shown = text.substr(0, max_output);
  // Cut on a character boundary; a character cut in two would show as U+FFFD.
  if (text.size() > max_output)
    while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xc0) == 0x80)
      shown.pop_back();
  std::string more = text.size() > shown.size()
                         ? fmt::format(" <span class=\"muted\">(the first {} of {} bytes)</span>",
                                       shown.size(), text.size())
                         : "";
  // The parser drops one line feed right after <pre>: this one, not the output's own.
  return fmt::format("<h4>{}{}</h4>\n<pre class=\"{}\">\n{}</pre>\n", which, more, which, h(shown));
}

std::string process_block(const scenario& sc, const process_outcome& p, const std::string& id) {
  std::string verdict = !p.judged ? "unjudged" : p.failures.empty() ? "pass" : "fail";
  std::string state = p.exit      ? fmt::format("exit {} at {}", *p.exit, t(p.ended_at))
                      : p.crashed ? fmt::format("its host crashed at {}", t(p.ended_at))
                                  : std::string("still running at the end");
  int line = 0;
  for (const auto& s : sc.processes)
    if (s.name == p.name) line = s.line;
  std::string s = fmt::format(
      "<details class=\"process {}\" data-name=\"{}\"{}>\n<summary><b>{}</b> on {}, <span "
      "class=\"verdict\">{}</span>: <code>{}</code> <span class=\"muted\">started at {}, {}</span>"
      "</summary>\n<div id=\"{}\">\n",
      verdict, h(p.name), verdict == "fail" ? " open" : "", h(p.name), h(p.host),
      verdict == "pass"   ? "expectations met"
      : verdict == "fail" ? "expectations failed"
                          : "nothing expected",
      h(p.command), h(t(p.started_at)), h(state), id);
  s += fmt::format("<p class=\"muted\">declared at {}:{}</p>\n", h(sc.file), line);
  if (!p.failures.empty()) {
    s += "<ul class=\"failures\">\n";
    for (const auto& f : p.failures) s += "<li>" + h(f) + "</li>\n";
    s += "</ul>\n";
  }
  s += output_block("stdout", p.out);
  s += output_block("stderr", p.err);
  s += "</div>\n</details>\n";
  return s;
}

std::string faults_table(const scenario& sc) {
  if (sc.faults.empty()) return {};
  std::string s =
      "<h3>faults</h3>\n<table class=\"faults\"><tr><th>kind</th><th>what</th><th>from</th>"
      "<th>until</th><th>declared at</th></tr>\n";
  for (const auto& f : sc.faults)
    s += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     net::fault_kind_name(f.kind), h(f.describe()), h(t(f.at)),
                     f.lasts ? h(t(f.at + *f.lasts)) : "the end", h(f.origin));
  return s + "</table>\n";
}

std::string events_table(const run_result& r) {
  if (r.events.empty()) return {};
  std::string s = fmt::format(
      "<details class=\"events\"><summary>{} network events</summary>\n<table><tr><th>at</th>"
      "<th>event</th><th>from</th><th>to</th><th>bytes</th><th>connection</th><th>arrives</th>"
      "<th>detail</th></tr>\n",
      r.events.size());
  auto where = [](const std::string& host, std::uint16_t port) {
    return port ? fmt::format("{}:{}", host, port) : host;
  };
  for (const auto& e : r.events) {
    s += fmt::format(
        "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
        h(t(e.at)), net::wire_event_name(e.what), h(where(e.from, e.from_port)),
        h(where(e.to, e.to_port)), e.bytes ? std::to_string(e.bytes) : "",
        e.conn ? std::to_string(e.conn) : "", e.arrives ? h(t(*e.arrives)) : "", h(e.detail));
  }
  return s + "</table>\n</details>\n";
}

constexpr std::string_view legend = R"(<ul class="legend">
<li><span class="key pass"></span>process, expectations met</li>
<li><span class="key fail"></span>process, expectations failed</li>
<li><span class="key unjudged"></span>process, nothing expected</li>
<li><span class="key fault"></span>fault in force</li>
<li><span class="key conn"></span>connection</li>
<li><span class="key data"></span>bytes, datagram</li>
<li><span class="key lost"></span>lost</li>
</ul>
)";

// Run `n` (from 1) of the page: its facts, and unless it is a passed run past the first
// report_full_runs, its timeline, processes, faults and events.
std::string run_section(const scenario& sc, const run_result& r, std::size_t n) {
  std::string id = fmt::format("run-{}", n);
  const char* status = r.passed ? "pass" : "fail";
  std::string s = fmt::format(
      "<section class=\"run {}\" id=\"{}\" data-status=\"{}\" data-backend=\"{}\" "
      "data-seed=\"{}\">\n<h2><span class=\"status {}\">{}</span>{}</h2>\n",
      status, id, status, h(r.backend), r.seed, status, r.passed ? "PASS" : "FAIL", h(r.name));
  if (!sc.description.empty()) s += fmt::format("<p class=\"muted\">{}</p>\n", h(sc.description));
  s += fmt::format(
      "<dl class=\"facts\"><dt>file</dt><dd><code>{}</code></dd><dt>backend</dt><dd>{}</dd>"
      "<dt>seed</dt><dd>{}</dd><dt>took</dt><dd>{}</dd>"
      "<dt>replay</dt><dd><code class=\"replay\">{}</code></dd></dl>\n",
      h(r.file),
      r.backend == "mock" ? "mock network (virtual time)" : "loopback (real sockets, real time)",
      r.seed,
      r.backend == "mock" ? fmt::format("{} of virtual time ({:.0f} ms of real time)",
                                        h(t(r.elapsed)), r.wall_seconds * 1000)
                          : fmt::format("{:.0f} ms", r.wall_seconds * 1000),
      h(r.replay));
  if (!r.failures.empty()) {
    s += "<ul class=\"failures\">\n";
    for (const auto& f : r.failures) s += "<li>" + h(f) + "</li>\n";
    s += "</ul>\n";
  }
  std::vector<std::string> notes = r.notes;
  if (r.backend == "loopback")
    notes.push_back(
        "on loopback only the connections through the fault proxies are seen, timed when the "
        "runner read the proxies' output (within 20 ms)");
  if (r.events_not_kept)
    notes.push_back(fmt::format("{} network events after the first {} were not kept",
                                r.events_not_kept, r.events.size()));
  bool full = !r.passed || n <= report_full_runs;
  if (!full)
    notes.push_back(fmt::format(
        "passed; the report draws the timeline of every failed run, and of passed ones only "
        "among the first {} runs",
        report_full_runs));
  if (!notes.empty()) {
    s += "<ul class=\"notes\">\n";
    for (const auto& m : notes) s += "<li>" + h(m) + "</li>\n";
    s += "</ul>\n";
  }
  if (!full) return s + "</section>\n";
  s += "<div class=\"scroll\">\n" + timeline_svg(sc, r, id) + "</div>\n";
  s += legend;
  s += "<h3>processes</h3>\n";
  for (std::size_t i = 0; i < r.processes.size(); ++i)
    s += process_block(sc, r.processes[i], fmt::format("{}-p{}", id, i));
  s += faults_table(sc);
  s += events_table(r);
  s += "</section>\n";
  return s;
}

}  // namespace

std::string html_report(const std::vector<run_result>& results,
                        const std::vector<const scenario*>& scenarios) {
  std::size_t failed = 0;
  for (const auto& r : results) failed += r.passed ? 0 : 1;
  std::size_t passed = results.size() - failed;
  std::string s = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"vitnet {}\">\n"
      "<title>vitnet test net: {} passed, {} failed</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<header>\n<h1>vitnet test net</h1>\n<p><span class=\"count pass\">{} passed</span>, "
      "<span class=\"count fail\">{} failed</span></p>\n<nav><ol>\n",
      VITNET_VERSION, passed, failed, style, passed, failed);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    s += fmt::format(
        "<li class=\"{}\"><a href=\"#run-{}\">{} {}</a> <span class=\"muted\">{} ({}, "
        "seed {})</span></li>\n",
        r.passed ? "pass" : "fail", i + 1, r.passed ? "PASS" : "FAIL", h(r.name), h(r.file),
        h(r.backend), r.seed);
  }
  s += "</ol></nav>\n</header>\n<main>\n";
  for (std::size_t i = 0; i < results.size(); ++i)
    s += run_section(*scenarios[i], results[i], i + 1);
  s += "</main>\n</body>\n</html>\n";
  return s;
}

}  // namespace commands

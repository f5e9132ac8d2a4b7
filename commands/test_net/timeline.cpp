#include "commands/test_net/timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/markup.hpp"

namespace commands {

namespace {

using kind = net::wire_event::kind;

// Geometry, in SVG user units (pixels at 100 %).
constexpr double label_w = 140;  // host names, left of the plot
constexpr double plot_w = 1000;
constexpr double right_w = 90;  // room for the last exit label
constexpr double axis_h = 30;
constexpr double wire_h = 22;  // the top of a lane, where arrows arrive
constexpr double row_h = 22;   // one process
constexpr double lane_gap = 8;

std::string h(std::string_view s) {
  return core::escape_untrusted_html(s);
}
std::string t(core::duration d) {
  return report_time(d);
}
// Roughly how wide a label of 12px text is: enough to decide where it fits.
double text_w(std::string_view s) {
  return 7.0 * static_cast<double>(s.size());
}

struct lane {
  std::string host;
  std::vector<std::string> rows;  // process names, one row each
  double top = 0, wire = 0, bottom = 0;
  double row_y(std::size_t i) const { return top + wire_h + row_h * static_cast<double>(i); }
};

// 1, 2 or 5 times a power of ten: 4 to 10 ticks over `total`.
core::duration tick_step(core::duration total) {
  double raw = static_cast<double>(total.count()) / 8;
  double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return core::duration(static_cast<std::int64_t>(m * p));
  return core::duration(static_cast<std::int64_t>(10 * p));
}

class drawing {
 public:
  drawing(const scenario& sc, const run_result& r, std::string_view id) : sc_(sc), r_(r), id_(id) {
    end_ = std::max(r.elapsed, core::duration(std::chrono::milliseconds(1)));
    for (const auto& p : r.processes) end_ = std::max(end_, p.ended_at);
    for (const auto& e : r.events) end_ = std::max({end_, e.at, e.arrives.value_or(e.at)});
    double y = axis_h;
    for (const auto& host : sc.hosts) {
      lane l{host};
      for (const auto& p : sc.processes)
        if (p.host == host) l.rows.push_back(p.name);
      for (const auto& o : r.processes)  // not in the scenario: never, but drawn if so
        if (o.host == host && std::find(l.rows.begin(), l.rows.end(), o.name) == l.rows.end())
          l.rows.push_back(o.name);
      l.top = y;
      l.wire = y + wire_h / 2;
      l.bottom = y + wire_h + row_h * static_cast<double>(l.rows.size()) + lane_gap;
      y = l.bottom;
      lanes_.push_back(std::move(l));
    }
    height_ = y + 4;
  }

  std::string svg() {
    double width = label_w + plot_w + right_w;
    s_ += fmt::format(
        "<svg class=\"timeline\" viewBox=\"0 0 {} {}\" "
        "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"timeline of {}\">\n",
        width, height_, width, height_, h(r_.name));
    defs();
    lane_backgrounds();
    axis();
    faults();
    processes();
    arrows();
    s_ += "</svg>\n";
    return std::move(s_);
  }

 private:
  double x(core::duration d) const {
    auto c = std::clamp(d, core::duration(0), end_);
    return label_w + plot_w * static_cast<double>(c.count()) / static_cast<double>(end_.count());
  }
  const lane* lane_of(const std::string& host) const {
    for (const auto& l : lanes_)
      if (l.host == host) return &l;
    return nullptr;
  }

  void defs() {
    // Arrowheads, one per colour (a marker does not take the colour of the line it ends).
    s_ += "<defs>\n";
    for (auto [name, colour] :
         {std::pair{"conn", "#57606a"}, std::pair{"data", "#0969da"}, std::pair{"bad", "#cf222e"}})
      s_ += fmt::format(
          "<marker id=\"{}-head-{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
          "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
          "fill=\"{}\"/></marker>\n",
          id_, name, colour);
    s_ += "</defs>\n";
  }

  void lane_backgrounds() {
    for (std::size_t i = 0; i < lanes_.size(); ++i) {
      const auto& l = lanes_[i];
      s_ += fmt::format("<g class=\"lane\" data-host=\"{}\">", h(l.host));
      s_ += fmt::format("<rect class=\"lane-bg{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                        i % 2 ? " odd" : "", l.top, label_w + plot_w + right_w, l.bottom - l.top);
      s_ += fmt::format("<line class=\"wire\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", label_w,
                        l.wire, label_w + plot_w, l.wire);
      s_ += fmt::format(
          "<text class=\"host\" x=\"8\" y=\"{}\">{}</text><text class=\"addr\" x=\"8\" "
          "y=\"{}\">{}</text></g>\n",
          l.wire + 4, h(l.host), l.wire + 18, h(sc_.address_of(l.host)));
    }
  }

  void axis() {
    auto step = tick_step(end_);
    s_ += "<g class=\"axis\">";
    for (core::duration d{0}; d <= end_; d += step) {
      double px = x(d);
      s_ += fmt::format(
          "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
          "<text x=\"{0}\" y=\"{3}\">{4}</text>",
          px, axis_h - 6, height_ - 4, axis_h - 10, h(t(d)));
    }
    s_ += fmt::format(
        "<line class=\"end\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"><title>the run ended at "
        "{3}</title></line>",
        x(r_.elapsed), axis_h - 6, height_ - 4, h(t(r_.elapsed)));
    s_ += "</g>\n";
  }

  // The lanes a fault touches: its hosts, or every lane when it names none.
  std::vector<const lane*> touched(const net::fault_spec& f) const {
    std::vector<const lane*> out;
    for (const auto& l : lanes_)
      if (l.host == f.from || l.host == f.to || l.host == f.host) out.push_back(&l);
    if (out.empty())
      for (const auto& l : lanes_) out.push_back(&l);
    return out;
  }

  void faults() {
    for (std::size_t k = 0; k < sc_.faults.size(); ++k) {
      const auto& f = sc_.faults[k];
      // A reset at a moment, with no bytes to wait for and no duration, is an instant.
      bool instant = f.kind == net::fault_kind::reset && !f.after_bytes && !f.lasts;
      double x0 = x(f.at);
      double x1 = instant ? x0 : f.lasts ? x(f.at + *f.lasts) : x(end_);
      if (f.at > end_) continue;  // after the end: only the table lists it
      auto name = net::fault_kind_name(f.kind);
      s_ += fmt::format(
          "<g class=\"fault fault-{}\" data-kind=\"{}\" data-from=\"{}\" data-until=\"{}\">"
          "<title>{} ({})</title>",
          name, name, h(t(f.at)), f.lasts ? h(t(f.at + *f.lasts)) : "end", h(f.describe()),
          h(f.origin));
      bool first = true;
      for (const auto* l : touched(f)) {
        s_ += fmt::format(
            "<rect class=\"shade\" data-host=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
            "height=\"{}\"/>",
            h(l->host), x0, l->top + 1, std::max(x1 - x0, 3.0), l->bottom - l->top - 2);
        if (first)
          s_ += fmt::format("<text class=\"fault-label\" x=\"{}\" y=\"{}\">{}</text>", x0 + 3,
                            l->top + 9, name);
        first = false;
      }
      s_ += "</g>\n";
    }
  }

  void processes() {
    for (std::size_t i = 0; i < r_.processes.size(); ++i) {
      const auto& p = r_.processes[i];
      const lane* l = lane_of(p.host);
      if (!l || !p.started) continue;
      auto row = std::find(l->rows.begin(), l->rows.end(), p.name) - l->rows.begin();
      double y = l->row_y(static_cast<std::size_t>(row));
      bool running = !p.exit && !p.crashed;
      core::duration until = running ? r_.elapsed : p.ended_at;
      double x0 = x(p.started_at), x1 = std::max(x(until), x0 + 2);
      std::string state = p.exit ? "exited" : p.crashed ? "crashed" : "running";
      std::string verdict = !p.judged ? "unjudged" : p.failures.empty() ? "pass" : "fail";
      std::string end_text = p.exit      ? fmt::format("exit {}", *p.exit)
                             : p.crashed ? std::string("crashed")
                                         : std::string("running");
      s_ += fmt::format(
          "<g class=\"proc {} {}\" data-name=\"{}\" data-host=\"{}\" data-start=\"{}\" "
          "data-end=\"{}\">",
          state, verdict, h(p.name), h(p.host), h(t(p.started_at)), h(t(until)));
      s_ += fmt::format(
          "<a href=\"#{}-p{}\"><rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "rx=\"3\"><title>{} on {}: {}\nstarted at {}, {} at {}</title></rect>",
          id_, i, x0, y + 3, x1 - x0, row_h - 6, h(p.name), h(p.host), h(p.command),
          h(t(p.started_at)), h(end_text), h(t(until)));
      // The name inside the bar, or before it (its row is empty until it starts), or after the
      // end label when neither has room.
      double name_x = x0 + 4;
      bool after = false;
      const char* anchor = "start";
      if (x1 - x0 < text_w(p.name) + 8) {
        if (x0 - label_w >= text_w(p.name) + 6)
          name_x = x0 - 4, anchor = "end";
        else
          after = true;
      }
      if (!after)
        s_ += fmt::format("<text class=\"name\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>",
                          name_x, y + row_h / 2 + 4, anchor, h(p.name));
      s_ += "</a>";
      if (running)  // it goes on past the end
        s_ += fmt::format("<path class=\"goes-on\" d=\"M{},{} l6,{} l-6,{} z\"/>", x1, y + 3,
                          (row_h - 6) / 2, (row_h - 6) / 2);
      double ex = x1 + (running ? 8 : 0);
      if (p.judged) {
        std::string why = p.failures.empty() ? std::string("as expected") : std::string();
        for (const auto& f : p.failures) why += (why.empty() ? "" : "\n") + f;
        double cx = ex + 8, cy = y + row_h / 2;
        s_ += fmt::format(
            "<g class=\"mark {}\"><circle cx=\"{}\" cy=\"{}\" r=\"7\"/><path d=\"{}\"/>"
            "<title>{}</title></g>",
            verdict, cx, cy,
            p.failures.empty() ? fmt::format("M{},{} l3,3 l5,-6", cx - 4, cy)
                               : fmt::format("M{},{} l6,6 m0,-6 l-6,6", cx - 3, cy - 3),
            h(why));
        ex += 16;
      }
      s_ += fmt::format("<text class=\"end-label\" x=\"{}\" y=\"{}\">{}</text>", ex + 4,
                        y + row_h / 2 + 4, h(end_text));
      if (after)
        s_ += fmt::format("<text class=\"name\" x=\"{}\" y=\"{}\">{}</text>",
                          ex + 12 + text_w(end_text), y + row_h / 2 + 4, h(p.name));
      s_ += "</g>\n";
    }
  }

  // One arrow from `from`'s wire at `t0` to `to`'s wire at `t1`.
  void arrow(const char* cls, const char* head, const net::wire_event& e, const lane& from,
             const lane& to, core::duration t1, const std::string& title) {
    s_ += fmt::format(
        "<line class=\"arrow {}\" data-kind=\"{}\" data-from=\"{}\" data-to=\"{}\" x1=\"{}\" "
        "y1=\"{}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#{}-head-{})\"><title>{}</title></line>\n",
        cls, net::wire_event_name(e.what), h(from.host), h(to.host), x(e.at), from.wire, x(t1),
        to.wire, id_, head, h(title));
  }

  // A mark on a lane's wire: a reset, a crash, a fault that acted, a listening socket.
  void mark(const char* cls, const net::wire_event& e, const lane& l, const std::string& title) {
    double cx = x(e.at), cy = l.wire;
    s_ += fmt::format(
        "<path class=\"event {}\" data-kind=\"{}\" data-host=\"{}\" d=\"M{},{} l5,5 l-5,5 l-5,-5 "
        "z\"><title>{}</title></path>\n",
        cls, net::wire_event_name(e.what), h(l.host), cx, cy - 5, h(title));
  }

  static std::string where(const std::string& host, std::uint16_t port) {
    return port ? fmt::format("{}:{}", host, port) : host;
  }

  void arrows() {
    // Connection requests are drawn when their answer comes: arriving at the accept or refusal.
    std::map<std::uint64_t, const net::wire_event*> asked;
    for (const auto& e : r_.events)
      if (e.what == kind::connect && e.conn) asked[e.conn] = &e;
    std::set<std::uint64_t> answered;
    for (const auto& e : r_.events)
      if ((e.what == kind::accept || e.what == kind::refused) && asked.contains(e.conn))
        answered.insert(e.conn);

    for (const auto& e : r_.events) {
      const lane* from = lane_of(e.from);
      const lane* to = lane_of(e.to);
      std::string route =
          fmt::format("{} → {}", where(e.from, e.from_port), where(e.to, e.to_port));
      std::string at = t(e.at);
      std::string detail = e.detail.empty() ? "" : " (" + e.detail + ")";
      switch (e.what) {
        case kind::accept:
        case kind::refused: {
          if (!from || !to || from == to || !asked.contains(e.conn)) break;
          const auto* c = asked[e.conn];
          bool ok = e.what == kind::accept;
          arrow(ok ? "conn" : "conn refused", ok ? "conn" : "bad", *c, *from, *to, e.at,
                fmt::format("connection {}: {}, asked at {}, {} at {}{}", e.conn, route, t(c->at),
                            ok ? "accepted" : "refused", at, detail));
          break;
        }
        case kind::connect:
          // On loopback a proxy sees a connection once it is made; on the mock network one never
          // answered shows as its lost requests.
          if (answered.contains(e.conn) || !from || !to || from == to || r_.backend == "mock")
            break;
          arrow("conn", "conn", e, *from, *to, e.at,
                fmt::format("connection {} at {}{}", route, at, detail));
          break;
        case kind::data:
        case kind::fin:
        case kind::datagram:
        case kind::reset:
          if (e.what == kind::reset && !e.arrives) {
            if (from) mark("reset", e, *from, fmt::format("reset at {}: {}{}", at, route, detail));
            if (to && to != from)
              mark("reset", e, *to, fmt::format("reset at {}: {}{}", at, route, detail));
            break;
          }
          if (!from || !to || from == to || !e.arrives) break;
          arrow(e.what == kind::reset ? "msg rst"
                : e.what == kind::fin ? "msg fin"
                                      : "msg data",
                e.what == kind::reset ? "bad" : "data", e, *from, *to, *e.arrives,
                fmt::format("{} {}: {}, sent at {}, arrived at {}{}",
                            e.what == kind::fin        ? "end of stream"
                            : e.what == kind::datagram ? "datagram"
                            : e.what == kind::reset    ? "reset"
                                                       : "data",
                            e.what == kind::fin ? std::string() : fmt::format("{} bytes", e.bytes),
                            route, at, t(*e.arrives), detail));
          break;
        case kind::lost:
          if (!from) break;
          lost(e, *from, to, fmt::format("lost at {}: {}{}, {} bytes", at, route, detail, e.bytes));
          break;
        case kind::timed_out:
          if (from)
            mark("timed-out", e, *from, fmt::format("connection {} timed out at {}", route, at));
          break;
        case kind::closed:
          if (r_.backend == "mock") break;  // the mock network draws the FINs instead
          if (to) mark("closed", e, *to, fmt::format("closed at {}: {}{}", at, route, detail));
          break;
        case kind::fault:
          if (to)
            mark("fault-acted", e, *to,
                 fmt::format("a fault acted at {}: {}{}", at, route, detail));
          break;
        case kind::crash:
        case kind::restart:
          if (from)
            mark(e.what == kind::crash ? "crash" : "restart", e, *from,
                 fmt::format("{} {} at {}{}", e.from,
                             e.what == kind::crash ? "crashed" : "restarted", at, detail));
          break;
        case kind::listen:
        case kind::bind:
          if (from)
            mark("listen", e, *from,
                 fmt::format("{} {} {} at {}", e.from,
                             e.what == kind::listen ? "listens on" : "binds UDP port",
                             e.what == kind::listen ? e.detail : std::to_string(e.from_port), at));
          break;
      }
    }
  }

  // Something sent that never arrived: a dashed line two thirds of the way, ending in a cross.
  void lost(const net::wire_event& e, const lane& from, const lane* to, const std::string& title) {
    double x0 = x(e.at), y0 = from.wire;
    double y1 = to && to != &from ? y0 + (to->wire - y0) * 2 / 3 : y0 - 8;
    double x1 = x0 + 6;
    s_ += fmt::format(
        "<g class=\"arrow lost\" data-kind=\"lost\" data-from=\"{}\" data-to=\"{}\"><line "
        "x1=\"{}\" "
        "y1=\"{}\" x2=\"{}\" y2=\"{}\"/><path d=\"M{},{} l6,6 m0,-6 "
        "l-6,6\"/><title>{}</title></g>\n",
        h(from.host), to ? h(to->host) : "", x0, y0, x1, y1, x1 - 3, y1 - 3, h(title));
  }

  const scenario& sc_;
  const run_result& r_;
  std::string id_;
  core::duration end_;
  std::vector<lane> lanes_;
  double height_ = 0;
  std::string s_;
};

}  // namespace

std::string report_time(core::duration d) {
  return core::format_duration(std::chrono::round<std::chrono::microseconds>(d));
}

std::string timeline_svg(const scenario& sc, const run_result& r, std::string_view id) {
  return drawing(sc, r, id).svg();
}

}  // namespace commands

// vitnet scan's output: a readable table, NDJSON, CSV, or one grepable line per host; the summary.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "commands/scan.hpp"

namespace commands {

std::string_view state_name(port_state s) {
  switch (s) {
    case port_state::open:
      return "open";
    case port_state::closed:
      return "closed";
    case port_state::filtered:
      return "filtered";
    case port_state::unscanned:
      break;
  }
  return "unscanned";
}

namespace {

double ms(net::duration d) {
  return std::round(std::chrono::duration<double, std::milli>(d).count() * 1000.0) / 1000.0;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

struct counts {
  std::uint64_t open = 0, closed = 0, filtered = 0;
  void add(port_state s) {
    if (s == port_state::open) ++open;
    if (s == port_state::closed) ++closed;
    if (s == port_state::filtered) ++filtered;
  }
};

// In the table and grepable forms, a state covering more than this many ports of a host is
// summarised in one line instead of listed.
constexpr std::uint64_t list_limit = 25;

// Which state to summarise rather than list for one host (unscanned when none).
port_state hidden_state(const counts& c, bool only_open) {
  if (only_open) return port_state::unscanned;  // --open: only open ports are listed anyway
  if (c.closed > list_limit && c.closed >= c.filtered) return port_state::closed;
  if (c.filtered > list_limit) return port_state::filtered;
  return port_state::unscanned;
}

std::string host_label(const scan_host& h) {
  return h.name.empty() ? h.ip.to_string() : fmt::format("{} ({})", h.name, h.ip.to_string());
}

}  // namespace

void print_scan(const scan_outcome& r, const scan_options& o, core::io& io) {
  const std::size_t np = r.ports.size();
  counts total;
  std::uint64_t hosts_up = 0;
  bool any_banner = false;
  for (auto& pr : r.results) {
    total.add(pr.state);
    any_banner = any_banner || !pr.banner.empty();
  }
  auto shown = [&](const port_result& pr) {
    return pr.state != port_state::unscanned && (!o.only_open || pr.state == port_state::open);
  };

  std::string out;
  if (o.format == scan_format::csv) out += "host,ip,port,proto,state,service,rtt_ms,banner\n";
  for (std::size_t h = 0; h < r.hosts.size(); ++h) {
    const auto& host = r.hosts[h];
    const std::string ip = host.ip.to_string();
    counts c;
    for (std::size_t p = 0; p < np; ++p) c.add(r.results[h * np + p].state);
    if (c.open || c.closed) ++hosts_up;
    port_state hidden = hidden_state(c, o.only_open);

    if (o.format == scan_format::table) {
      if (o.only_open && c.open == 0) continue;
      out += fmt::format("scan report for {}\n", host_label(host));
      bool header = false;
      for (std::size_t p = 0; p < np; ++p) {
        const auto& pr = r.results[h * np + p];
        if (!shown(pr) || pr.state == hidden) continue;
        if (!header) {
          out += any_banner
                     ? fmt::format("{:<12}{:<10}{:<16}{}\n", "PORT", "STATE", "SERVICE", "BANNER")
                     : fmt::format("{:<12}{:<10}{}\n", "PORT", "STATE", "SERVICE");
          header = true;
        }
        auto svc = service_name(r.ports[p]);
        auto port = fmt::format("{}/tcp", r.ports[p]);
        if (any_banner)
          out += fmt::format("{:<12}{:<10}{:<16}{}\n", port, state_name(pr.state),
                             svc.empty() ? "-" : svc, pr.banner);
        else
          out +=
              fmt::format("{:<12}{:<10}{}\n", port, state_name(pr.state), svc.empty() ? "-" : svc);
      }
      if (hidden != port_state::unscanned)
        out +=
            fmt::format("not shown: {} {} ports\n",
                        hidden == port_state::closed ? c.closed : c.filtered, state_name(hidden));
      if (!header && hidden == port_state::unscanned) out += "no ports to show\n";
      out += '\n';
    } else if (o.format == scan_format::grep) {
      std::string ports;
      for (std::size_t p = 0; p < np; ++p) {
        const auto& pr = r.results[h * np + p];
        if (!shown(pr) || pr.state == hidden) continue;
        if (!ports.empty()) ports += ", ";
        ports += fmt::format("{}/{}/tcp/{}/{}", r.ports[p], state_name(pr.state),
                             service_name(r.ports[p]), pr.banner);
      }
      if (o.only_open && ports.empty()) continue;
      out += fmt::format("Host: {} ({})\tPorts: {}", ip, host.name, ports);
      if (hidden != port_state::unscanned)
        out += fmt::format("\tIgnored State: {} ({})", state_name(hidden),
                           hidden == port_state::closed ? c.closed : c.filtered);
      out += '\n';
    } else {
      for (std::size_t p = 0; p < np; ++p) {
        const auto& pr = r.results[h * np + p];
        if (!shown(pr)) continue;
        bool answered = pr.state != port_state::filtered;
        auto svc = service_name(r.ports[p]);
        if (o.format == scan_format::csv) {
          out += fmt::format("{},{},{},tcp,{},{},{},{}\n",
                             csv_field(host.name.empty() ? ip : host.name), ip, r.ports[p],
                             state_name(pr.state), csv_field(svc),
                             answered ? fmt::format("{}", ms(pr.rtt)) : "", csv_field(pr.banner));
        } else {
          nlohmann::ordered_json j = {{"host", host.name.empty() ? ip : host.name},
                                      {"ip", ip},
                                      {"port", r.ports[p]},
                                      {"proto", "tcp"},
                                      {"state", state_name(pr.state)},
                                      {"rtt_ms", nullptr},
                                      {"service", svc.empty() ? nlohmann::ordered_json(nullptr)
                                                              : nlohmann::ordered_json(svc)}};
          if (answered) j["rtt_ms"] = ms(pr.rtt);
          if (o.banners && pr.state == port_state::open) j["banner"] = pr.banner;
          out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
          out += '\n';
        }
      }
    }
    // Flush in pieces so a large scan does not hold its whole report twice.
    if (out.size() > (1u << 20)) {
      io.out(out);
      out.clear();
    }
  }
  if (o.format == scan_format::json) {
    nlohmann::ordered_json s = {{"event", "summary"},
                                {"hosts", r.hosts.size()},
                                {"hosts_up", hosts_up},
                                {"ports", np},
                                {"probes", r.planned},
                                {"open", total.open},
                                {"closed", total.closed},
                                {"filtered", total.filtered},
                                {"connects", r.probes_sent},
                                {"concurrency", r.concurrency},
                                {"duration_s", ms(r.elapsed) / 1000.0}};
    if (o.shard_count > 1) s["shard"] = fmt::format("{}/{}", o.shard_index, o.shard_count);
    out += s.dump() + "\n";
  }
  io.out(out);
  if (o.format != scan_format::json)
    io.note("scanned {} host{} x {} port{} in {:.2f}s: {} open, {} closed, {} filtered",
            r.hosts.size(), r.hosts.size() == 1 ? "" : "s", np, np == 1 ? "" : "s",
            ms(r.elapsed) / 1000.0, total.open, total.closed, total.filtered);
}

}  // namespace commands

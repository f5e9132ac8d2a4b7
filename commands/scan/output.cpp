// vitnet scan's output: a readable table, NDJSON, CSV, or one grepable line per host; the summary.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "commands/scan/scan.hpp"

namespace commands {

std::string_view state_name(port_state s) {
  switch (s) {
    case port_state::open:
      return "open";
    case port_state::closed:
      return "closed";
    case port_state::filtered:
      return "filtered";
    case port_state::open_filtered:
      return "open|filtered";
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
  std::uint64_t open = 0, closed = 0, filtered = 0, open_filtered = 0;
  void add(port_state s) {
    if (s == port_state::open) ++open;
    if (s == port_state::closed) ++closed;
    if (s == port_state::filtered) ++filtered;
    if (s == port_state::open_filtered) ++open_filtered;
  }
  std::uint64_t of(port_state s) const {
    switch (s) {
      case port_state::open:
        return open;
      case port_state::closed:
        return closed;
      case port_state::filtered:
        return filtered;
      case port_state::open_filtered:
        return open_filtered;
      default:
        return 0;
    }
  }
};

// In the table and grepable forms, a state covering more than this many ports of a host is
// summarised in one line instead of listed.
constexpr std::uint64_t list_limit = 25;

// Which state to summarise rather than list for one host (unscanned when none).
port_state hidden_state(const counts& c, bool only_open) {
  if (only_open) return port_state::unscanned;  // --open: only open ports are listed anyway
  port_state most = port_state::unscanned;
  for (auto s : {port_state::closed, port_state::filtered, port_state::open_filtered})
    if (c.of(s) > list_limit && (most == port_state::unscanned || c.of(s) > c.of(most))) most = s;
  return most;
}

// "TLSv1.3 CN=localhost, until 2027-01-31 (71 days)", or "-" for an open port without TLS.
std::string tls_text(const port_result& pr) {
  if (pr.tls_version.empty()) return "-";
  if (pr.tls_subject.empty()) return pr.tls_version;
  auto date = pr.tls_not_after.substr(0, 10);
  if (pr.tls_days_left < 0)
    return fmt::format("{} {}, expired {}", pr.tls_version, pr.tls_subject, date);
  return fmt::format("{} {}, until {} ({} days)", pr.tls_version, pr.tls_subject, date,
                     pr.tls_days_left);
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
  const std::string_view proto = o.udp ? "udp" : "tcp";
  // The last column: TLS details with --tls (banners are a column of their own then), else
  // the banner.
  bool tls_col = o.tls;
  auto shown = [&](const port_result& pr) {
    return pr.state != port_state::unscanned && (!o.only_open || pr.state == port_state::open);
  };

  std::string out;
  if (o.format == scan_format::csv)
    out += o.tls ? "host,ip,port,proto,state,service,rtt_ms,banner,tls_version,tls_subject,"
                   "tls_not_after\n"
                 : "host,ip,port,proto,state,service,rtt_ms,banner\n";
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
          std::string head = fmt::format("{:<12}{:<15}{:<16}", "PORT", "STATE", "SERVICE");
          if (any_banner) head += tls_col ? fmt::format("{:<40}", "BANNER") : "BANNER";
          if (tls_col) head += "TLS";
          while (head.back() == ' ') head.pop_back();
          out += head + '\n';
          header = true;
        }
        std::string_view svc = pr.service.empty() ? service_name(r.ports[p]) : pr.service;
        auto port = fmt::format("{}/{}", r.ports[p], proto);
        std::string line =
            fmt::format("{:<12}{:<15}{:<16}", port, state_name(pr.state), svc.empty() ? "-" : svc);
        if (any_banner) line += tls_col ? fmt::format("{:<40}", pr.banner) : pr.banner;
        if (tls_col) line += pr.state == port_state::open ? tls_text(pr) : "";
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + '\n';
      }
      if (hidden != port_state::unscanned)
        out += fmt::format("not shown: {} {} ports\n", c.of(hidden), state_name(hidden));
      if (!header && hidden == port_state::unscanned) out += "no ports to show\n";
      out += '\n';
    } else if (o.format == scan_format::grep) {
      std::string ports;
      for (std::size_t p = 0; p < np; ++p) {
        const auto& pr = r.results[h * np + p];
        if (!shown(pr) || pr.state == hidden) continue;
        if (!ports.empty()) ports += ", ";
        ports += fmt::format("{}/{}/{}/{}/{}", r.ports[p], state_name(pr.state), proto,
                             pr.service.empty() ? service_name(r.ports[p]) : pr.service, pr.banner);
      }
      if (o.only_open && ports.empty()) continue;
      out += fmt::format("Host: {} ({})\tPorts: {}", ip, host.name, ports);
      if (hidden != port_state::unscanned)
        out += fmt::format("\tIgnored State: {} ({})", state_name(hidden), c.of(hidden));
      out += '\n';
    } else {
      for (std::size_t p = 0; p < np; ++p) {
        const auto& pr = r.results[h * np + p];
        if (!shown(pr)) continue;
        bool answered = pr.state == port_state::open || pr.state == port_state::closed;
        std::string_view svc = pr.service.empty() ? service_name(r.ports[p]) : pr.service;
        if (o.format == scan_format::csv) {
          out +=
              fmt::format("{},{},{},{},{},{},{},{}", csv_field(host.name.empty() ? ip : host.name),
                          ip, r.ports[p], proto, state_name(pr.state), csv_field(svc),
                          answered ? fmt::format("{}", ms(pr.rtt)) : "", csv_field(pr.banner));
          if (o.tls)
            out += fmt::format(",{},{},{}", pr.tls_version, csv_field(pr.tls_subject),
                               pr.tls_not_after);
          out += '\n';
        } else {
          nlohmann::ordered_json j = {{"host", host.name.empty() ? ip : host.name},
                                      {"ip", ip},
                                      {"port", r.ports[p]},
                                      {"proto", proto},
                                      {"state", state_name(pr.state)},
                                      {"rtt_ms", nullptr},
                                      {"service", svc.empty() ? nlohmann::ordered_json(nullptr)
                                                              : nlohmann::ordered_json(svc)}};
          if (answered) j["rtt_ms"] = ms(pr.rtt);
          if (o.banners && pr.state == port_state::open) j["banner"] = pr.banner;
          if (o.tls && pr.state == port_state::open) {
            j["tls"] = nullptr;
            if (!pr.tls_version.empty())
              j["tls"] = {{"version", pr.tls_version},
                          {"subject", pr.tls_subject},
                          {"issuer", pr.tls_issuer},
                          {"not_after", pr.tls_not_after},
                          {"days_left", pr.tls_days_left}};
          }
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
    if (o.udp) s["open_filtered"] = total.open_filtered;
    if (o.shard_count > 1) s["shard"] = fmt::format("{}/{}", o.shard_index, o.shard_count);
    out += s.dump() + "\n";
  }
  io.out(out);
  if (o.format != scan_format::json)
    io.note("scanned {} host{} x {} {} port{} in {:.2f}s: {} open, {} closed, {} filtered{}",
            r.hosts.size(), r.hosts.size() == 1 ? "" : "s", np, proto, np == 1 ? "" : "s",
            ms(r.elapsed) / 1000.0, total.open, total.closed, total.filtered,
            o.udp ? fmt::format(", {} open|filtered", total.open_filtered) : "");
}

}  // namespace commands

// Running a scenario on real loopback sockets: host N is 127.0.0.N+1, each process is the vitnet
// binary itself in a child process, and faults are realised by `vitnet proxy` processes placed
// in front of the faulted host's port.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "commands/test_net/run.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/process.hpp"

namespace commands {

namespace {

using net::fault_kind;
using clock_type = std::chrono::steady_clock;

// The proxy realises these kinds, on TCP or (for the datagram kinds) UDP.
bool proxy_can(fault_kind k) {
  switch (k) {
    case fault_kind::latency:
    case fault_kind::bandwidth:
    case fault_kind::partition:
    case fault_kind::blackhole:
    case fault_kind::reset:
    case fault_kind::slow_close:
    case fault_kind::refuse:
    case fault_kind::loss:
    case fault_kind::reorder:
    case fault_kind::duplicate:
      return true;
    default:
      return false;
  }
}

bool datagram_kind(fault_kind k) {
  return k == fault_kind::loss || k == fault_kind::reorder || k == fault_kind::duplicate;
}

// The host whose port a fault guards: the proxy stands in front of it.
std::string guarded_host(const net::fault_spec& f) {
  return f.host.empty() ? f.to : f.host;
}

// The fault as the proxy reads it: no host names; one-way faults become a direction.
std::string proxy_fault_file(const net::fault_spec& f) {
  auto d = [](core::duration x) { return core::format_duration(x); };
  std::string t = "[[fault]]\n";
  auto kind = f.kind == fault_kind::partition ? std::string("blackhole")
                                              : std::string(net::fault_kind_name(f.kind));
  t += fmt::format("kind = \"{}\"\nat = \"{}\"\n", kind, d(f.at));
  if (f.lasts) t += fmt::format("for = \"{}\"\n", d(*f.lasts));
  if (f.probability < 1.0) t += fmt::format("probability = {}\n", f.probability);
  if (f.connections) t += fmt::format("connections = {}\n", *f.connections);
  if (f.latency.count()) t += fmt::format("latency = \"{}\"\n", d(f.latency));
  if (f.jitter.count()) t += fmt::format("jitter = \"{}\"\n", d(f.jitter));
  if (f.distribution != "uniform") t += fmt::format("distribution = \"{}\"\n", f.distribution);
  if (f.rate > 0) t += fmt::format("rate = {}\n", f.rate);
  if (f.bandwidth) t += fmt::format("bandwidth = {}\n", f.bandwidth);
  if (f.after_bytes) t += fmt::format("after_bytes = {}\n", *f.after_bytes);
  if (!f.from.empty() && !f.both_ways)
    t += "direction = \"up\"\n";  // from the client to the guarded host
  return t;
}

}  // namespace

std::optional<std::string> loopback_cannot(const scenario& sc) {
  // Every reason at once, so one run tells the user all that must change.
  std::vector<std::string> why;
  for (const auto& f : sc.faults) {
    if (!proxy_can(f.kind))
      why.push_back(
          fmt::format("fault '{}' ({}) cannot be realised on the loopback backend (use --net mock)",
                      net::fault_kind_name(f.kind), f.origin));
    else if (!f.port)
      why.push_back(
          fmt::format("fault '{}' ({}) needs a 'port' on the loopback backend: it is realised by a "
                      "proxy in front of that port",
                      net::fault_kind_name(f.kind), f.origin));
    else if (guarded_host(f).empty())
      why.push_back(
          fmt::format("fault '{}' ({}) needs 'to', 'between' or 'host' on the loopback backend",
                      net::fault_kind_name(f.kind), f.origin));
  }
  if (sc.faults.size() > 50)
    why.push_back("at most 50 faults can be realised on the loopback backend");
  if (sc.link.latency.count() || sc.link.jitter.count() || sc.link.loss > 0 || sc.link.bandwidth)
    why.push_back(
        "[link] settings (latency, jitter, loss, bandwidth on every link) cannot be realised on "
        "the "
        "loopback backend (use --net mock, or faults with a 'port')");
  if (why.empty()) return std::nullopt;
  std::string all;
  for (const auto& w : why) all += (all.empty() ? "" : "; ") + w;
  return all;
}

run_result run_on_loopback(const scenario& sc, std::uint64_t seed, const std::string& binary) {
  if (auto why = loopback_cannot(sc)) throw vitnet::error(core::exit_code::config, *why);
  run_result r;
  r.file = sc.file;
  r.name = sc.name;
  r.backend = "loopback";
  r.seed = seed;
  auto start = clock_type::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<core::duration>(clock_type::now() - start);
  };

  // A fresh directory of our own (mode 0700, an unguessable name, never one that was there):
  // the fault files and ready files in it are not another user's to plant or read.
  std::string tmpl = (std::filesystem::temp_directory_path() / "vitnet-loopback-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    throw vitnet::error(
        core::exit_code::io,
        fmt::format("test net: making a directory in {}: {}",
                    std::filesystem::temp_directory_path().string(), std::strerror(errno)));
  std::filesystem::path dir = tmpl;
  struct cleanup {
    std::filesystem::path p;
    ~cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup_dir{dir};

  // Proxies for the faults: fault k listens on 127.0.0.(200+k) at its port and forwards to the
  // guarded host; the other hosts' connections to that address and port are redirected to the
  // proxy (VITNET_REDIRECT), and the proxy connects on from the client's own address.
  std::vector<std::unique_ptr<core::child>> proxies;
  std::string names;  // VITNET_HOSTS: every host's name and address
  for (const auto& h : sc.hosts) names += (names.empty() ? "" : ",") + h + "=" + sc.address_of(h);
  std::map<std::string, std::string> redirects;  // host -> VITNET_REDIRECT
  for (std::size_t k = 0; k < sc.faults.size(); ++k) {
    const auto& f = sc.faults[k];
    std::string target = guarded_host(f);
    std::string proxy_addr = fmt::format("127.0.0.{}", 200 + k);
    std::string scheme = datagram_kind(f.kind) ? "udp" : "tcp";
    auto file = dir / fmt::format("fault{}.toml", k);
    std::ofstream(file) << proxy_fault_file(f);
    auto ready = dir / fmt::format("proxy{}.url", k);
    core::child_spec cs;
    cs.argv = {binary,          "-q",
               "proxy",         fmt::format("{}://{}:{}", scheme, proxy_addr, *f.port),
               "--to",          fmt::format("{}://{}:{}", scheme, sc.address_of(target), *f.port),
               "--faults",      file.string(),
               "--seed",        std::to_string(seed),
               "--keep-source", "--ready-file",
               ready.string()};
    proxies.push_back(std::make_unique<core::child>(cs));
    for (int i = 0; i < 250 && !std::filesystem::exists(ready) && proxies.back()->running(); ++i) {
      core::child::pump({proxies.back().get()}, std::chrono::milliseconds(20));
    }
    if (!std::filesystem::exists(ready))
      throw vitnet::error(core::exit_code::config,
                          fmt::format("fault ({}): the proxy that realises it did not start: {}",
                                      f.origin, proxies.back()->err));
    for (const auto& h : sc.hosts) {
      if (h == target) continue;
      if (!f.from.empty() && h != f.from && !(f.both_ways && h == f.to)) continue;
      auto& r = redirects[h];
      r += fmt::format("{}{}:{}={}:{}", r.empty() ? "" : ",", sc.address_of(target), *f.port,
                       proxy_addr, *f.port);
    }
  }

  struct running_proc {
    const process_spec* spec;
    std::size_t index;
    std::unique_ptr<core::child> c;
  };
  std::vector<running_proc> procs;
  std::vector<const process_spec*> pending;
  for (const auto& p : sc.processes) pending.push_back(&p);
  std::stable_sort(pending.begin(), pending.end(),
                   [](auto* a, auto* b) { return a->start < b->start; });

  // A process must be waited for when something is expected of its end.
  auto must_finish = [](const process_spec& p) {
    const auto& x = p.expect;
    return x.running != true && (x.exit || x.within || x.stdout_equals || x.stderr_equals ||
                                 !x.stdout_contains.empty() || !x.stderr_contains.empty() ||
                                 x.stdout_matches || x.stderr_matches || x.running == false);
  };

  bool wall_exceeded = false;
  std::optional<clock_type::time_point> settled;
  for (;;) {
    while (!pending.empty() && elapsed() >= pending.front()->start) {
      const auto& spec = *pending.front();
      pending.erase(pending.begin());
      core::child_spec cs;
      cs.argv = {binary};
      cs.argv.insert(cs.argv.end(), spec.argv.begin(), spec.argv.end());
      cs.env = {{"VITNET_HOST_ADDR", sc.address_of(spec.host)},
                {"VITNET_HOSTS", names},
                {"VITNET_REDIRECT", redirects[spec.host]},
                {"NO_COLOR", "1"}};
      cs.input = spec.stdin_text;
      process_outcome o{spec.name, spec.host, spec.command};
      o.started = true;
      o.started_at = elapsed();
      r.processes.push_back(o);
      procs.push_back({&spec, r.processes.size() - 1, std::make_unique<core::child>(cs)});
    }
    std::vector<core::child*> all;
    for (auto& p : procs) all.push_back(p.c.get());
    for (auto& p : proxies) all.push_back(p.get());
    auto wait = std::chrono::milliseconds(20);
    core::child::pump(all, wait);
    for (auto& p : procs) {
      auto& o = r.processes[p.index];
      if (!o.exit && p.c->status()) {
        o.exit = *p.c->status();
        o.ended_at = elapsed();
      }
    }
    bool done = pending.empty();
    for (auto& p : procs)
      if (must_finish(*p.spec) && p.c->running()) done = false;
    if (done) {
      // Let the processes that keep running say what they have to say, then stop them.
      if (!settled) settled = clock_type::now();
      if (clock_type::now() - *settled > std::chrono::milliseconds(300)) break;
    }
    if (elapsed() > sc.time_limit) break;
    if (elapsed() > sc.wall_limit) {
      wall_exceeded = true;
      break;
    }
  }
  r.elapsed = elapsed();
  for (auto& p : procs) p.c->signal(SIGTERM);
  for (auto& p : proxies) p->signal(SIGTERM);
  auto stop_deadline = clock_type::now() + std::chrono::seconds(2);
  for (;;) {
    std::vector<core::child*> all;
    bool any = false;
    for (auto& p : procs) all.push_back(p.c.get()), any = any || p.c->running();
    for (auto& p : proxies) all.push_back(p.get()), any = any || p->running();
    if (!any || clock_type::now() > stop_deadline) break;
    core::child::pump(all, std::chrono::milliseconds(20));
  }
  for (auto& p : procs) {
    auto& o = r.processes[p.index];
    o.out = p.c->out;
    o.err = p.c->err;
    // Those stopped here were still running when the scenario ended.
  }
  if (wall_exceeded)
    r.failures.push_back(
        fmt::format("the wall-clock limit of {} passed", core::format_duration(sc.wall_limit)));
  check_expectations(sc, r);
  if (wall_exceeded) r.passed = false;
  r.wall_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return r;
}

}  // namespace commands

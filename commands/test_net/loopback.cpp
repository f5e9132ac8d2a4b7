// Running a scenario on real loopback sockets: host N is 127.0.0.N+1, each process is the vitnet
// binary itself in a child process, and faults are realised by `vitnet proxy` processes placed
// in front of the faulted host's port.
#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "commands/test_net/proxy_events.hpp"
#include "commands/test_net/run.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/process.hpp"
#include "net/real/loopback_env.hpp"

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

// A vitnet command that listens, and says so through VITNET_READY_FILE (its --ready-file): the
// processes after it wait until it does, so that a client never arrives before its server on a
// busy machine. The command is the first word that names one.
bool vitnet_listener(const std::vector<std::string>& argv) {
  static const std::set<std::string> commands = {"serve", "connect", "proxy", "rpc",
                                                 "mq",    "resolve", "scan",  "tls",
                                                 "ip",    "ws",      "test",  "version"};
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (!commands.contains(argv[i])) continue;
    const auto& c = argv[i];
    std::string next = i + 1 < argv.size() ? argv[i + 1] : "";
    return c == "serve" || c == "proxy" || (c == "rpc" && next == "serve") ||
           (c == "mq" && next == "broker");
  }
  return false;
}

// One attempt, bounded by `budget`, to see whether `r` is ready: a TCP connection is accepted, or
// an HTTP GET answers with the expected status.
bool probe_ready(const ready_spec& r, std::chrono::milliseconds budget) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_it{fd};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(r.port);
  if (::inet_pton(AF_INET, r.host.c_str(), &a.sin_addr) != 1) return false;
  auto deadline = clock_type::now() + budget;
  auto wait_for = [&](short events) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) == 1 && !(p.revents & POLLNVAL);
  };
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (errno != EINPROGRESS || !wait_for(POLLOUT)) return false;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return false;
  }
  if (r.scheme == "tcp") return true;
  std::string req = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: vitnet-test-net\r\nConnection: "
      "close\r\n\r\n",
      r.path, r.host, r.port);
  std::size_t sent = 0;
  while (sent < req.size()) {
    if (!wait_for(POLLOUT)) return false;
    auto n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  // The status line is all that is read: "HTTP/1.x NNN".
  std::string got;
  while (got.find("\r\n") == std::string::npos && got.size() < 256) {
    if (!wait_for(POLLIN)) return false;
    char buf[256];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got.size() >= 12 && got.starts_with("HTTP/1.") &&
         got.substr(9, 3) == std::to_string(r.status);
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
  std::vector<std::string> guarded;  // per proxy: the host it stands in front of
  proxy_events seen(sc);             // what the proxies saw, for the report
  auto watch_proxies = [&] {
    for (std::size_t k = 0; k < proxies.size(); ++k)
      seen.read(k, guarded[k], proxies[k]->out, elapsed());
  };
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
               ready.string(),  "--json"};
    proxies.push_back(std::make_unique<core::child>(cs));
    guarded.push_back(target);
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
    std::string ready_file;  // a vitnet listener's, or empty
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

  // ${dial.HOST:PORT} for a process on `from`: where its VITNET_REDIRECT sends a vitnet process
  // (read by the parser the real backend uses, so a program and a vitnet command on one host
  // always take the same proxy), else the host itself.
  auto dial_from = [&](const std::string& from) {
    return [&sc, to = net::parse_redirects(redirects[from])](const std::string& host,
                                                             std::uint16_t port) {
      net::socket_address direct{*net::ip_address::parse(sc.address_of(host)), port};
      auto it = to.find(direct);
      return (it == to.end() ? direct : it->second).to_string();
    };
  };

  // The process later ones wait for: until it is ready, none of them starts.
  constexpr std::size_t no_gate = SIZE_MAX;
  std::size_t gate = no_gate;  // into procs
  clock_type::time_point gate_since, next_probe;

  bool wall_exceeded = false, stop_now = false;
  std::optional<clock_type::time_point> settled;
  for (;;) {
    if (gate != no_gate) {
      auto& g = procs[gate];
      auto& o = r.processes[g.index];
      auto waited = clock_type::now() - gate_since;
      if (g.spec->ready) {
        const auto& rd = *g.spec->ready;
        if (clock_type::now() >= next_probe) {
          next_probe = clock_type::now() + std::chrono::milliseconds(50);
          if (probe_ready(rd, std::chrono::milliseconds(250))) {
            gate = no_gate;
          } else if (!g.c->running()) {
            r.failures.push_back(fmt::format("{} ({}:{}): exited with {} before it was ready at {}",
                                             o.name, sc.file, g.spec->line,
                                             g.c->status().value_or(-1), rd.text));
            stop_now = true;
          } else if (waited > rd.timeout) {
            r.failures.push_back(fmt::format("{} ({}:{}): not ready at {} within {}", o.name,
                                             sc.file, g.spec->line, rd.text,
                                             core::format_duration(rd.timeout)));
            stop_now = true;
          }
        }
      } else if (std::filesystem::exists(g.ready_file) || !g.c->running()) {
        gate = no_gate;  // listening; or gone, which its own expectations judge
      } else if (waited > std::chrono::seconds(10)) {
        r.notes.push_back(
            fmt::format("{} did not say it was listening within 10s; the "
                        "processes after it started anyway",
                        o.name));
        gate = no_gate;
      }
    }
    while (!stop_now && gate == no_gate && !pending.empty() &&
           elapsed() >= pending.front()->start) {
      const auto& spec = *pending.front();
      pending.erase(pending.begin());
      auto dial = dial_from(spec.host);
      core::child_spec cs;
      if (spec.program) {
        cs.search_path = true;
      } else {
        cs.argv = {binary};
      }
      for (const auto& a : spec.argv) cs.argv.push_back(expand_dials(a, dial));
      cs.env = {{"VITNET_HOST_ADDR", sc.address_of(spec.host)},
                {"VITNET_HOSTS", names},
                {"VITNET_REDIRECT", redirects[spec.host]},
                {"NO_COLOR", "1"}};
      std::string ready_file;
      if (!spec.program && !spec.ready && !spec.ready_off && vitnet_listener(spec.argv)) {
        ready_file = (dir / fmt::format("ready{}.url", procs.size())).string();
        cs.env["VITNET_READY_FILE"] = ready_file;
      }
      for (const auto& [k, v] : spec.env) cs.env[k] = expand_dials(v, dial);
      cs.cwd = spec.cwd;
      cs.input = expand_dials(spec.stdin_text, dial);
      process_outcome o{spec.name, spec.host, spec.command};
      o.started = true;
      o.started_at = elapsed();
      r.processes.push_back(o);
      try {
        procs.push_back(
            {&spec, r.processes.size() - 1, std::make_unique<core::child>(cs), ready_file});
      } catch (const vitnet::error& e) {
        auto& failed = r.processes.back();
        failed.exit = 127;  // as a shell says of a program it cannot run
        failed.ended_at = failed.started_at;
        failed.err = fmt::format("vitnet test net: {}\n", e.what());
        r.failures.push_back(fmt::format("{} ({}:{}): could not be started: {}", spec.name, sc.file,
                                         spec.line, e.what()));
        continue;
      }
      if (spec.ready || !ready_file.empty()) {
        gate = procs.size() - 1;
        gate_since = next_probe = clock_type::now();
        break;
      }
    }
    std::vector<core::child*> all;
    for (auto& p : procs) all.push_back(p.c.get());
    for (auto& p : proxies) all.push_back(p.get());
    auto wait = std::chrono::milliseconds(gate != no_gate ? 10 : 20);
    core::child::pump(all, wait);
    watch_proxies();
    for (auto& p : procs) {
      auto& o = r.processes[p.index];
      if (!o.exit && p.c->status()) {
        o.exit = *p.c->status();
        o.ended_at = elapsed();
      }
    }
    if (stop_now) break;
    bool done = pending.empty() && gate == no_gate;
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
  // Every process group gets SIGTERM, then (the destructors) SIGKILL after two seconds: a
  // program and whatever it started end with the scenario.
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
    watch_proxies();
  }
  r.events = seen.take();
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

// Running a scenario on the mock network: hosts in one simulated world, every process a vitnet
// command on a sim_context, faults acting through the world's hooks.
#include <fmt/format.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <deque>

#include "commands/test_net/run.hpp"
#include "core/error.hpp"
#include "net/sim/context.hpp"
#include "net/sim/objects.hpp"

namespace commands {

namespace {

using net::fault_kind;
using net::sim::host;

struct fault_state {
  const net::fault_spec* spec;
  std::uint64_t fired = 0;
  std::uint64_t connections = 0;  ///< connections (or attempts) it has applied to
};

class mock_run {
 public:
  mock_run(const scenario& sc, std::uint64_t seed, const command_parser& parse)
      : sc_(sc), parse_(parse), w_(seed) {
    result_.file = sc.file;
    result_.name = sc.name;
    result_.backend = "mock";
    result_.seed = seed;
  }
  ~mock_run() { w_.shutdown(); }  // before the contexts in procs_ go

  run_result run() {
    auto wall_start = std::chrono::steady_clock::now();
    for (const auto& h : sc_.hosts) w_.add_host(h);
    w_.default_link.latency = sc_.link.latency;
    w_.default_link.jitter = sc_.link.jitter;
    w_.default_link.loss = sc_.link.loss;
    w_.default_link.bandwidth = sc_.link.bandwidth;
    for (const auto& f : sc_.faults) faults_.push_back({&f});
    install_hooks();
    schedule_faults();
    auto t0 = w_.now();
    for (const auto& spec : sc_.processes) w_.at(t0 + spec.start, [this, &spec] { launch(spec); });

    auto outcome = w_.run(sc_.time_limit, sc_.wall_limit);
    result_.elapsed = w_.elapsed();
    if (outcome == net::sim::world::outcome::wall_limit)
      result_.failures.push_back(
          fmt::format("the wall-clock limit of {} passed (at {} of virtual time)",
                      core::format_duration(sc_.wall_limit), core::format_duration(w_.elapsed())));
    for (const auto& f : faults_)
      if (f.fired == 0)
        result_.notes.push_back(
            fmt::format("fault {} ({}) never fired", f.spec->describe(), f.spec->origin));
    w_.trace(
        fmt::format("end {}", outcome == net::sim::world::outcome::idle ? "idle" : "time limit"));
    result_.trace = w_.trace_lines();
    check_expectations(sc_, result_);
    if (outcome == net::sim::world::outcome::wall_limit) result_.passed = false;
    // Coroutines still suspended go now, while the contexts they refer to exist.
    w_.shutdown();
    result_.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return std::move(result_);
  }

 private:
  struct proc {
    const process_spec* spec;
    std::size_t index;  // into result_.processes
    std::unique_ptr<net::sim_context> ctx;
    std::unique_ptr<core::io> io;
    bool crashed = false;
    bool done = false;
  };

  // ---- processes -----------------------------------------------------------------------------

  void launch(const process_spec& spec) {
    std::size_t index = result_.processes.size();
    result_.processes.push_back({spec.name, spec.host, spec.command});
    auto& o = result_.processes.back();
    o.started = true;
    o.started_at = w_.elapsed();
    w_.trace(fmt::format("start {} on {}: {}", spec.name, spec.host, spec.command));
    std::string error;
    auto cmd = parse_(spec.argv, error);
    if (!cmd) {
      o.err = fmt::format("vitnet: {}\n", error);
      o.exit = core::to_int(core::exit_code::usage);
      o.ended_at = o.started_at;
      w_.trace(fmt::format("exit {} {}", spec.name, *o.exit));
      return;
    }
    auto out = [this, index](std::string_view s) { result_.processes[index].out.append(s); };
    auto err = [this, index](std::string_view s) { result_.processes[index].err.append(s); };
    auto p = std::make_unique<proc>();
    p->spec = &spec;
    p->index = index;
    p->ctx = std::make_unique<net::sim_context>(w_, *w_.find(spec.host), spec.stdin_text, out, err);
    p->io = std::make_unique<core::io>(cmd->output, out, err);
    auto* raw = p.get();
    procs_.push_back(std::move(p));
    asio::co_spawn(w_.io(), run_process(raw, std::move(cmd->run)), asio::detached);
  }

  net::task<void> run_process(proc* p,
                              std::function<net::task<int>(net::context&, core::io&)> run) {
    int rc;
    try {
      rc = co_await run(*p->ctx, *p->io);
    } catch (const vitnet::error& e) {
      rc = core::to_int(e.code());
      if (!p->crashed) p->io->error("{}", e.what());
    } catch (const std::exception& e) {
      rc = core::to_int(core::exit_code::internal);
      if (!p->crashed) p->io->error("internal error: {}", e.what());
    }
    if (p->crashed) co_return;
    p->done = true;
    auto& o = result_.processes[p->index];
    o.exit = rc;
    o.ended_at = w_.elapsed();
    w_.trace(fmt::format("exit {} {}", o.name, rc));
    p->ctx->kill(false);  // what the process left open closes as it exits
  }

  // ---- faults --------------------------------------------------------------------------------

  bool on_link(const net::fault_spec& f, const host& from, const host& to) const {
    if (!f.from.empty()) {
      if (f.from == from.name && f.to == to.name) return true;
      return f.both_ways && f.from == to.name && f.to == from.name;
    }
    if (!f.host.empty()) return from.name == f.host || to.name == f.host;
    return true;
  }

  bool applies(fault_state& fs, const host& from, const host& to) {
    const auto& f = *fs.spec;
    if (!f.active_at(w_.elapsed()) || !on_link(f, from, to)) return false;
    return f.probability >= 1.0 || w_.random() < f.probability;
  }

  void install_hooks() {
    w_.hooks.link = [this](const host& from, const host& to, const net::sim::flow& fl,
                           net::sim::link_params& p) {
      for (auto& fs : faults_) {
        const auto& f = *fs.spec;
        if (!net::acts_on_traffic(f.kind)) continue;
        if (f.port && !fl.involves(*f.port)) continue;
        if (f.kind == fault_kind::slow_close && !fl.fin) continue;
        if (!applies(fs, from, to)) continue;
        ++fs.fired;
        switch (f.kind) {
          case fault_kind::latency:
            p.latency += f.latency;
            p.jitter += f.jitter;
            p.normal_jitter = p.normal_jitter || f.distribution == "normal";
            break;
          case fault_kind::loss:
            p.loss = std::max(p.loss, f.rate);
            break;
          case fault_kind::bandwidth:
            p.bandwidth = p.bandwidth ? std::min(p.bandwidth, f.bandwidth) : f.bandwidth;
            break;
          case fault_kind::reorder:
            p.reorder = std::max(p.reorder, f.rate);
            break;
          case fault_kind::duplicate:
            p.duplicate = std::max(p.duplicate, f.rate);
            break;
          case fault_kind::partition:
          case fault_kind::blackhole:
            p.blocked = true;
            break;
          case fault_kind::slow_close:
            p.fin_delay += f.latency;
            break;
          default:
            break;
        }
      }
    };
    w_.hooks.refuse = [this](const host& to, std::uint16_t port) {
      for (auto& fs : faults_) {
        const auto& f = *fs.spec;
        if (f.kind != fault_kind::refuse || !f.active_at(w_.elapsed())) continue;
        if ((f.host.empty() ? f.to : f.host) != to.name || (f.port && *f.port != port)) continue;
        if (f.connections && fs.connections >= *f.connections) continue;
        if (f.probability < 1.0 && w_.random() >= f.probability) continue;
        ++fs.connections;
        ++fs.fired;
        return true;
      }
      return false;
    };
    w_.hooks.on_connect = [this](net::sim::connection& c) {
      for (auto& fs : faults_) {
        const auto& f = *fs.spec;
        if (f.kind != fault_kind::reset || !f.after_bytes) continue;
        if (!applies(fs, *c.hosts[0], *c.hosts[1])) continue;
        if (f.port && c.addrs[1].port != *f.port) continue;
        if (f.connections && fs.connections >= *f.connections) continue;
        ++fs.connections;
        c.reset_after = *f.after_bytes;
        c.on_reset_after = [&fs] { ++fs.fired; };
        return;
      }
    };
    w_.hooks.dns = [this](const host& on, const std::string&) -> std::optional<std::string> {
      for (auto& fs : faults_) {
        const auto& f = *fs.spec;
        if (f.kind != fault_kind::dns_failure || f.host != on.name || !f.active_at(w_.elapsed()))
          continue;
        if (f.probability < 1.0 && w_.random() >= f.probability) continue;
        ++fs.fired;
        return f.mode;
      }
      return std::nullopt;
    };
  }

  void schedule_faults() {
    auto t0 = w_.now();
    for (auto& fs : faults_) {
      const auto& f = *fs.spec;
      w_.at(t0 + f.at, [this, &f] { w_.trace(fmt::format("fault begins: {}", f.describe())); });
      if (f.lasts)
        w_.at(t0 + f.at + *f.lasts,
              [this, &f] { w_.trace(fmt::format("fault ends: {}", f.describe())); });
      if (f.kind == fault_kind::reset && !f.after_bytes)
        w_.at(t0 + f.at, [this, &fs] { reset_now(fs); });
      if (f.kind == fault_kind::crash) {
        w_.at(t0 + f.at, [this, &fs] { crash(fs); });
        if (f.lasts) w_.at(t0 + f.at + *f.lasts, [this, &fs] { restart(fs); });
      }
    }
  }

  void reset_now(fault_state& fs) {
    const auto& f = *fs.spec;
    std::vector<net::sim::connection*> hit;
    for (auto* c : w_.connections)
      if (!c->reset && on_link(f, *c->hosts[0], *c->hosts[1]) &&
          (!f.port || c->addrs[1].port == *f.port))
        hit.push_back(c);
    // Oldest first, so "the first N connections" means what it says.
    std::sort(hit.begin(), hit.end(), [](auto* a, auto* b) { return a->id < b->id; });
    for (auto* c : hit) {
      if (f.connections && fs.connections >= *f.connections) break;
      if (f.probability < 1.0 && w_.random() >= f.probability) continue;
      ++fs.connections;
      ++fs.fired;
      c->do_reset(fmt::format("fault at {}", f.origin));
    }
  }

  void crash(fault_state& fs) {
    auto* h = w_.find(fs.spec->host);
    if (!h->up) return;
    ++fs.fired;
    h->up = false;
    w_.trace(fmt::format("crash {}", h->name));
    for (auto& p : procs_) {
      if (p->spec->host != h->name || p->done || p->crashed) continue;
      p->crashed = true;
      auto& o = result_.processes[p->index];
      o.crashed = true;
      o.ended_at = w_.elapsed();
      p->ctx->kill(true);
    }
  }

  void restart(fault_state& fs) {
    auto* h = w_.find(fs.spec->host);
    if (h->up) return;
    h->up = true;
    w_.trace(fmt::format("restart {}", h->name));
    // The host's processes that the crash ended start again, as a boot would start them.
    std::vector<const process_spec*> again;
    for (auto& p : procs_)
      if (p->spec->host == h->name && p->crashed) again.push_back(p->spec);
    for (auto* spec : again) {
      bool newer = false;  // launched again already (a second crash)
      for (auto& o : result_.processes)
        if (o.name == spec->name && !o.crashed) newer = true;
      if (!newer) launch(*spec);
    }
  }

  const scenario& sc_;
  const command_parser& parse_;
  net::sim::world w_;  // before procs_: contexts are destroyed first, after w_.shutdown()
  std::vector<fault_state> faults_;
  std::deque<std::unique_ptr<proc>> procs_;
  run_result result_;
};

}  // namespace

std::optional<std::string> mock_cannot(const scenario& sc) {
  for (const auto& p : sc.processes)
    for (const auto& a : p.argv)
      if (a == "--exec" || a.starts_with("--exec="))
        return fmt::format(
            "process '{}' ({}:{}) uses --exec, and the mock network runs no child processes "
            "(use --net loopback)",
            p.name, sc.file, p.line);
  return std::nullopt;
}

run_result run_on_mock(const scenario& sc, std::uint64_t seed, const command_parser& parse) {
  mock_run r(sc, seed, parse);
  return r.run();
}

}  // namespace commands

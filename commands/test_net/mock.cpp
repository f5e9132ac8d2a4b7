// Running a scenario on the mock network: hosts in one simulated world, every process a vitnet
// command on a sim_context, faults acting through the world's hooks.
#include <fmt/format.h>

#include <deque>

#include "commands/test_net/run.hpp"
#include "core/error.hpp"
#include "net/sim/context.hpp"
#include "net/sim/faults.hpp"

namespace commands {

namespace {

class mock_run {
 public:
  mock_run(const scenario& sc, std::uint64_t seed, const command_parser& parse,
           std::size_t keep_events)
      : sc_(sc), parse_(parse), w_(seed) {
    w_.record_events = keep_events > 0;
    w_.event_limit = keep_events;
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
    faults_.emplace(
        w_, sc_.faults,
        net::sim::fault_injector::host_events{[this](const std::string& h) { host_crashed(h); },
                                              [this](const std::string& h) { host_restarted(h); }});
    auto t0 = w_.now();
    for (const auto& spec : sc_.processes) w_.at(t0 + spec.start, [this, &spec] { launch(spec); });

    auto outcome = w_.run(sc_.time_limit, sc_.wall_limit);
    result_.elapsed = w_.elapsed();
    if (outcome == net::sim::world::outcome::wall_limit)
      result_.failures.push_back(
          fmt::format("the wall-clock limit of {} passed (at {} of virtual time)",
                      core::format_duration(sc_.wall_limit), core::format_duration(w_.elapsed())));
    for (std::size_t i = 0; i < sc_.faults.size(); ++i)
      if (faults_->fired(i) == 0)
        result_.notes.push_back(fmt::format("fault {} ({}) never fired", sc_.faults[i].describe(),
                                            sc_.faults[i].origin));
    w_.trace(
        fmt::format("end {}", outcome == net::sim::world::outcome::idle ? "idle" : "time limit"));
    result_.trace = w_.trace_lines();
    result_.events = w_.events();
    result_.events_not_kept = w_.events_not_kept();
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
    // ${dial.HOST:PORT} is the host's own address here: faults act on the simulated links.
    auto dial = [this](const std::string& h, std::uint16_t port) {
      return fmt::format("{}:{}", sc_.address_of(h), port);
    };
    std::vector<std::string> argv;
    for (const auto& a : spec.argv) argv.push_back(expand_dials(a, dial));
    auto cmd = parse_(argv, error);
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
    p->ctx = std::make_unique<net::sim_context>(w_, *w_.find(spec.host),
                                                expand_dials(spec.stdin_text, dial), out, err);
    p->io = std::make_unique<core::io>(cmd->output, out, err);
    auto* raw = p.get();
    procs_.push_back(std::move(p));
    w_.spawn(run_process(raw, std::move(cmd->run)));
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

  // ---- a host going down and coming back (crash faults) ---------------------------------------

  void host_crashed(const std::string& host) {
    for (auto& p : procs_) {
      if (p->spec->host != host || p->done || p->crashed) continue;
      p->crashed = true;
      auto& o = result_.processes[p->index];
      o.crashed = true;
      o.ended_at = w_.elapsed();
      p->ctx->kill(true);
    }
  }

  void host_restarted(const std::string& host) {
    // The host's processes that the crash ended start again, as a boot would start them.
    std::vector<const process_spec*> again;
    for (auto& p : procs_)
      if (p->spec->host == host && p->crashed) again.push_back(p->spec);
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
  std::optional<net::sim::fault_injector> faults_;
  std::deque<std::unique_ptr<proc>> procs_;
  run_result result_;
};

}  // namespace

std::optional<std::string> mock_cannot(const scenario& sc) {
  for (const auto& p : sc.processes) {
    // Another program would use the machine's real sockets, out of the simulated network's
    // reach: it cannot take part, and a scenario must not pass without it.
    if (p.program)
      return fmt::format(
          "process '{}' ({}:{}) runs a program ('{}'), and the mock network runs only vitnet "
          "commands: other programs use real sockets (use --net loopback)",
          p.name, sc.file, p.line, p.argv.front());
    if (!p.env.empty() || !p.cwd.empty())
      return fmt::format(
          "process '{}' ({}:{}) sets 'env' or 'cwd', which only processes on the loopback backend "
          "have (use --net loopback)",
          p.name, sc.file, p.line);
  }
  for (const auto& p : sc.processes)
    for (const auto& a : p.argv)
      if (a == "--exec" || a.starts_with("--exec="))
        return fmt::format(
            "process '{}' ({}:{}) uses --exec, and the mock network runs no child processes "
            "(use --net loopback)",
            p.name, sc.file, p.line);
  return std::nullopt;
}

run_result run_on_mock(const scenario& sc, std::uint64_t seed, const command_parser& parse,
                       std::size_t keep_events) {
  mock_run r(sc, seed, parse, keep_events);
  return r.run();
}

}  // namespace commands

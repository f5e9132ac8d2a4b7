#include <unistd.h>

#include <memory>

#include "cli/app.hpp"
#include "cli/command_table.hpp"
#include "commands/test_net/test_net.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace cli {

namespace {

// How a scenario's command lines become commands: parsed by the same CLI tree as vitnet's own.
std::optional<commands::parsed_command> parse_scenario_command(const std::vector<std::string>& argv,
                                                               std::string& error) {
  auto st = std::make_shared<parse_state>();
  auto app = build_app(*st);
  auto r = parse_command_line(*app, argv);
  if (r.exit >= 0 || !st->chosen) {
    error = !r.err.empty() ? r.err : "the command runs nothing on the network (help, version)";
    if (error.starts_with("vitnet: ")) error.erase(0, 8);
    while (!error.empty() && error.back() == '\n') error.pop_back();
    return std::nullopt;
  }
  // The runner holds the parse state (and the options its callbacks filled) alive.
  std::function<net::task<int>(net::context&, core::io&)> run;
  try {
    run = with_globals(*st);
  } catch (const vitnet::error& e) {
    error = e.what();
    return std::nullopt;
  }
  return commands::parsed_command{[st, app = std::shared_ptr<CLI::App>(std::move(app)), run](
                                      net::context& ctx, core::io& io) { return run(ctx, io); },
                                  st->output};
}

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("vitnet");
}

}  // namespace

void define_test(CLI::App& sub, runner& chosen) {
  sub.require_subcommand(1);
  auto* net = sub.add_subcommand("net", "run network scenarios on the mock network or on loopback");
  net->fallthrough();
  auto o = std::make_shared<commands::test_net_options>();
  auto seeds = std::make_shared<std::string>();
  auto vars = std::make_shared<std::vector<std::string>>();
  net->add_option("files", o->files, "scenario files (TOML)")->required()->type_name("FILE");
  net->add_option("--net", o->backend,
                  "backend: mock (simulated, virtual time; the default) or loopback (real sockets)")
      ->check(CLI::IsMember({"mock", "loopback"}))
      ->type_name("BACKEND");
  auto* seed =
      net->add_option("--seed", o->seed,
                      "seed of the mock network's random choices (default: the file's, or 1)")
          ->type_name("N");
  net->add_option("--seeds", *seeds, "run every seed from A to B (A..B)")
      ->type_name("A..B")
      ->excludes(seed);
  net->add_option("--jobs", o->jobs, "run N scenarios (and seeds) at once")
      ->type_name("N")
      ->check(CLI::Range(1u, 256u));
  net->add_option("--junit", o->junit, "write a JUnit XML report to PATH")->type_name("PATH");
  net->add_flag("--tap", o->tap, "report in TAP (Test Anything Protocol) instead of text");
  net->add_option("--trace", o->trace, "write every run's event trace to PATH (mock)")
      ->type_name("PATH");
  net->add_option("--report", o->report,
                  "write a report of every run to PATH, in the format its extension names: .html "
                  "(one self-contained page: a timeline of hosts, processes, faults and traffic)")
      ->type_name("PATH")
      ->check(CLI::Validator(
          [](std::string& path) { return commands::report_path_problem(path).value_or(""); }, "",
          "report"));
  net->add_option("--var", *vars, "set a scenario variable: NAME=VALUE (repeatable)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);

  net->callback([o, seeds, vars, &chosen] {
    if (!seeds->empty()) {
      auto dots = seeds->find("..");
      std::uint64_t a = 0, b = 0;
      bool ok = dots != std::string::npos;
      try {
        if (ok) a = std::stoull(seeds->substr(0, dots)), b = std::stoull(seeds->substr(dots + 2));
      } catch (...) {
        ok = false;
      }
      if (!ok || b < a || b - a >= 100000)
        throw CLI::ValidationError(
            "--seeds", "'" + *seeds + "' is not a range A..B (A <= B, at most 100000 seeds)");
      o->seeds = std::pair{a, b};
    }
    for (const auto& v : *vars) {
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0)
        throw CLI::ValidationError("--var", "'" + v + "' is not NAME=VALUE");
      o->vars[v.substr(0, eq)] = v.substr(eq + 1);
    }
    o->parse = parse_scenario_command;
    o->vitnet_binary = self_path();
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_test_net(ctx, *o, io); };
  });
}

}  // namespace cli

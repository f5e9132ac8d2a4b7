#include "commands/scan/scan.hpp"

#include <unistd.h>

#include <memory>

#include "cli/command_table.hpp"

namespace cli {

void define_scan(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::scan_options>();
  struct texts {
    std::string ports, exclude_ports, timeout, rate, shard, banner_wait;
    std::string input_i;  // -i: "-iL FILE" as nmap spells it arrives as -i L
    int top = 0;
    bool csv = false, grep = false;
  };
  auto x = std::make_shared<texts>();

  sub.add_option("targets", o->targets,
                 "addresses, CIDR blocks (10.0.0.0/24), ranges (10.0.0.1-20, 10.0.0.1-10.0.0.9), "
                 "host names, or - to read targets from stdin")
      ->type_name("TARGET");
  sub.add_option("--input-list,-i", x->input_i,
                 "read targets from FILE (- for stdin); nmap's -iL FILE works too")
      ->type_name("FILE");
  sub.add_option("--exclude", o->excludes,
                 "leave out these targets (same syntax; repeat or separate with commas)")
      ->type_name("TARGETS")
      ->delimiter(',')
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub.add_option("--exclude-file", o->exclude_files, "leave out the targets listed in FILE")
      ->type_name("FILE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub.add_option("-p,--ports", x->ports,
                 "ports: 22,80,8000-8100, service names (ssh,http), - for all (-p-); default: "
                 "--top 100")
      ->type_name("PORTS");
  sub.add_option("--top", x->top, "the N most common ports of vitnet's own list (at most 144)")
      ->type_name("N");
  sub.add_option("--exclude-ports", x->exclude_ports, "leave out these ports (same syntax as -p)")
      ->type_name("PORTS");
  sub.add_flag("--open", o->only_open, "show only open ports");
  sub.add_flag("--csv", x->csv, "CSV: one row per port (host,ip,port,proto,state,...)");
  sub.add_flag("--grep", x->grep, "one line per host, easy to grep and cut");
  sub.add_option("--timeout", x->timeout,
                 "wait at most DURATION for a connect, and no less (default: adapted from round "
                 "trips, 50ms to 1s)")
      ->type_name("DURATION");
  sub.add_option("--retries", o->retries,
                 "probe a port that did not answer N more times before calling it filtered "
                 "(default 1)")
      ->type_name("N");
  sub.add_option("--rate", x->rate, "send at most N probes per second")->type_name("N");
  sub.add_option("--concurrency", o->concurrency,
                 "connects in flight (default: from the file descriptor limit, at most 4096)")
      ->type_name("N");
  sub.add_flag("--randomize", o->randomize, "probe targets and ports in a seeded random order");
  sub.add_option("--shard", x->shard,
                 "scan only share I of N (1 <= I <= N): the same seed splits target x port "
                 "identically on every machine")
      ->type_name("I/N");
  sub.add_option("--seed", o->seed, "seed of --randomize and --shard (default: fixed)")
      ->type_name("N");
  sub.add_flag("--banners", o->banners,
               "read what open ports say first; send an HTTP HEAD where they say nothing");
  sub.add_flag("--tls", o->tls,
               "try a TLS handshake with each open port; report version, certificate subject and "
               "expiry");
  sub.add_flag("--udp", o->udp,
               "scan UDP ports: closed on ICMP port unreachable, open on an answer, open|filtered "
               "otherwise");
  sub.add_option("--banner-wait", x->banner_wait, "how long to wait for a banner (default 500ms)")
      ->type_name("DURATION");

  sub.callback([o, x, &chosen] {
    std::string message;
    if (!x->input_i.empty()) {
      // "-iL FILE": CLI11 hands over -i with the value "L" and FILE as the first target.
      if (x->input_i == "L") {
        if (o->targets.empty()) throw CLI::ValidationError("-iL", "needs a FILE");
        o->input_lists.push_back(o->targets.front());
        o->targets.erase(o->targets.begin());
      } else {
        o->input_lists.push_back(x->input_i);
      }
    }
    if (o->targets.empty() && o->input_lists.empty())
      throw CLI::ValidationError("targets", "give at least one target (or -iL FILE, or -)");

    std::vector<bool> chosen_ports(65536);
    bool any = false;
    if (!x->ports.empty()) {
      auto p = commands::parse_scan_ports(x->ports, message);
      if (!p) throw CLI::ValidationError("-p", message);
      for (auto port : *p) chosen_ports[port] = true;
      any = true;
    }
    if (x->top < 0 || x->top > static_cast<int>(commands::top_ports().size()))
      throw CLI::ValidationError("--top",
                                 fmt::format("must be from 1 to {}", commands::top_ports().size()));
    int top = x->top ? x->top : (any ? 0 : 100);
    for (int i = 0; i < top; ++i) chosen_ports[commands::top_ports()[i]] = true;
    if (!x->exclude_ports.empty()) {
      auto p = commands::parse_scan_ports(x->exclude_ports, message);
      if (!p) throw CLI::ValidationError("--exclude-ports", message);
      for (auto port : *p) chosen_ports[port] = false;
    }
    for (unsigned p = 1; p <= 65535; ++p)
      if (chosen_ports[p]) o->ports.push_back(static_cast<std::uint16_t>(p));
    if (o->ports.empty()) throw CLI::ValidationError("--exclude-ports", "leaves no port to scan");

    if (!x->timeout.empty()) {
      o->timeout = duration_arg("--timeout", x->timeout);
      o->fixed_timeout = true;
      if (o->timeout <= core::duration::zero())
        throw CLI::ValidationError("--timeout", "must be more than 0");
    }
    if (!x->banner_wait.empty()) o->banner_wait = duration_arg("--banner-wait", x->banner_wait);
    if (o->retries < 0 || o->retries > 10)
      throw CLI::ValidationError("--retries", "must be from 0 to 10");
    if (o->concurrency < 0) throw CLI::ValidationError("--concurrency", "must not be negative");
    if (!x->rate.empty()) {
      char* end = nullptr;
      o->rate = std::strtod(x->rate.c_str(), &end);
      if (*end != '\0' || !(o->rate > 0))
        throw CLI::ValidationError("--rate", "'" + x->rate + "' is not a positive number");
    }
    if (!x->shard.empty() &&
        !commands::parse_shard(x->shard, o->shard_index, o->shard_count, message))
      throw CLI::ValidationError("--shard", message);
    if (x->csv + x->grep > 1) throw CLI::ValidationError("--csv/--grep", "choose one");
    if (x->csv) o->format = commands::scan_format::csv;
    if (x->grep) o->format = commands::scan_format::grep;
    if (o->udp && (o->banners || o->tls))
      throw CLI::ValidationError("--udp", "--banners and --tls look at TCP ports only");
    o->progress = ::isatty(2) == 1;
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_scan(ctx, *o, io); };
  });
}

}  // namespace cli

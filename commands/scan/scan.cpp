// vitnet scan: gathers targets (arguments, -iL lists, stdin), resolves names, applies exclusions,
// then hands host x port probes to the engine and prints what it found.
#include "commands/scan/scan.hpp"

#include <algorithm>
#include <set>

#include "commands/scan/schedule.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "net/read_all.hpp"

namespace commands {

namespace {

// Beyond this many addresses a scan is almost surely a typo (a /8 instead of a /24).
constexpr std::uint64_t max_addresses = 1u << 20;

[[noreturn]] void bad_targets(const std::string& message) {
  vitnet::fail(core::exit_code::usage, "scan: {}", message);
}

// Targets from arguments, list files and stdin ("-", read once), in the order given.
net::task<std::vector<scan_target_spec>> gather(net::context& ctx,
                                                const std::vector<std::string>& args,
                                                const std::vector<std::string>& files,
                                                std::optional<std::string>& stdin_text) {
  std::vector<scan_target_spec> specs;
  std::string message;
  auto add_text = [&](const std::string& text, const std::string& origin) {
    if (!parse_scan_targets(text, specs, message))
      bad_targets(origin.empty() ? message : origin + ": " + message);
  };
  for (auto& a : args) {
    if (a == "-") {
      if (!stdin_text) stdin_text = co_await net::read_all(ctx.standard_input());
      add_text(*stdin_text, "stdin");
      continue;
    }
    auto t = parse_scan_target(a, message);
    if (!t) bad_targets(message);
    specs.push_back(std::move(*t));
  }
  for (auto& f : files) {
    if (f == "-") {
      if (!stdin_text) stdin_text = co_await net::read_all(ctx.standard_input());
      add_text(*stdin_text, "stdin");
    } else {
      add_text(core::read_file(f), f);
    }
  }
  co_return specs;
}

// A one-line bar on stderr (a terminal), redrawn ten times a second until the scan ends.
net::task<void> draw_progress(net::context& ctx, std::shared_ptr<scan_progress> p, core::io& io) {
  auto started = ctx.now();
  for (;;) {
    co_await ctx.sleep(std::chrono::milliseconds(100));
    if (p->finished) co_return;
    auto done = p->done.load(std::memory_order_relaxed);
    auto total = std::max<std::uint64_t>(1, p->planned);
    double share = static_cast<double>(done) / static_cast<double>(total);
    constexpr int width = 30;
    int filled = static_cast<int>(share * width);
    double spent = std::chrono::duration<double>(ctx.now() - started).count();
    std::string left = done ? fmt::format(", {:.1f}s left", spent / share - spent) : "";
    io.err(fmt::format("\r\033[K[{}{}] {:3.0f}% {}/{} probes, {} open{}", std::string(filled, '#'),
                       std::string(width - filled, '.'), share * 100, done, p->planned,
                       p->open.load(std::memory_order_relaxed), left));
    p->drawn = true;
  }
}

}  // namespace

net::task<int> run_scan(net::context& ctx, const scan_options& opts, core::io& io) {
  scan_options o = opts;
  if (io.json()) o.format = scan_format::json;

  std::optional<std::string> stdin_text;
  auto specs = co_await gather(ctx, o.targets, o.input_lists, stdin_text);
  auto excluded_specs = co_await gather(ctx, o.excludes, o.exclude_files, stdin_text);
  if (specs.empty()) bad_targets("no targets (give addresses, blocks, ranges or names)");

  // Names are resolved before the first probe, all of them, so a typo fails fast (68) and every
  // unknown name is reported at once.
  std::vector<scan_host> hosts;
  std::set<net::ip_address> seen;
  std::vector<std::pair<net::ip_address, net::ip_address>> excluded;
  std::optional<vitnet::error> unknown;
  for (auto& s : excluded_specs) {
    if (s.host.empty()) {
      excluded.emplace_back(s.first, s.last);
      continue;
    }
    try {
      for (auto& a : co_await ctx.resolve(s.host, std::chrono::seconds(10)))
        excluded.emplace_back(a, a);
    } catch (const vitnet::error& e) {
      if (unknown) io.error("{}", unknown->what());
      unknown = e;
    }
  }
  auto is_excluded = [&](const net::ip_address& a) {
    return std::any_of(excluded.begin(), excluded.end(), [&](auto& r) {
      return a.is_v4() == r.first.is_v4() && r.first <= a && a <= r.second;
    });
  };
  std::uint64_t addresses = 0;
  for (auto& s : specs) {
    if (!s.host.empty()) {
      try {
        auto addrs = co_await ctx.resolve(s.host, std::chrono::seconds(10));
        // The first address, as a client would connect; IPv4 first for names like localhost.
        auto pick = std::find_if(addrs.begin(), addrs.end(), [](auto& a) { return a.is_v4(); });
        auto a = pick != addrs.end() ? *pick : addrs.front();
        if (!is_excluded(a) && seen.insert(a).second) hosts.push_back({s.host, a});
      } catch (const vitnet::error& e) {
        if (unknown) io.error("{}", unknown->what());
        unknown = e;
      }
      continue;
    }
    auto n = range_size(s.first, s.last, max_addresses);
    if (!n || (addresses += *n) > max_addresses)
      bad_targets(fmt::format("too many addresses: '{}' takes the total past {} (narrow the block)",
                              s.text, max_addresses));
    for (auto a = s.first;; a = a.next()) {
      if (!is_excluded(a) && seen.insert(a).second) hosts.push_back({"", a});
      if (a == s.last) break;
    }
  }
  if (unknown) throw vitnet::error(unknown->code(), fmt::format("scan: {}", unknown->what()));
  if (hosts.empty()) bad_targets("no targets left after --exclude");
  if (o.ports.empty()) bad_targets("no ports to scan");

  auto progress = std::make_shared<scan_progress>();
  if (o.progress && !io.options().quiet) ctx.start(draw_progress(ctx, progress, io));
  auto result = co_await scan_all(ctx, o, std::move(hosts), o.ports, progress.get());
  progress->finished = true;
  if (progress->drawn) io.err("\r\033[K");
  if (result.backoffs)
    io.verbose(1, "scan: paused {} times for lack of file descriptors or ports", result.backoffs);
  if (result.self_connects)
    io.verbose(1, "scan: {} self-connect(s) on loopback classified closed", result.self_connects);
  print_scan(result, o, io);
  co_return 0;
}

}  // namespace commands

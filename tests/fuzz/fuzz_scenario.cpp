// Fuzzes the scenario parser of `vitnet test net` (TOML through toml++, then vitnet's reading of
// hosts, processes, expectations, the link and faults) and the shell-like splitting of a
// process's `run` line. Bad input may only throw vitnet::error 65 naming the file and a line; a
// scenario that loads keeps the promises the runner relies on; a command line split, quoted
// again and split once more gives the same words.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "commands/test_net/scenario.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "net/ip.hpp"

namespace {

const std::string path = "/fuzz/scenario.toml";

bool is_host(const commands::scenario& sc, const std::string& name) {
  for (const auto& h : sc.hosts)
    if (h == name) return true;
  return false;
}

void check_fault(const commands::scenario& sc, const net::fault_spec& f) {
  if (f.probability < 0 || f.probability > 1 || f.rate < 0 || f.rate > 1) std::abort();
  if (f.at.count() < 0 || (f.lasts && f.lasts->count() < 0)) std::abort();
  for (const auto* name : {&f.from, &f.to, &f.host})
    if (!name->empty() && !is_host(sc, *name)) std::abort();
  if (f.origin.rfind(path + ":", 0) != 0) std::abort();
  (void)f.describe();
  // In force from its start, for as long as it lasts.
  if (f.lasts.value_or(net::duration::max()).count() > 0 && !f.active_at(f.at)) std::abort();
  if (!f.lasts && !f.active_at(net::duration::max())) std::abort();
  if (f.at.count() > 0 && f.active_at(net::duration::zero())) std::abort();
  net::link_effect e;
  if (net::add_effect(e, f) && (e.loss < 0 || e.loss > 1 || e.latency.count() < 0)) std::abort();
}

void scenario(std::string_view text) {
  commands::scenario sc;
  try {
    sc = commands::parse_scenario(text, path, {{"port", "7000"}});
  } catch (const vitnet::error& e) {
    if (e.code() != core::exit_code::data) std::abort();
    if (std::string_view(e.what()).rfind(path + ":", 0) != 0) std::abort();
    return;
  }
  if (sc.hosts.empty() || sc.hosts.size() > 250 || sc.processes.empty()) std::abort();
  std::set<std::string> hosts(sc.hosts.begin(), sc.hosts.end()), addresses;
  if (hosts.size() != sc.hosts.size() || hosts.contains("localhost")) std::abort();
  for (const auto& h : sc.hosts) {
    if (h.empty() || net::ip_address::parse(h)) std::abort();
    auto a = sc.address_of(h);
    auto ip = net::ip_address::parse(a);
    if (!ip || !addresses.insert(a).second) std::abort();
  }
  std::set<std::string> names;
  for (const auto& p : sc.processes) {
    if (!is_host(sc, p.host) || p.argv.empty() || p.argv.front() == "test") std::abort();
    if (!names.insert(p.name).second || p.start.count() < 0) std::abort();
    const auto& x = p.expect;
    if (x.exit && (*x.exit < 0 || *x.exit > 255)) std::abort();
    if (x.running == true && (x.exit || x.within)) std::abort();
  }
  if (sc.link.loss < 0 || sc.link.loss > 1) std::abort();
  for (const auto& f : sc.faults) check_fault(sc, f);
}

void command_line(std::string_view text) {
  auto words = commands::split_command_line(text);
  if (!words) return;
  std::string again;
  for (const auto& w : *words) again += (again.empty() ? "" : " ") + core::shell_quote(w);
  if (commands::split_command_line(again) != words) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  scenario(text);
  command_line(text);
  return 0;
}

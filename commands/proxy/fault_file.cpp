#include "commands/proxy/fault_file.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/toml.hpp"

namespace commands::proxy {

using net::fault_kind;
using net::fault_spec;

std::vector<fault_spec> parse_fault_file(std::string_view text, const std::string& path) {
  toml::table doc = core::parse_toml(text, path);
  for (auto&& [key, node] : doc)
    if (key.str() != "fault")
      vitnet::fail(core::exit_code::data,
                   "{}:{}: unknown key '{}' (a fault file holds [[fault]] tables)", path,
                   node.source().begin.line, key.str());
  std::vector<fault_spec> out;
  auto* faults = doc.get("fault");
  if (!faults) return out;  // no faults: the proxy relays as it is
  auto* list = faults->as_array();
  if (!list || !list->is_array_of_tables())
    vitnet::fail(core::exit_code::data,
                 "{}:{}: 'fault' must be a list of tables, written [[fault]]", path,
                 faults->source().begin.line);
  for (auto& node : *list) {
    auto& t = *node.as_table();
    // The shared vocabulary wants a host to refuse for; a proxy refuses for its upstream.
    auto kind = t["kind"].value<std::string>();
    bool stand_in = kind == "refuse" && !t.contains("host") && !t.contains("to");
    if (stand_in) t.insert("host", "upstream");
    fault_spec f = net::parse_fault(t, path);
    if (stand_in) f.host.clear();
    if (f.kind == fault_kind::crash || f.kind == fault_kind::dns_failure)
      vitnet::fail(core::exit_code::config,
                   "{}: a proxy cannot inject a {} fault (it takes the simulated network of "
                   "'vitnet test net')",
                   f.origin, net::fault_kind_name(f.kind));
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<fault_spec> load_fault_file(const std::string& path) {
  return parse_fault_file(core::read_file(path), path);
}

}  // namespace commands::proxy

// Fuzzes the fault files of `vitnet proxy --faults FILE` (TOML through toml++, then the shared
// fault vocabulary of net::parse_fault) and what the faults that load mean on the wire. Bad
// input may only throw vitnet::error, 65 or 78, naming the file; a fault that loads has its
// probabilities between 0 and 1, no kind a proxy cannot inject, is in force from its start for
// as long as it lasts, and adds a sane effect to a link.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "commands/proxy/fault_file.hpp"
#include "core/error.hpp"

namespace {

const std::string name = "faults.toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<net::fault_spec> faults;
  try {
    faults = commands::proxy::parse_fault_file(text, name);
  } catch (const vitnet::error& e) {
    if (e.code() != core::exit_code::data && e.code() != core::exit_code::config) std::abort();
    if (std::string_view(e.what()).rfind(name + ":", 0) != 0) std::abort();
    return 0;
  }
  net::link_effect all;
  for (const auto& f : faults) {
    if (f.kind == net::fault_kind::crash || f.kind == net::fault_kind::dns_failure) std::abort();
    if (f.probability < 0 || f.probability > 1 || f.rate < 0 || f.rate > 1) std::abort();
    if (f.at.count() < 0 || (f.lasts && f.lasts->count() < 0)) std::abort();
    if (f.direction != "up" && f.direction != "down" && f.direction != "both") std::abort();
    if (f.origin.rfind(name + ":", 0) != 0 || f.describe().empty()) std::abort();
    if (f.lasts.value_or(net::duration::max()).count() > 0 && !f.active_at(f.at)) std::abort();
    if (!f.lasts && !f.active_at(net::duration::max())) std::abort();
    if (f.at.count() > 0 && f.active_at(net::duration::zero())) std::abort();
    // Effects combine as stages on one link: chances stay chances, delays stay delays.
    if (net::add_effect(all, f)) {
      for (double p : {all.loss, all.reorder, all.duplicate})
        if (!(p >= 0 && p <= 1)) std::abort();
      if (all.latency.count() < 0 || all.jitter.count() < 0 || all.fin_delay.count() < 0)
        std::abort();
    }
  }
  return 0;
}

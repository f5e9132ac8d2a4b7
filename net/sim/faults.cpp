#include "net/sim/faults.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "net/sim/objects.hpp"

namespace net::sim {

fault_injector::fault_injector(world& w, const std::vector<fault_spec>& faults, host_events events)
    : w_(w), events_(std::move(events)) {
  for (const auto& f : faults) state_.push_back({&f});
  install_hooks();
  schedule();
}

bool fault_injector::on_link(const fault_spec& f, const host& from, const host& to) const {
  if (!f.from.empty()) {
    if (f.from == from.name && f.to == to.name) return true;
    return f.both_ways && f.from == to.name && f.to == from.name;
  }
  if (!f.host.empty()) return from.name == f.host || to.name == f.host;
  return true;
}

bool fault_injector::applies(fault_state& fs, const host& from, const host& to) {
  const auto& f = *fs.spec;
  if (!f.active_at(w_.elapsed()) || !on_link(f, from, to)) return false;
  return f.probability >= 1.0 || w_.random() < f.probability;
}

void fault_injector::install_hooks() {
  w_.hooks.link = [this](const host& from, const host& to, const flow& fl,
                         link_params& p) {
    for (auto& fs : state_) {
      const auto& f = *fs.spec;
      if (!acts_on_traffic(f.kind)) continue;
      if (f.port && !fl.involves(*f.port)) continue;
      if (f.kind == fault_kind::slow_close && !fl.fin) continue;
      if (!applies(fs, from, to)) continue;
      if (add_effect(p, f)) ++fs.fired;
    }
  };
  w_.hooks.refuse = [this](const host& to, std::uint16_t port) {
    for (auto& fs : state_) {
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
  w_.hooks.on_connect = [this](connection& c) {
    for (auto& fs : state_) {
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
    for (auto& fs : state_) {
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

void fault_injector::schedule() {
  auto t0 = w_.now();
  for (auto& fs : state_) {
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

void fault_injector::reset_now(fault_state& fs) {
  const auto& f = *fs.spec;
  std::vector<connection*> hit;
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

void fault_injector::crash(fault_state& fs) {
  auto* h = w_.find(fs.spec->host);
  if (!h->up) return;
  ++fs.fired;
  h->up = false;
  w_.trace(fmt::format("crash {}", h->name));
  w_.record({.what = wire_event::kind::crash, .from = h->name, .detail = fs.spec->origin});
  if (events_.crashed) events_.crashed(h->name);
}

void fault_injector::restart(fault_state& fs) {
  auto* h = w_.find(fs.spec->host);
  if (h->up) return;
  h->up = true;
  w_.trace(fmt::format("restart {}", h->name));
  w_.record({.what = wire_event::kind::restart, .from = h->name, .detail = fs.spec->origin});
  if (events_.restarted) events_.restarted(h->name);
}

}  // namespace net::sim

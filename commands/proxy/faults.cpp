#include "commands/proxy/faults.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/units.hpp"

namespace commands::proxy {

using net::fault_kind;
using net::fault_spec;

std::optional<std::uint64_t> parse_rate(std::string_view text) {
  // One reader of rates for flags and files: the shared fault parser's.
  toml::table t{{"kind", "bandwidth"}, {"bandwidth", std::string(text)}};
  try {
    return net::parse_fault(t, "--bandwidth").bandwidth;
  } catch (const vitnet::error&) {
    return std::nullopt;
  }
}

std::vector<fault_spec> faults_from_flags(const proxy_options& o) {
  std::vector<fault_spec> out;
  auto flag = [&](fault_kind k, const char* origin) {
    fault_spec f;
    f.kind = k;
    f.probability = o.probability;
    f.direction = o.direction;
    f.origin = origin;
    return f;
  };
  if (o.latency.count() > 0 || o.jitter.count() > 0) {
    auto f = flag(fault_kind::latency, o.latency.count() > 0 ? "--latency" : "--jitter");
    f.latency = o.latency;
    f.jitter = o.jitter;
    out.push_back(f);
  }
  if (o.bandwidth > 0) {
    auto f = flag(fault_kind::bandwidth, "--bandwidth");
    f.bandwidth = o.bandwidth;
    out.push_back(f);
  }
  if (o.loss) {
    auto f = flag(fault_kind::loss, "--loss");
    f.rate = *o.loss;
    out.push_back(f);
  }
  if (o.reset_after) {
    auto f = flag(fault_kind::reset, "--reset-after");
    f.after_bytes = *o.reset_after;
    out.push_back(f);
  }
  if (o.blackhole) out.push_back(flag(fault_kind::blackhole, "--blackhole"));
  if (o.slow_close) {
    auto f = flag(fault_kind::slow_close, "--slow-close");
    f.latency = *o.slow_close;
    out.push_back(f);
  }
  return out;
}

std::string ignored_because(const fault_spec& f, bool stream) {
  if (stream && (f.kind == fault_kind::reorder || f.kind == fault_kind::duplicate))
    return fmt::format("a stream delivers bytes in order and once, so {} has no effect",
                       net::fault_kind_name(f.kind));
  if (!stream && (f.kind == fault_kind::reset || f.kind == fault_kind::slow_close))
    return fmt::format("udp has no connection, so {} has no effect", net::fault_kind_name(f.kind));
  return {};
}

std::string describe(const fault_spec& f) {
  std::string s(net::fault_kind_name(f.kind));
  switch (f.kind) {
    case fault_kind::latency:
      if (f.latency.count() > 0) s += " " + core::format_duration(f.latency);
      if (f.jitter.count() > 0) s += " jitter " + core::format_duration(f.jitter);
      break;
    case fault_kind::bandwidth:
      s += fmt::format(" {} bytes/s", f.bandwidth);
      break;
    case fault_kind::loss:
    case fault_kind::reorder:
    case fault_kind::duplicate:
      s += fmt::format(" {}", f.rate);
      break;
    case fault_kind::reset:
      if (f.graceful) s = "close";
      if (f.after_bytes && *f.after_bytes > 0) s += fmt::format(" after {} bytes", *f.after_bytes);
      if (f.after) s += " " + core::format_duration(*f.after) + " into each connection";
      break;
    case fault_kind::slow_close:
      s += " " + core::format_duration(f.latency);
      break;
    default:
      break;
  }
  if (f.direction != "both") s += " " + f.direction;
  if (f.at.count() > 0) s += " at " + core::format_duration(f.at);
  if (f.lasts) s += " for " + core::format_duration(*f.lasts);
  if (f.probability < 1.0) s += fmt::format(" with probability {}", f.probability);
  if (f.connections) s += fmt::format(" on the first {} connections", *f.connections);
  return s;
}

bool applies(const fault_spec& f, way w) {
  return f.direction == "both" || (f.direction == "up") == (w == way::up);
}

namespace {

bool is_blackhole(const fault_spec& f) {
  return f.kind == fault_kind::blackhole || f.kind == fault_kind::partition;
}

bool is_timed_reset(const fault_spec& f) {
  return f.kind == fault_kind::reset && (!f.after_bytes || *f.after_bytes == 0);
}

bool wins(double probability, rng& r) {
  if (probability >= 1.0) return true;  // no draw, so certain faults leave the sequence alone
  return std::uniform_real_distribution<double>(0.0, 1.0)(r) < probability;
}

}  // namespace

namespace {
bool refuses_all(const fault_spec& f) {
  return f.kind == fault_kind::refuse && f.probability >= 1.0 && !f.connections;
}
}  // namespace

const fault_spec* refusing_all(const std::vector<fault_spec>& all, net::duration t) {
  for (const auto& f : all)
    if (refuses_all(f) && f.active_at(t)) return &f;
  return nullptr;
}

std::optional<net::duration> next_refusal(const std::vector<fault_spec>& all, net::duration t) {
  std::optional<net::duration> next;
  for (const auto& f : all)
    if (refuses_all(f) && f.at > t && (!next || f.at < *next)) next = f.at;
  return next;
}

net::duration draw_delay(const shape& s, rng& r) {
  net::duration d = s.latency;
  if (s.jitter.count() > 0) {
    auto j = s.jitter.count();
    if (s.normal_jitter) {
      double x = std::abs(std::normal_distribution<double>(0.0, static_cast<double>(j))(r));
      d += net::duration(static_cast<std::int64_t>(std::min(x, 4.0 * static_cast<double>(j))));
    } else {
      d += net::duration(std::uniform_int_distribution<std::int64_t>(0, j)(r));
    }
  }
  return d;
}

fault_draw fault_draw::choose(const std::vector<fault_spec>& all, std::uint64_t index,
                              net::duration t, rng& r, bool per_datagram) {
  fault_draw d;
  d.per_datagram_ = per_datagram;
  for (const auto& f : all) {
    if (f.lasts && t >= f.at + *f.lasts) continue;  // over before this connection began
    if (f.connections && index > *f.connections) continue;
    // A refusal concerns a whole client, even on udp.
    bool roll_now = !per_datagram || f.kind == fault_kind::refuse;
    if (roll_now && !wins(f.probability, r)) continue;
    d.f_.push_back(f);
    if (f.after) d.f_.back().at = std::max(f.at, t) + *f.after;
  }
  return d;
}

bool fault_draw::touches(way w) const {
  for (const auto& f : f_) {
    if (!applies(f, w)) continue;
    if (net::acts_on_traffic(f.kind)) return true;
    if (f.kind == fault_kind::reset && !is_timed_reset(f)) return true;
  }
  return false;
}

shape fault_draw::at(net::duration t, way w, rng* roll) const {
  shape s;
  bool forever = false;
  for (const auto& f : f_) {
    if (!applies(f, w) || !f.active_at(t)) continue;
    if (roll && f.kind != fault_kind::refuse && !wins(f.probability, *roll)) continue;
    if (f.slice_size > 0 && (s.slice_size == 0 || f.slice_size < s.slice_size)) {
      s.slice_size = f.slice_size;
      s.slice_variation = std::min(f.slice_variation, f.slice_size - 1);
      s.slice_delay = f.slice_delay;
    }
    if (!net::add_effect(s, f)) continue;  // reset, refuse: not a property of the bytes in flight
    if (f.kind == fault_kind::partition || f.kind == fault_kind::blackhole) {
      if (!f.lasts)
        forever = true;
      else if (!s.blackhole_until || *s.blackhole_until < f.at + *f.lasts)
        s.blackhole_until = f.at + *f.lasts;
    }
    s.from.push_back(&f);
  }
  if (forever) s.blackhole_until.reset();
  return s;
}

const fault_spec* fault_draw::refused_at(net::duration t) const {
  for (const auto& f : f_)
    if (f.kind == fault_kind::refuse && f.active_at(t)) return &f;
  return nullptr;
}

const fault_spec* fault_draw::reset_at(net::duration t) const {
  for (const auto& f : f_)
    if (is_timed_reset(f) && f.active_at(t)) return &f;
  return nullptr;
}

std::vector<std::pair<net::duration, const fault_spec*>> fault_draw::resets_after(
    net::duration t) const {
  std::vector<std::pair<net::duration, const fault_spec*>> out;
  for (const auto& f : f_)
    if (is_timed_reset(f) && f.at > t) out.emplace_back(f.at, &f);
  return out;
}

const fault_spec* fault_draw::blackhole_for_good(net::duration t) const {
  if (per_datagram_) return nullptr;
  const fault_spec *up = nullptr, *down = nullptr;
  for (const auto& f : f_) {
    if (!is_blackhole(f) || f.lasts || !f.active_at(t)) continue;
    if (applies(f, way::up) && !up) up = &f;
    if (applies(f, way::down) && !down) down = &f;
  }
  return up && down ? up : nullptr;
}

std::vector<std::string> fault_draw::kinds() const {
  std::vector<std::string> out;
  for (const auto& f : f_) {
    std::string k(net::fault_kind_name(f.kind));
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

}  // namespace commands::proxy

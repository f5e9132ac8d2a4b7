#include "net/fault.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/units.hpp"

namespace net {

std::string_view fault_kind_name(fault_kind k) {
  switch (k) {
    case fault_kind::latency:
      return "latency";
    case fault_kind::loss:
      return "loss";
    case fault_kind::bandwidth:
      return "bandwidth";
    case fault_kind::reorder:
      return "reorder";
    case fault_kind::duplicate:
      return "duplicate";
    case fault_kind::partition:
      return "partition";
    case fault_kind::blackhole:
      return "blackhole";
    case fault_kind::reset:
      return "reset";
    case fault_kind::slow_close:
      return "slow_close";
    case fault_kind::crash:
      return "crash";
    case fault_kind::dns_failure:
      return "dns_failure";
    case fault_kind::refuse:
      return "refuse";
  }
  return "?";
}

bool add_effect(link_effect& e, const fault_spec& f) {
  auto either = [](double a, double b) { return 1.0 - (1.0 - a) * (1.0 - b); };
  switch (f.kind) {
    case fault_kind::latency:
      e.latency += f.latency;
      e.jitter += f.jitter;
      e.normal_jitter = e.normal_jitter || f.distribution == "normal";
      return true;
    case fault_kind::loss:
      e.loss = either(e.loss, f.rate);
      return true;
    case fault_kind::reorder:
      e.reorder = either(e.reorder, f.rate);
      return true;
    case fault_kind::duplicate:
      e.duplicate = either(e.duplicate, f.rate);
      return true;
    case fault_kind::bandwidth:
      e.bandwidth = e.bandwidth == 0 ? f.bandwidth : std::min(e.bandwidth, f.bandwidth);
      return true;
    case fault_kind::partition:
    case fault_kind::blackhole:
      e.blocked = true;
      return true;
    case fault_kind::slow_close:
      e.fin_delay += f.latency;
      return true;
    default:
      return false;
  }
}

bool acts_on_traffic(fault_kind k) {
  switch (k) {
    case fault_kind::latency:
    case fault_kind::loss:
    case fault_kind::bandwidth:
    case fault_kind::reorder:
    case fault_kind::duplicate:
    case fault_kind::partition:
    case fault_kind::blackhole:
    case fault_kind::slow_close:
      return true;
    default:
      return false;
  }
}

std::string fault_spec::describe() const {
  std::string where;
  if (!from.empty())
    where = fmt::format(" {}{}{}", from, both_ways ? "<->" : "->", to);
  else if (!to.empty())
    where = " ->" + to;
  if (!host.empty()) where += " " + host;
  if (port) where += fmt::format(":{}", *port);
  std::string when = fmt::format(" at {}", core::format_duration(at));
  if (lasts) when += fmt::format(" for {}", core::format_duration(*lasts));
  return fmt::format("{}{}{}", fault_kind_name(kind), where, when);
}

namespace {

[[noreturn]] void bad(const std::string& file, const toml::node& n, std::string_view message) {
  throw vitnet::error(core::exit_code::data,
                      fmt::format("{}:{}: {}", file, n.source().begin.line, message));
}

std::string get_string(const std::string& file, const toml::node& n, std::string_view key) {
  if (auto s = n.value<std::string>()) return *s;
  bad(file, n, fmt::format("'{}' must be a string", key));
}

duration get_duration(const std::string& file, const toml::node& n, std::string_view key) {
  auto text = get_string(file, n, key);
  auto d = core::parse_duration(text);
  if (!d) bad(file, n, fmt::format("'{}' is not a duration ('{}'; try 100ms, 2s, 1m)", text, key));
  return *d;
}

double get_probability(const std::string& file, const toml::node& n, std::string_view key) {
  double v;
  if (auto f = n.value<double>())
    v = *f;
  else
    bad(file, n, fmt::format("'{}' must be a number between 0 and 1", key));
  if (v < 0 || v > 1) bad(file, n, fmt::format("'{}' must be between 0 and 1, not {}", key, v));
  return v;
}

std::uint64_t get_count(const std::string& file, const toml::node& n, std::string_view key) {
  if (auto i = n.value_exact<std::int64_t>(); i && *i >= 0) return static_cast<std::uint64_t>(*i);
  if (auto s = n.value<std::string>()) {
    if (auto v = core::parse_size(*s)) return *v;
  }
  bad(file, n, fmt::format("'{}' must be a non-negative count or size (such as 64K)", key));
}

// "10Mbit", "1MB" (per second), or a plain number of bytes per second.
std::uint64_t get_rate(const std::string& file, const toml::node& n) {
  if (auto i = n.value_exact<std::int64_t>(); i && *i > 0) return static_cast<std::uint64_t>(*i);
  if (auto s = n.value<std::string>()) {
    std::string text = *s;
    for (const char* suffix : {"/s", "ps"})
      if (text.size() > 2 && text.ends_with(suffix)) text.resize(text.size() - 2);
    double bits_scale = 0;
    for (auto [unit, scale] :
         {std::pair{"Gbit", 1e9}, {"Mbit", 1e6}, {"Kbit", 1e3}, {"kbit", 1e3}, {"bit", 1.0}})
      if (text.ends_with(unit)) {
        bits_scale = scale;
        text.resize(text.size() - std::string_view(unit).size());
        break;
      }
    if (bits_scale > 0) {
      char* end = nullptr;
      double v = std::strtod(text.c_str(), &end);
      double bytes = v * bits_scale / 8;
      // Up to a petabyte a second: past that the figure means nothing (and would not convert).
      if (end && *end == '\0' && bytes >= 1 && bytes <= 1e15)
        return static_cast<std::uint64_t>(bytes);
    } else if (auto v = core::parse_size(text); v && *v > 0) {
      return *v;
    }
  }
  bad(file, n, "'bandwidth' must be a rate such as 10Mbit, 1MB or a number of bytes per second");
}

const std::set<std::string_view> known_keys = {
    "kind",         "from", "to",          "between",     "host",    "port",
    "at",           "for",  "probability", "connections", "latency", "jitter",
    "distribution", "rate", "bandwidth",   "after_bytes", "mode",    "direction"};

}  // namespace

fault_spec parse_fault(const toml::table& t, const std::string& file) {
  fault_spec f;
  f.origin = fmt::format("{}:{}", file, t.source().begin.line);
  for (auto&& [k, v] : t)
    if (!known_keys.count(k.str()))
      bad(file, v,
          fmt::format("unknown key '{}' in a fault (known: kind, from, to, between, host, "
                      "port, at, for, probability, connections, latency, jitter, "
                      "distribution, rate, bandwidth, after_bytes, mode, direction)",
                      k.str()));
  const toml::node* kind = t.get("kind");
  if (!kind)
    throw vitnet::error(core::exit_code::data, fmt::format("{}: a fault needs a 'kind'", f.origin));
  std::string name = get_string(file, *kind, "kind");
  bool found = false;
  for (int i = 0; i <= static_cast<int>(fault_kind::refuse); ++i)
    if (fault_kind_name(static_cast<fault_kind>(i)) == name)
      f.kind = static_cast<fault_kind>(i), found = true;
  if (!found)
    bad(file, *kind,
        fmt::format("unknown fault kind '{}' (known: latency, loss, bandwidth, reorder, "
                    "duplicate, partition, blackhole, reset, slow_close, crash, "
                    "dns_failure, refuse)",
                    name));

  if (auto* n = t.get("between")) {
    auto* arr = n->as_array();
    if (!arr || arr->size() != 2 || !(*arr)[0].is_string() || !(*arr)[1].is_string())
      bad(file, *n, "'between' must be a list of two host names");
    f.from = *(*arr)[0].value<std::string>();
    f.to = *(*arr)[1].value<std::string>();
    f.both_ways = true;
  }
  if (auto* n = t.get("from")) f.from = get_string(file, *n, "from"), f.both_ways = false;
  if (auto* n = t.get("to")) f.to = get_string(file, *n, "to"), f.both_ways = t.contains("between");
  if (t.contains("between") && (t.contains("from") || t.contains("to")))
    bad(file, *t.get("between"), "use either 'between' or 'from' and 'to', not both");
  if (auto* n = t.get("host")) f.host = get_string(file, *n, "host");
  if (auto* n = t.get("port")) {
    auto p = n->value_exact<std::int64_t>();
    // A string of digits too: what a scenario's "${port.NAME}" becomes.
    if (auto text = n->value_exact<std::string>();
        text && !text->empty() && text->size() <= 5 &&
        text->find_first_not_of("0123456789") == std::string::npos)
      p = std::stoll(*text);
    if (!p || *p < 1 || *p > 65535) bad(file, *n, "'port' must be a number from 1 to 65535");
    f.port = static_cast<std::uint16_t>(*p);
  }
  if (auto* n = t.get("at")) f.at = get_duration(file, *n, "at");
  if (auto* n = t.get("for")) f.lasts = get_duration(file, *n, "for");
  if (auto* n = t.get("probability")) f.probability = get_probability(file, *n, "probability");
  if (auto* n = t.get("connections")) f.connections = get_count(file, *n, "connections");
  if (auto* n = t.get("latency")) f.latency = get_duration(file, *n, "latency");
  if (auto* n = t.get("jitter")) f.jitter = get_duration(file, *n, "jitter");
  if (auto* n = t.get("distribution")) {
    f.distribution = get_string(file, *n, "distribution");
    if (f.distribution != "uniform" && f.distribution != "normal")
      bad(file, *n, "'distribution' must be \"uniform\" or \"normal\"");
  }
  if (auto* n = t.get("rate")) f.rate = get_probability(file, *n, "rate");
  if (auto* n = t.get("bandwidth")) f.bandwidth = get_rate(file, *n);
  if (auto* n = t.get("after_bytes")) f.after_bytes = get_count(file, *n, "after_bytes");
  if (auto* n = t.get("mode")) {
    f.mode = get_string(file, *n, "mode");
    if (f.mode != "error" && f.mode != "timeout")
      bad(file, *n, "'mode' must be \"error\" or \"timeout\"");
  }
  if (auto* n = t.get("direction")) {
    f.direction = get_string(file, *n, "direction");
    if (f.direction != "up" && f.direction != "down" && f.direction != "both")
      bad(file, *n, "'direction' must be \"up\", \"down\" or \"both\"");
  }

  // What each kind needs.
  auto need = [&](bool ok, std::string_view what) {
    if (!ok)
      throw vitnet::error(core::exit_code::data,
                          fmt::format("{}: a {} fault needs {}", f.origin, name, what));
  };
  switch (f.kind) {
    case fault_kind::latency:
      need(f.latency.count() > 0 || f.jitter.count() > 0, "'latency' or 'jitter'");
      break;
    case fault_kind::loss:
    case fault_kind::reorder:
    case fault_kind::duplicate:
      need(t.contains("rate"), "'rate' (a probability from 0 to 1)");
      break;
    case fault_kind::bandwidth:
      need(f.bandwidth > 0, "'bandwidth'");
      break;
    case fault_kind::reset:
      break;  // after_bytes, or at `at`
    case fault_kind::crash:
    case fault_kind::dns_failure:
      need(!f.host.empty(), "'host'");
      break;
    case fault_kind::refuse:
      need(!f.host.empty() || !f.to.empty(), "'host'");
      break;
    case fault_kind::slow_close:
      need(f.latency.count() > 0, "'latency' (how long the close is held)");
      break;
    case fault_kind::partition:
    case fault_kind::blackhole:
      break;
  }
  return f;
}

}  // namespace net

#include "commands/proxy/toxics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace commands::proxy {

namespace {

using net::fault_kind;
using namespace std::chrono;

struct attribute {
  std::string_view name;
  bool fraction = false;  ///< a number from 0 to 1 (else a whole number ≥ 0)
};

struct type_info {
  std::string_view name;
  std::vector<attribute> attributes;
};

const std::vector<type_info>& types() {
  static const std::vector<type_info> all = {
      {"latency", {{"latency"}, {"jitter"}}},
      {"bandwidth", {{"rate"}}},
      {"slow_close", {{"delay"}}},
      {"timeout", {{"timeout"}}},
      {"reset_peer", {{"timeout"}}},
      {"slicer", {{"average_size"}, {"size_variation"}, {"delay"}}},
      {"limit_data", {{"bytes"}}},
      // vitnet's own
      {"loss", {{"rate", true}}},
      {"reset_after", {{"bytes"}}},
  };
  return all;
}

const type_info* find_type(std::string_view name) {
  for (const auto& t : types())
    if (t.name == name) return &t;
  return nullptr;
}

std::int64_t whole(const nlohmann::ordered_json& attrs, std::string_view name) {
  auto it = attrs.find(std::string(name));
  return it != attrs.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

const std::vector<std::string_view>& toxic_types() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> n;
    for (const auto& t : types()) n.push_back(t.name);
    return n;
  }();
  return names;
}

std::optional<nlohmann::ordered_json> toxic_defaults(std::string_view type) {
  const auto* t = find_type(type);
  if (!t) return std::nullopt;
  nlohmann::ordered_json a = nlohmann::ordered_json::object();
  for (const auto& at : t->attributes) {
    if (at.fraction)
      a[std::string(at.name)] = 0.0;
    else
      a[std::string(at.name)] = 0;
  }
  return a;
}

std::optional<std::string> set_attributes(toxic& t, const nlohmann::json& given) {
  const auto* info = find_type(t.type);
  if (!info) return std::string("invalid toxic type");
  if (given.is_null()) return std::nullopt;
  if (!given.is_object()) return std::string("bad request body: attributes must be an object");
  auto attrs = t.attributes.is_object() ? t.attributes : *toxic_defaults(t.type);
  for (const auto& a : info->attributes) {
    auto it = given.find(std::string(a.name));
    if (it == given.end()) continue;
    if (a.fraction) {
      if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1)
        return fmt::format("bad request body: attribute '{}' must be a number from 0 to 1", a.name);
      attrs[std::string(a.name)] = it->get<double>();
    } else {
      // toxiproxy's attributes are integers: 1.5 is refused there too.
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
        return fmt::format("bad request body: attribute '{}' must be a whole number, 0 or more",
                           a.name);
      attrs[std::string(a.name)] = it->get<std::int64_t>();
    }
  }
  // Durations beyond a day and sizes beyond a terabyte are mistakes, not tests.
  for (const auto& a : info->attributes) {
    if (a.fraction) continue;
    auto v = whole(attrs, a.name);
    bool micro = t.type == "slicer" && a.name == "delay";
    bool size = a.name == "bytes" || a.name == "average_size" || a.name == "size_variation" ||
                a.name == "rate";
    std::int64_t limit = size    ? (std::int64_t{1} << 40)
                         : micro ? std::int64_t{86400} * 1000000
                                 : std::int64_t{86400} * 1000;
    if (v > limit)
      return fmt::format("bad request body: attribute '{}' is too large ({} at most)", a.name,
                         limit);
  }
  t.attributes = std::move(attrs);
  return std::nullopt;
}

std::vector<net::fault_spec> toxic_faults(const toxic& t, net::duration at) {
  net::fault_spec f;
  f.at = at;
  f.probability = std::clamp(t.toxicity, 0.0, 1.0);
  f.direction = t.stream == "upstream" ? "up" : "down";
  f.origin = fmt::format("toxic {}", t.name);
  const auto& a = t.attributes;
  auto ms = [&](std::string_view name) {
    return duration_cast<net::duration>(milliseconds(whole(a, name)));
  };
  std::vector<net::fault_spec> out;
  if (t.type == "latency") {
    // toxiproxy's jitter spreads each delay over latency ± jitter; vitnet's adds 0..jitter.
    auto latency = ms("latency"), jitter = ms("jitter");
    f.kind = fault_kind::latency;
    f.latency = std::max(net::duration(0), latency - jitter);
    f.jitter = std::min(latency, jitter) + jitter;
    out.push_back(f);
  } else if (t.type == "bandwidth") {
    // rate is in KB/s, a KB being 1000 bytes (toxiproxy's: bytes per millisecond); 0 passes
    // everything at once.
    if (whole(a, "rate") > 0) {
      f.kind = fault_kind::bandwidth;
      f.bandwidth = static_cast<std::uint64_t>(whole(a, "rate")) * 1000;
      out.push_back(f);
    }
  } else if (t.type == "slow_close") {
    f.kind = fault_kind::slow_close;
    f.latency = ms("delay");
    out.push_back(f);
  } else if (t.type == "timeout") {
    // Nothing gets through; after `timeout` (never, when 0) the connection is closed.
    f.kind = fault_kind::blackhole;
    out.push_back(f);
    if (whole(a, "timeout") > 0) {
      net::fault_spec close = f;
      close.kind = fault_kind::reset;
      close.direction = "both";
      close.after = ms("timeout");
      close.graceful = true;
      out.push_back(close);
    }
  } else if (t.type == "reset_peer") {
    f.kind = fault_kind::reset;
    f.direction = "both";
    f.after = ms("timeout");
    out.push_back(f);
  } else if (t.type == "slicer") {
    if (whole(a, "average_size") > 0) {
      f.kind = fault_kind::latency;  // no delay of its own: only the slicing
      f.slice_size = static_cast<std::uint64_t>(whole(a, "average_size"));
      f.slice_variation = static_cast<std::uint64_t>(whole(a, "size_variation"));
      f.slice_delay = duration_cast<net::duration>(microseconds(whole(a, "delay")));
      out.push_back(f);
    }
  } else if (t.type == "limit_data" || t.type == "reset_after") {
    // Closes (limit_data) or resets (reset_after) once this many bytes went this way; 0 is no
    // limit for limit_data, as in toxiproxy.
    if (whole(a, "bytes") > 0) {
      f.kind = fault_kind::reset;
      f.after_bytes = static_cast<std::uint64_t>(whole(a, "bytes"));
      f.graceful = t.type == "limit_data";
      out.push_back(f);
    }
  } else if (t.type == "loss") {
    f.kind = fault_kind::loss;
    auto it = a.find("rate");
    f.rate = it != a.end() && it->is_number() ? it->get<double>() : 0.0;
    if (f.rate > 0) out.push_back(f);
  }
  return out;
}

}  // namespace commands::proxy

#include "commands/dns/faults.hpp"

#include <fmt/format.h>

#include <charconv>

namespace commands::dns {

namespace pd = proto::dns;

bool fault_rule::matches(const pd::name& qname, std::uint16_t t) const {
  if (qtype && *qtype != t) return false;
  if (!name) return true;
  if (below) return qname.is_subdomain_of(*name) && !(qname == *name);
  return qname == *name;
}

namespace {

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<fault_rule> parse_fault(std::string_view text, std::string& error,
                                      const pd::name* origin) {
  fault_rule r;
  r.text = std::string(text);
  std::string_view actions = text;
  if (auto eq = text.find('='); eq != std::string_view::npos) {
    std::string_view who = text.substr(0, eq);
    actions = text.substr(eq + 1);
    if (auto slash = who.find('/'); slash != std::string_view::npos) {
      auto t = pd::type_from_name(who.substr(slash + 1));
      if (!t) {
        error = fmt::format("unknown record type '{}'", who.substr(slash + 1));
        return std::nullopt;
      }
      r.qtype = *t;
      who = who.substr(0, slash);
    }
    if (who.starts_with("*.")) {
      r.below = true;
      who.remove_prefix(2);
    }
    if (who.empty() || who == "*") {
      r.name.reset();
      r.below = false;
    } else {
      std::string absolute(who);
      if (!origin && !absolute.ends_with('.')) absolute += '.';
      auto n = pd::name::parse(absolute, origin);
      if (!n) {
        error = fmt::format("'{}' is not a domain name", who);
        return std::nullopt;
      }
      r.name = *n;
    }
  }
  if (actions.empty()) {
    error = "no action (servfail, refused, nxdomain, rcode:N, delay:DURATION, truncate, drop)";
    return std::nullopt;
  }
  bool acted = false;
  while (!actions.empty()) {
    auto comma = actions.find(',');
    std::string_view a = actions.substr(0, comma);
    actions = comma == std::string_view::npos ? std::string_view{} : actions.substr(comma + 1);
    std::string lower(a);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "servfail" || lower == "refused" || lower == "nxdomain" || lower == "formerr" ||
        lower == "notimp") {
      r.rcode = pd::rcode_from_name(lower);
      acted = true;
    } else if (lower.starts_with("rcode:")) {
      auto name = lower.substr(6);
      auto rc = pd::rcode_from_name(name);
      if (!rc) {
        auto v = parse_number(name);
        if (v && *v >= 0 && *v <= 4095 && *v == static_cast<int>(*v))
          rc = static_cast<std::uint16_t>(*v);
      }
      if (!rc) {
        error = fmt::format("unknown rcode '{}'", a.substr(6));
        return std::nullopt;
      }
      r.rcode = *rc;
      acted = true;
    } else if (lower.starts_with("delay:")) {
      auto d = core::parse_duration(lower.substr(6));
      if (!d || *d > std::chrono::minutes(10)) {
        error = fmt::format("bad delay '{}' (a duration up to 10m)", a.substr(6));
        return std::nullopt;
      }
      r.delay = *d;
      acted = true;
    } else if (lower == "truncate" || lower == "tc") {
      r.truncate = true;
      acted = true;
    } else if (lower == "drop" || lower == "timeout") {
      r.drop = true;
      acted = true;
    } else if (lower.ends_with('%') || lower.starts_with("p:")) {
      auto v = lower.ends_with('%') ? parse_number(lower.substr(0, lower.size() - 1))
                                    : parse_number(lower.substr(2));
      if (v && lower.ends_with('%')) *v /= 100;
      if (!v || *v < 0 || *v > 1) {
        error = fmt::format("bad probability '{}' (0% to 100%, or p:0 to p:1)", a);
        return std::nullopt;
      }
      r.probability = *v;
    } else {
      error = fmt::format(
          "unknown action '{}' (servfail, refused, nxdomain, formerr, notimp, rcode:N, "
          "delay:DURATION, truncate, drop, N%)",
          a);
      return std::nullopt;
    }
  }
  if (!acted) {
    error = "a probability needs an action to apply";
    return std::nullopt;
  }
  return r;
}

}  // namespace commands::dns

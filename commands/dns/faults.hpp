#pragma once
// Failures `serve dns` injects: an rcode, a delay, a truncated answer, no answer at all, for
// every query or for some names and types, each with a probability.
//
// A rule as written after --fault: [NAME[/TYPE]=]ACTION[,ACTION...], where NAME is a name
// ("flaky.test"), or "*.test" for every name below test, and ACTION is one of servfail, refused,
// nxdomain, formerr, notimp, rcode:N, delay:DURATION, truncate, drop, or a probability written
// as 50% or p:0.5. Examples: "servfail", "slow.test=delay:300ms", "*.flaky.test/AAAA=refused,30%".
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/units.hpp"
#include "proto/dns/message.hpp"

namespace commands::dns {

struct fault_rule {
  std::optional<proto::dns::name> name;  ///< none: every name
  bool below = false;                    ///< "*.NAME": names under NAME, not NAME itself
  std::optional<std::uint16_t> qtype;
  std::optional<std::uint16_t> rcode;
  core::duration delay{};
  bool truncate = false, drop = false;
  double probability = 1.0;
  std::string text;  ///< as written, for the query log

  bool matches(const proto::dns::name& qname, std::uint16_t qtype) const;
};

/// Parses a rule; on failure nullopt and `error` says what is wrong. NAME is absolute ("x.test"
/// is x.test.), or, given an `origin` (a records file's), relative to it unless it ends in a dot.
std::optional<fault_rule> parse_fault(std::string_view text, std::string& error,
                                      const proto::dns::name* origin = nullptr);

}  // namespace commands::dns

#pragma once
// What `serve dns` answers from: the records of --records FILE (a zone file, a hosts file, or
// TOML), with wildcards and CNAME chains, and the faults the file asks for.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "commands/dns/faults.hpp"
#include "proto/dns/message.hpp"

namespace commands::dns {

/// An answer from the records: rcode, and the sections' records.
struct local_answer {
  std::uint16_t rcode = proto::dns::rcode::noerror;
  std::vector<proto::dns::record> answers, authority, additional;
  /// A referral: the name is below a zone cut (NS records, not at a zone's apex), so the answer
  /// is the cut's NS records and their addresses, not authoritative.
  bool referral = false;
};

class record_set {
 public:
  /// Reads FILE: TOML when it ends in .toml, a hosts file when its first entry starts with an
  /// address, else a zone file. Throws vitnet::error: 66 missing, 65 "FILE:LINE: what".
  static record_set load(const std::string& path);
  /// From text already read (`path` only names it in errors).
  static record_set from_text(std::string_view text, const std::string& path);

  void add(proto::dns::record r);

  /// The answer to a question, or nullopt when the name is outside everything held here (no
  /// record at or below it, no zone apex above it): for --upstream, or NXDOMAIN.
  std::optional<local_answer> lookup(const proto::dns::name& qname, std::uint16_t qtype) const;

  std::size_t size() const { return count_; }
  const std::vector<fault_rule>& faults() const { return faults_; }
  /// "zone", "hosts" or "toml".
  const std::string& format() const { return format_; }

 private:
  struct node {
    std::vector<proto::dns::record> records;
  };
  const node* find(const proto::dns::name& n) const;
  bool exists(const proto::dns::name& n) const;
  const proto::dns::record* zone_soa(const proto::dns::name& n) const;
  // The highest zone cut at or above `n` inside a zone held here: its name, if any.
  std::optional<proto::dns::name> zone_cut(const proto::dns::name& n) const;
  // Answers from one node for `owner` (the query name; a wildcard's records take it).
  void answer_from(const node& nd, const proto::dns::name& owner, std::uint16_t qtype,
                   local_answer& out, int depth) const;

  std::unordered_map<std::string, node> nodes_;  // by name::key()
  std::unordered_set<std::string> between_;      // names with records only below them
  std::vector<proto::dns::record> soas_;
  // Owners of NS records that are not a zone's apex: the only places a zone cut can be. Most
  // record sets have none, and then no question pays for looking.
  std::unordered_set<std::string> cut_candidates_;
  std::vector<fault_rule> faults_;
  std::size_t count_ = 0;
  std::string format_ = "zone";
};

}  // namespace commands::dns

#include "commands/dns/records.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/toml.hpp"
#include "net/cidr_math.hpp"
#include "net/ip.hpp"
#include "proto/dns/zone.hpp"

namespace commands::dns {

namespace pd = proto::dns;

namespace {

[[noreturn]] void bad(const std::string& path, std::size_t line, std::string_view what) {
  if (line == 0) vitnet::fail(core::exit_code::data, "{}: {}", path, what);
  vitnet::fail(core::exit_code::data, "{}:{}: {}", path, line, what);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// A hosts file's first entry starts with an address; a zone file's never does (owners are
// names, and an address is not a valid owner in the files people write).
bool looks_like_hosts(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    auto line = trim(text.substr(pos, end == std::string_view::npos ? text.npos : end - pos));
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    auto f = fields(line);
    return !f.empty() && net::ip_address::parse(f[0]).has_value();
  }
  return false;
}

}  // namespace

void record_set::add(pd::record r) {
  if (r.type == pd::type::soa) soas_.push_back(r);
  // Every name between this one and the root exists (as an empty non-terminal at least), so a
  // question for it is NODATA, not NXDOMAIN.
  for (auto p = r.owner.parent(); !p.is_root(); p = p.parent()) {
    if (!between_.insert(p.key()).second) break;
  }
  auto key = r.owner.key();
  auto& nd = nodes_[key];
  for (auto& have : nd.records)
    if (have.type == r.type && have.data == r.data && have.rclass == r.rclass) return;
  if (r.type == pd::type::soa) cut_candidates_.erase(key);
  if (r.type == pd::type::ns &&
      std::none_of(nd.records.begin(), nd.records.end(),
                   [](const pd::record& x) { return x.type == pd::type::soa; }))
    cut_candidates_.insert(key);
  nd.records.push_back(std::move(r));
  ++count_;
}

record_set record_set::load(const std::string& path) {
  auto text = core::read_file(path);
  return from_text(text, path);
}

record_set record_set::from_text(std::string_view text, const std::string& path) {
  record_set rs;
  if (path.ends_with(".toml")) {
    rs.format_ = "toml";
    auto doc = core::parse_toml(text, path);
    pd::zone_options zo;
    if (auto o = doc["origin"].value<std::string>()) {
      std::string absolute = *o;
      if (!absolute.ends_with('.')) absolute += '.';
      auto n = pd::name::parse(absolute);
      if (!n) bad(path, 0, fmt::format("origin '{}' is not a domain name", *o));
      zo.origin = *n;
    }
    if (auto t = doc["ttl"].value<std::int64_t>()) {
      if (*t < 0 || *t > 0x7fffffff) bad(path, 0, "ttl is out of range 0-2147483647");
      zo.default_ttl = static_cast<std::uint32_t>(*t);
    }
    if (auto* recs = doc["record"].as_array()) {
      std::size_t i = 0;
      for (auto& item : *recs) {
        ++i;
        auto* t = item.as_table();
        if (!t) bad(path, 0, fmt::format("record {}: not a table", i));
        auto name = (*t)["name"].value<std::string>();
        auto type = (*t)["type"].value<std::string>();
        auto data = (*t)["data"].value<std::string>();
        if (!name || !type || !data)
          bad(path, t->source().begin.line, fmt::format("record {}: give name, type and data", i));
        std::int64_t ttl = (*t)["ttl"].value<std::int64_t>().value_or(zo.default_ttl);
        std::string line = fmt::format("{} {} IN {} {}", *name, ttl, *type, *data);
        pd::zone_options one = zo;
        auto z = pd::parse_zone(line, one);
        if (!z.error.empty() || z.records.size() != 1)
          bad(path, t->source().begin.line,
              fmt::format("record {}: {}", i, z.error.empty() ? "not one record" : z.error));
        rs.add(std::move(z.records.front()));
      }
    }
    if (auto* faults = doc["faults"].as_array()) {
      for (auto& item : *faults) {
        auto s = item.value<std::string>();
        if (!s) bad(path, item.source().begin.line, "faults: give rule strings");
        std::string err;
        auto f = parse_fault(*s, err, &zo.origin);
        if (!f) bad(path, item.source().begin.line, fmt::format("fault '{}': {}", *s, err));
        rs.faults_.push_back(std::move(*f));
      }
    }
    for (auto& [k, v] : doc)
      if (k != "origin" && k != "ttl" && k != "record" && k != "faults")
        bad(path, v.source().begin.line,
            fmt::format("unknown key '{}' (origin, ttl, record, faults)", k.str()));
    return rs;
  }
  if (looks_like_hosts(text)) {
    // A hosts file: "ADDRESS NAME [ALIAS...]", each name getting the address (A or AAAA) and
    // the address its first name back (PTR), as /etc/hosts does for the system resolver.
    rs.format_ = "hosts";
    std::size_t pos = 0, line_no = 0;
    while (pos < text.size()) {
      auto end = text.find('\n', pos);
      auto line = text.substr(pos, end == std::string_view::npos ? text.npos : end - pos);
      pos = end == std::string_view::npos ? text.size() : end + 1;
      ++line_no;
      if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
      auto f = fields(trim(line));
      if (f.empty()) continue;
      auto ip = net::ip_address::parse(f[0]);
      if (!ip) bad(path, line_no, fmt::format("'{}' is not an IPv4 or IPv6 address", f[0]));
      if (f.size() < 2) bad(path, line_no, fmt::format("no name for {}", f[0]));
      auto addr = ip->unmap();
      for (std::size_t i = 1; i < f.size(); ++i) {
        std::string absolute(f[i]);
        if (!absolute.ends_with('.')) absolute += '.';
        auto n = pd::name::parse(absolute);
        if (!n) bad(path, line_no, fmt::format("'{}' is not a host name", f[i]));
        pd::record r;
        r.owner = *n;
        r.ttl = 60;
        r.type = addr.is_v4() ? pd::type::a : pd::type::aaaa;
        r.data.assign(reinterpret_cast<const char*>(addr.bytes().data()), addr.is_v4() ? 4 : 16);
        rs.add(r);
        if (i == 1) {
          pd::record ptr;
          ptr.owner = *pd::name::parse(net::reverse_pointer(addr) + ".");
          ptr.ttl = 60;
          ptr.type = pd::type::ptr;
          ptr.data = n->wire();
          rs.add(std::move(ptr));
        }
      }
    }
    return rs;
  }
  auto z = pd::parse_zone(text);
  if (!z.error.empty()) bad(path, z.line, z.error);
  for (auto& r : z.records) rs.add(std::move(r));
  return rs;
}

const record_set::node* record_set::find(const pd::name& n) const {
  auto it = nodes_.find(n.key());
  return it == nodes_.end() ? nullptr : &it->second;
}

bool record_set::exists(const pd::name& n) const {
  return find(n) || between_.count(n.key());
}

const pd::record* record_set::zone_soa(const pd::name& n) const {
  const pd::record* best = nullptr;
  for (auto& s : soas_)
    if (n.is_subdomain_of(s.owner) && (!best || s.owner.label_count() > best->owner.label_count()))
      best = &s;
  return best;
}

void record_set::answer_from(const node& nd, const pd::name& owner, std::uint16_t qtype,
                             local_answer& out, int depth) const {
  const pd::record* cname = nullptr;
  bool any = false;
  for (auto& r : nd.records) {
    if (r.type == qtype || qtype == pd::type::any) {
      auto copy = r;
      copy.owner = owner;
      out.answers.push_back(std::move(copy));
      any = true;
    } else if (r.type == pd::type::cname) {
      cname = &r;
    }
  }
  if (any || !cname) {
    if (!any) {
      if (auto* soa = zone_soa(owner)) out.authority.push_back(*soa);
    }
    return;
  }
  auto copy = *cname;
  copy.owner = owner;
  out.answers.push_back(copy);
  // Follow the chain through the names held here (RFC 1034 section 4.3.2); a target elsewhere
  // is the client's to chase. Eight links at most: a longer chain is a loop.
  auto target = pd::name::from_wire(cname->data);
  if (!target || depth >= 8) return;
  if (auto* next = find(*target)) {
    answer_from(*next, *target, qtype, out, depth + 1);
    return;
  }
  if (!exists(*target)) {
    if (auto* soa = zone_soa(*target)) {
      out.rcode = pd::rcode::nxdomain;
      out.authority.push_back(*soa);
    }
  }
}

std::optional<pd::name> record_set::zone_cut(const pd::name& n) const {
  if (soas_.empty() || cut_candidates_.empty()) return std::nullopt;
  std::optional<pd::name> cut;
  for (auto p = n; !p.is_root(); p = p.parent()) {
    auto* nd = find(p);
    if (!nd) continue;
    bool ns = false, apex = false;
    for (auto& r : nd->records) {
      ns = ns || r.type == pd::type::ns;
      apex = apex || r.type == pd::type::soa;
    }
    if (apex) break;  // the zone's own NS records are not a cut, nor is anything above
    if (ns && zone_soa(p)) cut = p;
  }
  return cut;
}

std::optional<local_answer> record_set::lookup(const pd::name& qname, std::uint16_t qtype) const {
  local_answer out;
  // Below a zone cut the data is the child zone's: refer the client to its name servers, with
  // their addresses when held here (glue). A DS question at the cut itself is the parent's.
  if (auto cut = zone_cut(qname); cut && !(qtype == pd::type::ds && *cut == qname)) {
    out.referral = true;
    for (auto& r : find(*cut)->records) {
      if (r.type != pd::type::ns) continue;
      out.authority.push_back(r);
      auto target = pd::name::from_wire(r.data);
      if (!target) continue;
      if (auto* glue = find(*target))
        for (auto& g : glue->records)
          if (g.type == pd::type::a || g.type == pd::type::aaaa) out.additional.push_back(g);
    }
    return out;
  }
  if (auto* nd = find(qname)) {
    answer_from(*nd, qname, qtype, out, 0);
    return out;
  }
  // A wildcard answers at the closest encloser only (RFC 4592): the nearest ancestor that
  // exists decides, with its "*" child or without.
  if (!between_.count(qname.key())) {
    for (auto p = qname.parent();; p = p.parent()) {
      if (exists(p) || p.is_root()) {
        if (auto star = p.prepend("*")) {
          if (auto* wild = find(*star)) {
            answer_from(*wild, qname, qtype, out, 0);
            return out;
          }
        }
        break;
      }
    }
  } else {
    // An empty non-terminal: the name exists, with no records of its own.
    if (auto* soa = zone_soa(qname)) out.authority.push_back(*soa);
    return out;
  }
  if (auto* soa = zone_soa(qname)) {
    out.rcode = pd::rcode::nxdomain;
    out.authority.push_back(*soa);
    return out;
  }
  return std::nullopt;
}

}  // namespace commands::dns

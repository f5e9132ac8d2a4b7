#include "commands/ip/describe.hpp"

#include <fmt/format.h>

namespace commands {

namespace {

using json = nlohmann::ordered_json;

std::string_view type_name(ip_argument_kind k) {
  switch (k) {
    case ip_argument_kind::address:
      return "address";
    case ip_argument_kind::network:
      return "network";
    case ip_argument_kind::range:
      return "range";
    case ip_argument_kind::endpoint:
      return "endpoint";
  }
  return "address";
}

std::string category_text(const net::cidr& block, net::ip_category c) {
  bool v6 = block.first().is_v6();
  switch (c) {
    case net::ip_category::global_unicast:
      return "global unicast";
    case net::ip_category::private_use:
      return v6 ? "private (unique local, fc00::/7)" : "private (RFC 1918)";
    case net::ip_category::shared:
      return "shared (carrier-grade NAT, RFC 6598)";
    case net::ip_category::link_local:
      return "link-local";
    case net::ip_category::mixed:
      return "mixed (spans blocks of different kinds)";
    default:
      return std::string(net::category_name(c));
  }
}

void line(std::string& s, std::string_view label, std::string_view value) {
  s += fmt::format("  {:<13} {}\n", label, value);
}

json or_null(const std::optional<net::ip_address>& a) {
  return a ? json(a->to_string()) : json(nullptr);
}

}  // namespace

std::string describe_text(const ip_argument& a) {
  std::string s;
  if (a.kind == ip_argument_kind::range) {
    for (const auto& c : net::range_to_cidrs(a.range)) s += c.to_string() + "\n";
    return s;
  }
  auto block = a.block();
  bool v6 = a.address.is_v6();
  auto cls = net::classify(block);
  s += a.text + "\n";
  line(s, "version", v6 ? "6" : "4");
  line(s, "address", a.address.to_string());
  if (a.port) {
    line(s, "port", fmt::format("{}", *a.port));
    line(s, "endpoint", net::join_host_port(a.address.to_string(), *a.port));
  }
  if (a.kind == ip_argument_kind::network) {
    auto hosts = net::usable_hosts(block);
    line(s, "network", block.to_string());
    line(s, "prefix", fmt::format("{}", block.prefix()));
    line(s, "netmask", net::netmask(block.prefix(), v6).to_string());
    if (!v6) line(s, "hostmask", net::hostmask(block.prefix(), v6).to_string());
    if (auto b = net::broadcast(block)) line(s, "broadcast", b->to_string());
    line(s, "first host", hosts.first.to_string());
    line(s, "last host", hosts.last.to_string());
    line(s, "hosts", net::range_size(hosts));
    line(s, "size", net::block_size(block));
    line(s, "reverse zone", net::reverse_zone(block));
  } else {
    line(s, "reverse dns", net::reverse_pointer(a.address));
  }
  // A mapped address is of its IPv4 address's kind, so the words are IPv4's too.
  line(s, "category", category_text(cls.ipv4_mapped ? *cls.ipv4_mapped : block, cls.category));
  if (cls.ipv4_mapped)
    line(s, "ipv4-mapped",
         a.kind == ip_argument_kind::network ? cls.ipv4_mapped->to_string()
                                             : cls.ipv4_mapped->first().to_string());
  return s;
}

json describe_json(const ip_argument& a) {
  bool v6 = a.address.is_v6();
  bool range = a.kind == ip_argument_kind::range;
  json j{{"type", type_name(a.kind)}, {"input", a.text}, {"version", v6 ? 6 : 4}};
  for (const char* key : {"address", "port", "endpoint", "network", "prefix", "netmask", "hostmask",
                          "broadcast", "first_host", "last_host", "host_count"})
    j[key] = nullptr;
  j["size"] = net::range_size(a.range);
  j["first"] = a.range.first.to_string();
  j["last"] = a.range.last.to_string();
  json networks = json::array();
  auto blocks = net::range_to_cidrs(a.range);
  for (const auto& c : blocks) networks.push_back(c.to_string());
  j["networks"] = std::move(networks);
  if (range) {
    // A range is of one kind when all its blocks are.
    auto category = net::classify(blocks.front()).category;
    for (const auto& c : blocks)
      if (net::classify(c).category != category) category = net::ip_category::mixed;
    j["reverse_dns"] = nullptr;
    j["reverse_zone"] = nullptr;
    j["category"] = net::category_name(category);
    j["ipv4_mapped"] = nullptr;
    return j;
  }
  auto block = a.block();
  auto hosts = net::usable_hosts(block);
  auto cls = net::classify(block);
  j["address"] = a.address.to_string();
  if (a.port) {
    j["port"] = *a.port;
    j["endpoint"] = net::join_host_port(a.address.to_string(), *a.port);
  }
  j["network"] = block.to_string();
  j["prefix"] = block.prefix();
  j["netmask"] = net::netmask(block.prefix(), v6).to_string();
  if (!v6) j["hostmask"] = net::hostmask(block.prefix(), v6).to_string();
  j["broadcast"] = or_null(net::broadcast(block));
  j["first_host"] = hosts.first.to_string();
  j["last_host"] = hosts.last.to_string();
  j["host_count"] = net::range_size(hosts);
  j["reverse_dns"] = net::reverse_pointer(a.address);
  j["reverse_zone"] = net::reverse_zone(block);
  j["category"] = net::category_name(cls.category);
  if (!cls.ipv4_mapped)
    j["ipv4_mapped"] = nullptr;
  else if (a.kind == ip_argument_kind::network)
    j["ipv4_mapped"] = cls.ipv4_mapped->to_string();
  else
    j["ipv4_mapped"] = cls.ipv4_mapped->first().to_string();
  return j;
}

}  // namespace commands

// Port syntax for vitnet scan: lists, ranges, service names from the system's services database,
// and vitnet's own list of common ports.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <string>
#include <unordered_map>

#define VITNET_SCAN_PARSERS_ONLY  // parsers only: the fuzz targets build these without asio
#include "commands/scan/scan.hpp"

namespace commands {

namespace {

struct services_db {
  std::unordered_map<std::string, std::uint16_t> by_name;
  std::vector<std::string> by_port = std::vector<std::string>(65536);
};

// /etc/services, read once: "name port/proto [aliases...] [# comment]"; tcp entries only.
const services_db& services() {
  static const services_db db = [] {
    services_db d;
    std::FILE* f = std::fopen("/etc/services", "re");
    if (!f) return d;
    char line[1024];
    while (std::fgets(line, sizeof line, f)) {
      std::string_view l(line);
      if (auto hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
      std::vector<std::string_view> words;
      std::size_t i = 0;
      while (i < l.size()) {
        while (i < l.size() && std::isspace(static_cast<unsigned char>(l[i]))) ++i;
        std::size_t j = i;
        while (j < l.size() && !std::isspace(static_cast<unsigned char>(l[j]))) ++j;
        if (j > i) words.push_back(l.substr(i, j - i));
        i = j;
      }
      if (words.size() < 2) continue;
      auto slash = words[1].find('/');
      if (slash == std::string_view::npos || words[1].substr(slash + 1) != "tcp") continue;
      unsigned port = 0;
      auto num = words[1].substr(0, slash);
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), port);
      if (ec != std::errc{} || p != num.data() + num.size() || port == 0 || port > 65535) continue;
      if (d.by_port[port].empty()) d.by_port[port] = std::string(words[0]);
      for (std::size_t w = 0; w < words.size(); ++w) {
        if (w == 1) continue;
        d.by_name.emplace(std::string(words[w]), static_cast<std::uint16_t>(port));
      }
    }
    std::fclose(f);
    return d;
  }();
  return db;
}

std::optional<unsigned> number(std::string_view s) {
  unsigned v = 0;
  if (s.empty() || s.size() > 6) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::uint16_t> service_port(std::string_view name) {
  auto& db = services();
  if (auto it = db.by_name.find(std::string(name)); it != db.by_name.end()) return it->second;
  return std::nullopt;
}

std::string_view service_name(std::uint16_t port) {
  return services().by_port[port];
}

std::optional<std::vector<std::uint16_t>> parse_scan_ports(std::string_view text,
                                                           std::string& message) {
  std::vector<bool> chosen(65536);
  auto bad = [&](std::string_view item, std::string_view why) {
    message = fmt::format("invalid port '{}' in '{}': {}", item, text, why);
    return std::nullopt;
  };
  if (text.empty()) {
    message = "empty port list";
    return std::nullopt;
  }
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find(',', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view item = text.substr(i, j - i);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
      item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
      item.remove_suffix(1);
    if (item.empty()) return bad(item, "empty item");
    unsigned lo = 0, hi = 0;
    if (auto dash = item.find('-');
        dash != std::string_view::npos &&
        item.find_first_not_of("0123456789-") == std::string_view::npos) {
      auto a = item.substr(0, dash), b = item.substr(dash + 1);
      auto na = a.empty() ? std::optional<unsigned>(1) : number(a);
      auto nb = b.empty() ? std::optional<unsigned>(65535) : number(b);
      if (!na || !nb) return bad(item, "not a range (8000-8100, 1024-, -)");
      lo = *na;
      hi = *nb;
      if (lo == 0 || hi > 65535 || lo > 65535) return bad(item, "ports are 1-65535");
      if (hi < lo) return bad(item, "empty range: it ends before it starts");
    } else if (auto n = number(item)) {
      if (*n == 0 || *n > 65535) return bad(item, "ports are 1-65535");
      lo = hi = *n;
    } else if (auto p = service_port(item)) {
      lo = hi = *p;
    } else {
      bool name_like = std::all_of(item.begin(), item.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      });
      return bad(item, name_like ? "no such tcp service in /etc/services" : "not a port");
    }
    for (unsigned p = lo; p <= hi; ++p) chosen[p] = true;
    i = j + 1;
  }
  std::vector<std::uint16_t> ports;
  for (unsigned p = 1; p <= 65535; ++p)
    if (chosen[p]) ports.push_back(static_cast<std::uint16_t>(p));
  return ports;
}

const std::vector<std::uint16_t>& top_ports() {
  // vitnet's own list, most common first: what developers and CI machines usually run (web,
  // remote shells, mail, databases, caches, brokers, dev servers, monitoring, Windows services).
  static const std::vector<std::uint16_t> list = {
      80,    443,  22,    21,    25,    3389, 110,   445,   139,  143,  53,    135,   3306,  8080,
      23,    1723, 111,   995,   993,   5900, 1025,  587,   8888, 199,  1720,  465,   548,   113,
      81,    6001, 10000, 514,   5060,  179,  1026,  2000,  8443, 8000, 32768, 554,   26,    1433,
      49152, 2001, 515,   8008,  49154, 1027, 5666,  646,   5000, 5631, 631,   49153, 8081,  2049,
      88,    79,   5800,  106,   2121,  1110, 49155, 6000,  513,  990,  5357,  427,   49156, 543,
      544,   5101, 144,   7,     389,   5432, 6379,  27017, 9200, 9300, 11211, 2181,  9092,  5672,
      15672, 4222, 1883,  8883,  6443,  2379, 2380,  10250, 9090, 9100, 3000,  4000,  5001,  5173,
      8001,  8082, 8088,  8089,  8880,  9000, 9001,  9443,  7001, 7474, 8500,  8200,  5984,  28017,
      50000, 1521, 1194,  500,   636,   873,  902,   1080,  3128, 5985, 5986,  8009,  9418,  11111,
      1900,  5353, 6667,  25565, 27015, 3690, 4443,  2375,  2376, 5044, 5601,  8086,  8161,  61616,
      9042,  7000, 26257, 4369,
  };
  return list;
}

}  // namespace commands

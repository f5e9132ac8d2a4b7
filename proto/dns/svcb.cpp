#include "proto/dns/svcb.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/base64.hpp"
#include "proto/dns/wire.hpp"

namespace proto::dns::detail {

namespace {

enum key : std::uint16_t {
  mandatory = 0,
  alpn = 1,
  no_default_alpn = 2,
  port = 3,
  ipv4hint = 4,
  ech = 5,
  ipv6hint = 6,
};

constexpr std::array<std::string_view, 7> key_names{"mandatory", "alpn", "no-default-alpn", "port",
                                                    "ipv4hint",  "ech",  "ipv6hint"};

std::string key_name(std::uint16_t k) {
  return k < key_names.size() ? std::string(key_names[k]) : fmt::format("key{}", k);
}

// key65535 is reserved ("invalid key") and may not be written.
std::optional<std::uint16_t> key_from_name(std::string_view text) {
  for (std::size_t i = 0; i < key_names.size(); ++i)
    if (text == key_names[i]) return std::uint16_t(i);
  if (text.size() > 3 && text.substr(0, 3) == "key")
    if (auto n = number(text.substr(3), 65534)) return std::uint16_t(*n);
  return std::nullopt;
}

struct param {
  std::uint16_t key;
  std::string_view value;
};

// The params in order, or nullopt when they do not tile the data.
std::optional<std::vector<param>> split(std::string_view wire) {
  std::vector<param> out;
  const auto* p = reinterpret_cast<const std::uint8_t*>(wire.data());
  for (std::size_t at = 0; at < wire.size();) {
    if (wire.size() - at < 4) return std::nullopt;
    const std::uint16_t k = get16(p + at), len = get16(p + at + 2);
    if (wire.size() - at - 4 < len) return std::nullopt;
    out.push_back({k, wire.substr(at + 4, len)});
    at += 4 + len;
  }
  return out;
}

// alpn's value: length-prefixed ids, each non-empty, tiling the value.
std::optional<std::vector<std::string_view>> alpn_ids(std::string_view v) {
  std::vector<std::string_view> ids;
  for (std::size_t at = 0; at < v.size();) {
    const std::size_t len = std::uint8_t(v[at]);
    if (len == 0 || v.size() - at - 1 < len) return std::nullopt;
    ids.push_back(v.substr(at + 1, len));
    at += 1 + len;
  }
  if (ids.empty()) return std::nullopt;
  return ids;
}

std::string address_list(std::string_view v, int family) {
  const std::size_t size = family == AF_INET ? 4 : 16;
  std::string out;
  char buf[INET6_ADDRSTRLEN];
  for (std::size_t at = 0; at < v.size(); at += size) {
    if (!out.empty()) out.push_back(',');
    out += inet_ntop(family, v.data() + at, buf, sizeof buf);
  }
  return out;
}

// A value-list (RFC 9460 appendix A.1) after its <character-string> escapes are resolved:
// items split at commas, "\," and "\\" standing for a comma and a backslash inside an item.
std::vector<std::string> value_list(std::string_view s) {
  std::vector<std::string> items(1);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size())
      items.back().push_back(s[++i]);
    else if (s[i] == ',')
      items.emplace_back();
    else
      items.back().push_back(s[i]);
  }
  return items;
}

}  // namespace

std::string check_svc_params(std::string_view wire) {
  auto params = split(wire);
  if (!params) return "SvcParams do not fit the record data";
  for (std::size_t i = 0; i < params->size(); ++i) {
    const auto& [k, v] = (*params)[i];
    if (i > 0 && k <= (*params)[i - 1].key)
      return fmt::format("SvcParamKey {} is out of order or repeated", key_name(k));
    bool ok = true;
    switch (k) {
      case mandatory: {
        ok = !v.empty() && v.size() % 2 == 0;
        const auto* p = reinterpret_cast<const std::uint8_t*>(v.data());
        for (std::size_t at = 0; ok && at < v.size(); at += 2) {
          const std::uint16_t listed = get16(p + at);
          ok = listed != mandatory && (at == 0 || listed > get16(p + at - 2)) &&
               std::any_of(params->begin(), params->end(),
                           [&](const param& q) { return q.key == listed; });
        }
        break;
      }
      case alpn:
        ok = alpn_ids(v).has_value();
        break;
      case no_default_alpn:
        ok = v.empty();
        break;
      case port:
        ok = v.size() == 2;
        break;
      case ipv4hint:
        ok = !v.empty() && v.size() % 4 == 0;
        break;
      case ech:
        ok = !v.empty();
        break;
      case ipv6hint:
        ok = !v.empty() && v.size() % 16 == 0;
        break;
      case 65535:
        ok = false;
        break;
      default:
        break;
    }
    if (!ok) return fmt::format("bad value for SvcParamKey {}", key_name(k));
  }
  return {};
}

std::optional<std::string> svc_params_to_text(std::string_view wire) {
  if (!check_svc_params(wire).empty()) return std::nullopt;
  std::string out;
  const auto params = split(wire);
  for (const auto& [k, v] : *params) {
    if (!out.empty()) out.push_back(' ');
    out += key_name(k);
    if (k == no_default_alpn || (k > ipv6hint && v.empty())) continue;
    out.push_back('=');
    const auto* p = reinterpret_cast<const std::uint8_t*>(v.data());
    switch (k) {
      case mandatory:
        for (std::size_t at = 0; at < v.size(); at += 2)
          out += (at ? "," : "") + key_name(get16(p + at));
        break;
      case alpn: {
        std::string list;
        const auto ids = alpn_ids(v);
        for (auto id : *ids) {
          if (!list.empty()) list.push_back(',');
          for (char c : id) {
            if (c == ',' || c == '\\') list.push_back('\\');
            list.push_back(c);
          }
        }
        out += escape_word(list);
        break;
      }
      case port:
        out += std::to_string(get16(p));
        break;
      case ipv4hint:
        out += address_list(v, AF_INET);
        break;
      case ech:
        out += core::base64_encode(v);
        break;
      case ipv6hint:
        out += address_list(v, AF_INET6);
        break;
      default:
        out += escape_word(v);
        break;
    }
  }
  return out;
}

std::optional<std::string> svc_params_from_tokens(std::span<const token> tokens,
                                                  std::string& error) {
  std::map<std::uint16_t, std::string> values;
  for (const auto& t : tokens) {
    const std::size_t eq = t.text.find('=');
    const std::string_view key_text = std::string_view(t.text).substr(0, eq);
    auto k = t.quoted ? std::nullopt : key_from_name(key_text);
    if (!k) {
      error = fmt::format("unknown SvcParamKey '{}'", key_text);
      return std::nullopt;
    }
    auto decoded = unescape(eq == std::string::npos ? "" : t.text.substr(eq + 1));
    if (!decoded) {
      error = fmt::format("bad escape in the value of {}", key_text);
      return std::nullopt;
    }
    const bool has_value = eq != std::string::npos;
    if (values.contains(*k)) {
      error = fmt::format("SvcParamKey {} given twice", key_name(*k));
      return std::nullopt;
    }
    std::string& v = values[*k];
    auto bad = [&] {
      error = fmt::format("bad value for SvcParamKey {}: '{}'", key_name(*k), *decoded);
      return std::nullopt;
    };
    switch (*k) {
      case mandatory:
      case alpn:
      case ipv4hint:
      case ipv6hint: {
        if (!has_value || decoded->empty()) return bad();
        std::vector<std::uint16_t> keys;
        for (const auto& item : value_list(*decoded)) {
          if (*k == mandatory) {
            auto listed = key_from_name(item);
            if (!listed) return bad();
            keys.push_back(*listed);
          } else if (*k == alpn) {
            if (item.empty() || item.size() > 255) return bad();
            v.push_back(char(item.size()));
            v += item;
          } else {
            const int family = *k == ipv4hint ? AF_INET : AF_INET6;
            unsigned char buf[16];
            if (inet_pton(family, item.c_str(), buf) != 1) return bad();
            v.append(reinterpret_cast<const char*>(buf), family == AF_INET ? 4 : 16);
          }
        }
        std::sort(keys.begin(), keys.end());
        if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return bad();
        for (auto listed : keys) put16(v, listed);
        break;
      }
      case no_default_alpn:
        if (!decoded->empty()) return bad();
        break;
      case port: {
        auto n = number(*decoded, 65535);
        if (!n) return bad();
        put16(v, std::uint16_t(*n));
        break;
      }
      case ech: {
        auto bytes = core::base64_decode(*decoded);
        if (!bytes || bytes->empty()) return bad();
        v = *bytes;
        break;
      }
      default:
        if (decoded->size() > 65535) return bad();
        v = *decoded;
        break;
    }
    if (v.size() > 65535) return bad();
  }
  std::string wire;
  for (const auto& [k, v] : values) {
    put16(wire, k);
    put16(wire, std::uint16_t(v.size()));
    wire += v;
  }
  if (auto why = check_svc_params(wire); !why.empty()) {
    error = why;
    return std::nullopt;
  }
  return wire;
}

}  // namespace proto::dns::detail

#include "net/tls/parse.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <cctype>

#include "core/error.hpp"

namespace net {

std::optional<std::string> parse_pin(std::string_view pin) {
  if (pin.starts_with("sha256:")) pin.remove_prefix(7);
  std::string hex;
  for (char c : pin) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    hex.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (hex.size() != 64) return std::nullopt;
  return hex;
}

std::vector<std::string> split_alpn_list(std::string_view list) {
  std::vector<std::string> out;
  for (;;) {
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<unsigned char> alpn_wire(const std::vector<std::string>& protocols) {
  std::vector<unsigned char> out;
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255)
      throw vitnet::error(core::exit_code::usage,
                          fmt::format("--alpn: '{}' is not a protocol name", p));
    out.push_back(static_cast<unsigned char>(p.size()));
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

std::optional<std::string_view> select_alpn(std::span<const unsigned char> ours,
                                            std::span<const unsigned char> offered) {
  unsigned char* chosen = nullptr;
  unsigned char length = 0;
  if (SSL_select_next_proto(&chosen, &length, ours.data(), static_cast<unsigned>(ours.size()),
                            offered.data(),
                            static_cast<unsigned>(offered.size())) != OPENSSL_NPN_NEGOTIATED)
    return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(chosen), length);
}

}  // namespace net

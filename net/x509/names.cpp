// Names in certificates: typing what people give on the command line into SAN entries, name
// constraints, and GENERAL_NAMEs both ways.
#include <cctype>

#include "core/error.hpp"
#include "net/ip.hpp"
#include "net/x509/ossl.hpp"

namespace net::x509 {

using core::exit_code;

namespace {

[[noreturn]] void bad_name(std::string_view name, std::string_view why) {
  throw vitnet::error(exit_code::usage, fmt::format("'{}': {}", name, why));
}

bool is_label_char(char c) {
  // Letters, digits and hyphens (RFC 1123); underscores too, which service names use
  // (docker compose, SRV records) and verifiers accept in a SAN.
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// A host name: labels of 1-63 label characters, at most 253 in all. `name` is for messages.
void check_dns(std::string_view host, std::string_view name) {
  if (host.empty()) bad_name(name, "empty name");
  if (host.size() > 253) bad_name(name, "a DNS name has at most 253 characters");
  std::size_t start = 0;
  while (start <= host.size()) {
    auto dot = host.find('.', start);
    std::string_view label =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) bad_name(name, "empty label in a DNS name");
    if (label.size() > 63) bad_name(name, "a DNS label has at most 63 characters");
    for (char c : label) {
      if (static_cast<unsigned char>(c) >= 0x80)
        bad_name(name, "not ASCII; give an internationalised name in its xn-- (punycode) form");
      if (c == '*') bad_name(name, "a wildcard may only be the whole first label (*.example.com)");
      if (!is_label_char(c)) bad_name(name, fmt::format("'{}' is not allowed in a DNS name", c));
    }
    if (label.front() == '-' || label.back() == '-')
      bad_name(name, "a DNS label may not begin or end with '-'");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_uri(std::string_view s) {
  auto colon = s.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  return true;
}

}  // namespace

san classify_name(std::string_view name) {
  if (name.empty()) bad_name(name, "empty name");
  for (char c : name)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      bad_name(name, "a name may not contain spaces or control characters");

  std::string_view bare = name;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']')
    bare = bare.substr(1, bare.size() - 2);
  if (auto ip = ip_address::parse(bare)) return {san::kind::ip, ip->to_string()};
  if (name.find(':') != std::string_view::npos && !is_uri(name) &&
      name.find('@') == std::string_view::npos)
    bad_name(name, "not an IP address, and a DNS name has no ':' (a URI needs scheme://)");

  if (is_uri(name)) {
    for (char c : name)
      if (static_cast<unsigned char>(c) >= 0x80 || c == '"' || c == '<' || c == '>' || c == '\\')
        bad_name(name, "not a valid URI (percent-encode special characters)");
    auto scheme = name.find("://");
    if (scheme + 3 >= name.size()) bad_name(name, "a URI needs something after scheme://");
    return {san::kind::uri, std::string(name)};
  }

  if (auto at = name.find('@'); at != std::string_view::npos) {
    std::string_view local = name.substr(0, at), domain = name.substr(at + 1);
    if (local.empty()) bad_name(name, "an email address needs a local part before '@'");
    if (local.size() > 64) bad_name(name, "an email local part has at most 64 characters");
    for (char c : local)
      if (static_cast<unsigned char>(c) >= 0x80 || c == '@' || c == '(' || c == ')' || c == ',' ||
          c == '<' || c == '>' || c == ';' || c == '"' || c == '\\' || c == '[' || c == ']')
        bad_name(name, "not a valid email address");
    std::string d = lower(domain);
    if (!d.empty() && d.back() == '.') d.pop_back();
    check_dns(d, name);
    return {san::kind::email, std::string(local) + "@" + d};
  }

  std::string host = lower(name);
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  if (host.starts_with("*.")) {
    std::string_view rest = std::string_view(host).substr(2);
    check_dns(rest, name);
    if (rest.find('.') == std::string_view::npos)
      bad_name(name, "a wildcard needs at least two labels after '*.' (*.example.com)");
    return {san::kind::dns, host};
  }
  check_dns(host, name);
  bool all_numeric = true;
  for (char c : host)
    all_numeric = all_numeric && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
  if (all_numeric) bad_name(name, "not a valid IP address");
  return {san::kind::dns, host};
}

std::string to_string(const san& s) {
  switch (s.type) {
    case san::kind::dns:
      return "DNS:" + s.value;
    case san::kind::ip:
      return "IP:" + s.value;
    case san::kind::email:
      return "email:" + s.value;
    case san::kind::uri:
      return "URI:" + s.value;
  }
  return s.value;
}

name_constraint parse_name_constraint(std::string_view text) {
  auto colon = text.find(':');
  std::string kind = lower(text.substr(0, colon == std::string_view::npos ? 0 : colon));
  std::string_view value = colon == std::string_view::npos ? text : text.substr(colon + 1);
  if (kind == "ip") {
    auto block = cidr::parse(value);
    if (!block)
      throw vitnet::error(
          exit_code::usage,
          fmt::format("name constraint '{}': not an IP block (IP:10.0.0.0/8)", text));
    return {true, block->to_string()};
  }
  if (kind == "dns") {
    std::string host = lower(value);
    // A leading dot means "subdomains only" (RFC 5280 leaves it to the verifier; OpenSSL
    // honours it).
    std::string_view check = host;
    if (check.starts_with(".")) check.remove_prefix(1);
    try {
      check_dns(check, value);
    } catch (const vitnet::error& e) {
      throw vitnet::error(exit_code::usage, fmt::format("name constraint {}", e.what()));
    }
    return {false, host};
  }
  throw vitnet::error(
      exit_code::usage,
      fmt::format("name constraint '{}': give DNS:NAME or IP:BLOCK (DNS:example.com, "
                  "IP:10.0.0.0/8)",
                  text));
}

namespace detail {

gens_ptr make_general_names(const std::vector<san>& names) {
  gens_ptr gens(GENERAL_NAMES_new());
  if (!gens) fail_openssl(exit_code::internal, "memory");
  for (const auto& n : names) {
    gen_ptr g(GENERAL_NAME_new());
    if (!g) fail_openssl(exit_code::internal, "memory");
    if (n.type == san::kind::ip) {
      auto ip = ip_address::parse(n.value);
      ASN1_OCTET_STRING* os = ASN1_OCTET_STRING_new();
      ASN1_OCTET_STRING_set(os, ip->bytes().data(), ip->is_v4() ? 4 : 16);
      GENERAL_NAME_set0_value(g.get(), GEN_IPADD, os);
    } else {
      ASN1_IA5STRING* s = ASN1_IA5STRING_new();
      ASN1_STRING_set(s, n.value.data(), static_cast<int>(n.value.size()));
      int type = n.type == san::kind::dns     ? GEN_DNS
                 : n.type == san::kind::email ? GEN_EMAIL
                                              : GEN_URI;
      GENERAL_NAME_set0_value(g.get(), type, s);
    }
    if (sk_GENERAL_NAME_push(gens.get(), g.get()) <= 0) fail_openssl(exit_code::internal, "memory");
    g.release();
  }
  return gens;
}

namespace {
std::string ia5(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string ip_text(const ASN1_OCTET_STRING* os) {
  const unsigned char* p = ASN1_STRING_get0_data(os);
  int n = ASN1_STRING_length(os);
  auto addr = [&](const unsigned char* b, int len) {
    if (len == 4)
      return ip_address::v4((std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) |
                            (std::uint32_t(b[2]) << 8) | b[3])
          .to_string();
    std::array<std::uint8_t, 16> a{};
    std::copy(b, b + 16, a.begin());
    return ip_address::v6(a).to_string();
  };
  if (n == 4 || n == 16) return addr(p, n);
  // Name constraints: address and mask.
  if (n == 8 || n == 32) {
    int half = n / 2, prefix = 0;
    for (int i = 0; i < half; ++i)
      for (int bit = 7; bit >= 0; --bit) prefix += (p[half + i] >> bit) & 1;
    return fmt::format("{}/{}", addr(p, half), prefix);
  }
  return "<" + hex_colons(p, static_cast<std::size_t>(n)) + ">";
}
}  // namespace

std::vector<std::string> general_names_text(const GENERAL_NAMES* g) {
  std::vector<std::string> out;
  for (int i = 0; g && i < sk_GENERAL_NAME_num(g); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(g, i);
    switch (n->type) {
      case GEN_DNS:
        out.push_back("DNS:" + ia5(n->d.dNSName));
        break;
      case GEN_IPADD:
        out.push_back("IP:" + ip_text(n->d.iPAddress));
        break;
      case GEN_EMAIL:
        out.push_back("email:" + ia5(n->d.rfc822Name));
        break;
      case GEN_URI:
        out.push_back("URI:" + ia5(n->d.uniformResourceIdentifier));
        break;
      case GEN_DIRNAME:
        out.push_back("DirName:" + name_text(n->d.directoryName));
        break;
      default:
        out.push_back("othername");
        break;
    }
  }
  return out;
}

}  // namespace detail

}  // namespace net::x509

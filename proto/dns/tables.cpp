// The names of types, classes, rcodes, opcodes and Extended DNS Errors, both ways.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <utility>

#include "proto/dns/message.hpp"

namespace proto::dns {

namespace {

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 37> types{{
    {1, "A"},      {2, "NS"},          {5, "CNAME"},    {6, "SOA"},    {12, "PTR"},
    {13, "HINFO"}, {15, "MX"},         {16, "TXT"},     {17, "RP"},    {18, "AFSDB"},
    {28, "AAAA"},  {29, "LOC"},        {33, "SRV"},     {35, "NAPTR"}, {36, "KX"},
    {37, "CERT"},  {39, "DNAME"},      {41, "OPT"},     {43, "DS"},    {44, "SSHFP"},
    {46, "RRSIG"}, {47, "NSEC"},       {48, "DNSKEY"},  {50, "NSEC3"}, {51, "NSEC3PARAM"},
    {52, "TLSA"},  {59, "CDS"},        {60, "CDNSKEY"}, {64, "SVCB"},  {65, "HTTPS"},
    {99, "SPF"},   {251, "IXFR"},      {252, "AXFR"},   {255, "ANY"},  {256, "URI"},
    {257, "CAA"},  {61, "OPENPGPKEY"},
}};

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 18> rcodes{{
    {0, "NOERROR"},
    {1, "FORMERR"},
    {2, "SERVFAIL"},
    {3, "NXDOMAIN"},
    {4, "NOTIMP"},
    {5, "REFUSED"},
    {6, "YXDOMAIN"},
    {7, "YXRRSET"},
    {8, "NXRRSET"},
    {9, "NOTAUTH"},
    {10, "NOTZONE"},
    {16, "BADVERS"},
    {17, "BADKEY"},
    {18, "BADTIME"},
    {19, "BADMODE"},
    {20, "BADNAME"},
    {21, "BADALG"},
    {23, "BADCOOKIE"},
}};

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// "TYPE123" / "CLASS3" / "RCODE23": the number after `prefix`, when within `max`.
std::optional<std::uint16_t> numbered(std::string_view text, std::string_view prefix,
                                      unsigned max) {
  if (text.size() <= prefix.size() || !iequal(text.substr(0, prefix.size()), prefix))
    return std::nullopt;
  auto digits = text.substr(prefix.size());
  if (digits.size() > 5) return std::nullopt;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size() || v > max) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

std::string type_name(std::uint16_t t) {
  for (auto& [v, n] : types)
    if (v == t) return std::string(n);
  return fmt::format("TYPE{}", t);
}

std::optional<std::uint16_t> type_from_name(std::string_view text) {
  for (auto& [v, n] : types)
    if (iequal(n, text)) return v;
  return numbered(text, "TYPE", 65535);
}

std::string class_name(std::uint16_t c) {
  switch (c) {
    case 1:
      return "IN";
    case 3:
      return "CH";
    case 4:
      return "HS";
    case 254:
      return "NONE";
    case 255:
      return "ANY";
  }
  return fmt::format("CLASS{}", c);
}

std::optional<std::uint16_t> class_from_name(std::string_view text) {
  if (iequal(text, "IN")) return 1;
  if (iequal(text, "CH")) return 3;
  if (iequal(text, "HS")) return 4;
  if (iequal(text, "NONE")) return 254;
  if (iequal(text, "ANY")) return 255;
  return numbered(text, "CLASS", 65535);
}

std::string rcode_name(std::uint16_t r) {
  for (auto& [v, n] : rcodes)
    if (v == r) return std::string(n);
  return fmt::format("RCODE{}", r);
}

std::optional<std::uint16_t> rcode_from_name(std::string_view text) {
  for (auto& [v, n] : rcodes)
    if (iequal(n, text)) return v;
  return numbered(text, "RCODE", 4095);
}

std::string opcode_name(std::uint8_t op) {
  switch (op) {
    case 0:
      return "QUERY";
    case 1:
      return "IQUERY";
    case 2:
      return "STATUS";
    case 4:
      return "NOTIFY";
    case 5:
      return "UPDATE";
    case 6:
      return "DSO";
  }
  return fmt::format("OPCODE{}", op);
}

std::string_view extended_error_name(std::uint16_t code) {
  // RFC 8914 section 4, and the registry's later additions up to 30.
  static constexpr std::array<std::string_view, 31> names{
      "Other",
      "Unsupported DNSKEY Algorithm",
      "Unsupported DS Digest Type",
      "Stale Answer",
      "Forged Answer",
      "DNSSEC Indeterminate",
      "DNSSEC Bogus",
      "Signature Expired",
      "Signature Not Yet Valid",
      "DNSKEY Missing",
      "RRSIGs Missing",
      "No Zone Key Bit Set",
      "NSEC Missing",
      "Cached Error",
      "Not Ready",
      "Blocked",
      "Censored",
      "Filtered",
      "Prohibited",
      "Stale NXDOMAIN Answer",
      "Not Authoritative",
      "Not Supported",
      "No Reachable Authority",
      "Network Error",
      "Invalid Data",
      "Signature Expired before Valid",
      "Too Early",
      "Unsupported NSEC3 Iterations Value",
      "Unable to conform to policy",
      "Synthesized",
      "Invalid Query Type",
  };
  return code < names.size() ? names[code] : std::string_view{};
}

}  // namespace proto::dns

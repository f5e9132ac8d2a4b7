// The mnemonics of the IANA DNS parameter registries that vitnet prints and reads.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "proto/dns/message.hpp"

namespace proto::dns {

namespace {

using entry = std::pair<std::uint16_t, std::string_view>;

constexpr std::array types{
    entry{1, "A"},        entry{2, "NS"},          entry{5, "CNAME"},  entry{6, "SOA"},
    entry{12, "PTR"},     entry{13, "HINFO"},      entry{15, "MX"},    entry{16, "TXT"},
    entry{17, "RP"},      entry{28, "AAAA"},       entry{29, "LOC"},   entry{33, "SRV"},
    entry{35, "NAPTR"},   entry{39, "DNAME"},      entry{41, "OPT"},   entry{43, "DS"},
    entry{44, "SSHFP"},   entry{46, "RRSIG"},      entry{47, "NSEC"},  entry{48, "DNSKEY"},
    entry{50, "NSEC3"},   entry{51, "NSEC3PARAM"}, entry{52, "TLSA"},  entry{59, "CDS"},
    entry{60, "CDNSKEY"}, entry{64, "SVCB"},       entry{65, "HTTPS"}, entry{249, "TKEY"},
    entry{250, "TSIG"},   entry{251, "IXFR"},      entry{252, "AXFR"}, entry{255, "ANY"},
    entry{256, "URI"},    entry{257, "CAA"},
};

constexpr std::array classes{
    entry{1, "IN"}, entry{3, "CH"}, entry{4, "HS"}, entry{254, "NONE"}, entry{255, "ANY"},
};

constexpr std::array rcodes{
    entry{0, "NOERROR"},  entry{1, "FORMERR"}, entry{2, "SERVFAIL"},  entry{3, "NXDOMAIN"},
    entry{4, "NOTIMP"},   entry{5, "REFUSED"}, entry{6, "YXDOMAIN"},  entry{7, "YXRRSET"},
    entry{8, "NXRRSET"},  entry{9, "NOTAUTH"}, entry{10, "NOTZONE"},  entry{11, "DSOTYPENI"},
    entry{16, "BADVERS"}, entry{17, "BADKEY"}, entry{18, "BADTIME"},  entry{19, "BADMODE"},
    entry{20, "BADNAME"}, entry{21, "BADALG"}, entry{22, "BADTRUNC"}, entry{23, "BADCOOKIE"},
};

constexpr std::array opcodes{
    entry{0, "QUERY"},  entry{1, "IQUERY"}, entry{2, "STATUS"},
    entry{4, "NOTIFY"}, entry{5, "UPDATE"}, entry{6, "DSO"},
};

// RFC 8914 section 5.2, and the registrations after it (RFC 9077, 9250, 9276).
constexpr std::array<std::string_view, 28> extended_errors{
    "Other Error",
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
};

bool iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

template <std::size_t n>
std::string name_of(const std::array<entry, n>& table, std::uint16_t v, std::string_view prefix) {
  for (const auto& [code, text] : table)
    if (code == v) return std::string(text);
  return fmt::format("{}{}", prefix, v);
}

// A mnemonic, or the generic "<prefix><number>" form (RFC 3597 section 5), which is accepted for
// known values too.
template <std::size_t n>
std::optional<std::uint16_t> value_of(const std::array<entry, n>& table, std::string_view text,
                                      std::string_view prefix, std::uint32_t max) {
  for (const auto& [code, mnemonic] : table)
    if (iequals(text, mnemonic)) return code;
  if (text.size() <= prefix.size() || !iequals(text.substr(0, prefix.size()), prefix))
    return std::nullopt;
  auto digits = text.substr(prefix.size());
  if (digits.size() > 5 || digits.front() < '0' || digits.front() > '9') return std::nullopt;
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc{} || end != digits.data() + digits.size() || v > max) return std::nullopt;
  return std::uint16_t(v);
}

}  // namespace

std::string type_name(std::uint16_t t) {
  return name_of(types, t, "TYPE");
}
std::optional<std::uint16_t> type_from_name(std::string_view text) {
  return value_of(types, text, "TYPE", 0xffff);
}
std::string class_name(std::uint16_t c) {
  return name_of(classes, c, "CLASS");
}
std::optional<std::uint16_t> class_from_name(std::string_view text) {
  return value_of(classes, text, "CLASS", 0xffff);
}
std::string rcode_name(std::uint16_t r) {
  return name_of(rcodes, r, "RCODE");
}
std::optional<std::uint16_t> rcode_from_name(std::string_view text) {
  return value_of(rcodes, text, "RCODE", 0xfff);
}
std::string opcode_name(std::uint8_t op) {
  return name_of(opcodes, op, "OPCODE");
}
std::string_view extended_error_name(std::uint16_t info_code) {
  return info_code < extended_errors.size() ? extended_errors[info_code] : std::string_view();
}

}  // namespace proto::dns

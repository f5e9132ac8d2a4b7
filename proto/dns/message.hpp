#pragma once
// DNS messages (RFC 1035, with EDNS0 from RFC 6891), sans-io: bytes in, a message out; a message
// out as bytes. Used by `resolve` (the client side) and `serve dns://` (the server side), over
// UDP, TCP (two-byte length prefix, framed by the caller), TLS and HTTPS.
//
// What the reader makes of the wire:
//   - Names are read with compression pointers followed; a pointer must point strictly before
//     the label that holds it (so a loop is impossible), a name is at most 255 bytes in wire form
//     and a label 63; anything else is malformed.
//   - Record data is kept as wire bytes with every embedded name written out in full (so a
//     record is meaningful outside its message): for the types whose data holds names (NS,
//     CNAME, PTR, SOA, MX, SRV, NAPTR, DNAME, RRSIG's signer, NSEC's next name, SVCB/HTTPS's
//     target)
//     the names are decompressed; any other type keeps its bytes as they came (RFC 3597).
//     Data whose fixed parts do not fit the declared length is malformed, except that empty data
//     is taken for any type in class ANY or NONE (the deletions and prerequisites of an UPDATE,
//     RFC 2136).
//   - A truncated (TC) message that stops between entries before its counts are met is kept as
//     far as it goes.
//   - The OPT pseudo-record (at most one, in the additional section, owner the root) becomes
//     `message::edns`; its extended rcode bits are folded into `message::rcode`.
//   - Bounds: at most max_records records in all sections together, checked before storing.
// What the writer does:
//   - Owner names and question names are compressed against earlier names; names inside record
//     data are compressed for the RFC 1035 types (NS, CNAME, PTR, SOA, MX) and written in full
//     for the others, as RFC 3597 requires.
//   - With a size limit (a UDP reply), records that do not fit are left out from the end, the TC
//     flag is set and the OPT record is kept (RFC 6891 section 7).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proto::dns {

/// Record types vitnet knows by name (any other is TYPEnnn, RFC 3597).
namespace type {
inline constexpr std::uint16_t a = 1, ns = 2, cname = 5, soa = 6, ptr = 12, hinfo = 13, mx = 15,
                               txt = 16, aaaa = 28, srv = 33, naptr = 35, dname = 39, opt = 41,
                               ds = 43, sshfp = 44, rrsig = 46, nsec = 47, dnskey = 48, nsec3 = 50,
                               tlsa = 52, svcb = 64, https = 65, axfr = 252, any = 255, caa = 257;
}
namespace rclass {
inline constexpr std::uint16_t in = 1, ch = 3, hs = 4, none = 254, any = 255;
}
namespace rcode {
inline constexpr std::uint16_t noerror = 0, formerr = 1, servfail = 2, nxdomain = 3, notimp = 4,
                               refused = 5, yxdomain = 6, yxrrset = 7, nxrrset = 8, notauth = 9,
                               notzone = 10, badvers = 16;
}
namespace opcode {
inline constexpr std::uint8_t query = 0, iquery = 1, status = 2, notify = 4, update = 5;
}
/// EDNS0 option codes.
namespace option {
inline constexpr std::uint16_t nsid = 3, client_subnet = 8, cookie = 10, tcp_keepalive = 11,
                               padding = 12, extended_error = 15;
}

/// "A", "AAAA", ..., "TYPE123" for the others.
std::string type_name(std::uint16_t t);
/// "A" (any case), "TYPE123"; nullopt when unknown.
std::optional<std::uint16_t> type_from_name(std::string_view text);
/// "IN", "CH", "HS", "NONE", "ANY", "CLASS123".
std::string class_name(std::uint16_t c);
std::optional<std::uint16_t> class_from_name(std::string_view text);
/// "NOERROR", "NXDOMAIN", ..., "RCODE24" for the others (12-bit extended rcodes included).
std::string rcode_name(std::uint16_t r);
std::optional<std::uint16_t> rcode_from_name(std::string_view text);
/// "QUERY", "NOTIFY", ..., "OPCODE7".
std::string opcode_name(std::uint8_t op);
/// The Extended DNS Error info-codes' names of RFC 8914 ("Stale Answer", ...); "" when unknown.
std::string_view extended_error_name(std::uint16_t info_code);

/// A domain name, kept in uncompressed wire form (length-prefixed labels ending with the root's
/// zero byte). Labels are bytes: case is kept; comparison ignores ASCII case.
class name {
 public:
  /// The root.
  name() : wire_(1, '\0') {}
  /// Parses presentation text: "www.example.com." (absolute), "www" (relative to `origin`,
  /// which must be absolute; the root when none given), "@" (the origin itself), "." (the
  /// root); \. and \DDD escapes. Nullopt when malformed (empty label, label over 63 bytes, name
  /// over 255).
  static std::optional<name> parse(std::string_view text, const name* origin = nullptr);
  /// From wire bytes already checked (an uncompressed name); nullopt when they are not one.
  static std::optional<name> from_wire(std::string_view wire);

  /// Presentation form, always absolute ("www.example.com.", "." for the root), with escapes for
  /// dots inside labels, backslashes, quotes, spaces and bytes outside printable ASCII.
  std::string to_string() const;
  const std::string& wire() const { return wire_; }
  std::size_t label_count() const;
  bool is_root() const { return wire_.size() == 1; }
  /// The label at `i` (0 is the leftmost), as bytes.
  std::string_view label(std::size_t i) const;
  /// This name without its leftmost label (the root's parent is the root).
  name parent() const;
  /// `label` + "." + this name; nullopt when too long.
  std::optional<name> prepend(std::string_view label) const;
  /// True when this name equals `zone` or is below it (ASCII case ignored).
  bool is_subdomain_of(const name& zone) const;
  /// The wire form with ASCII letters lowered: a key for maps.
  std::string key() const;

  /// Equal ignoring ASCII case.
  friend bool operator==(const name& a, const name& b);

 private:
  std::string wire_;
};

struct question {
  name qname;
  std::uint16_t qtype = type::a;
  std::uint16_t qclass = rclass::in;
  friend bool operator==(const question&, const question&) = default;
};

struct record {
  name owner;
  std::uint16_t type = type::a;
  std::uint16_t rclass = rclass::in;
  std::uint32_t ttl = 0;
  std::string data;  ///< wire bytes, embedded names uncompressed
  friend bool operator==(const record&, const record&) = default;
};

struct edns_option {
  std::uint16_t code = 0;
  std::string data;
  friend bool operator==(const edns_option&, const edns_option&) = default;
};

struct edns {
  std::uint16_t udp_size = 1232;  ///< the sender's maximum UDP payload
  std::uint8_t version = 0;
  bool dnssec_ok = false;  ///< the DO bit
  std::uint16_t z = 0;     ///< the other flag bits, kept as they came (DO excluded)
  std::vector<edns_option> options;
  friend bool operator==(const edns&, const edns&) = default;
};

/// An Extended DNS Error (RFC 8914) read from or for an OPT option.
struct extended_error {
  std::uint16_t info_code = 0;
  std::string text;  ///< UTF-8, may be empty
};

struct message {
  std::uint16_t id = 0;
  bool qr = false;  ///< a response
  std::uint8_t opcode = opcode::query;
  bool aa = false, tc = false, rd = false, ra = false, z = false, ad = false, cd = false;
  /// 12 bits: the header's 4 and, with EDNS, the OPT record's 8 above them.
  std::uint16_t rcode = rcode::noerror;
  std::vector<question> questions;
  std::vector<record> answers, authority, additional;  ///< additional without the OPT record
  std::optional<edns> opt;

  /// The Extended DNS Errors among opt's options.
  std::vector<extended_error> extended_errors() const;
  /// The NSID option's bytes, if present.
  std::optional<std::string> nsid() const;
  friend bool operator==(const message&, const message&) = default;
};

struct parse_limits {
  std::size_t max_records = 4096;  ///< in all sections together
};

/// The result of reading a message: the message, or what is wrong and where (a byte offset).
struct parse_result {
  std::optional<message> msg;
  std::string error;        ///< "name compression loop at offset 14", ... when msg is empty
  std::uint16_t id = 0;     ///< the id, when at least two bytes came (for a FORMERR reply)
  bool has_header = false;  ///< twelve bytes came: the header fields can be answered
};

parse_result parse(std::span<const std::uint8_t> bytes, parse_limits limits = {});
inline parse_result parse(std::string_view bytes, parse_limits limits = {}) {
  return parse(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
               limits);
}

/// Writes a message. With `max_size` (a UDP reply, at least 512), what does not fit is left out
/// and TC set. Throws std::length_error when even the header and question do not fit, or a
/// section holds more than 65535 records; std::invalid_argument for an rcode above 15 without
/// `opt` (only the OPT record can carry its upper bits).
std::string write(const message& m, std::size_t max_size = 65535);

/// A query for one name and type: a random-looking id is the caller's (from the context's
/// random source), RD set, EDNS with `udp_size` (0: no OPT record) and the DO bit when asked.
message make_query(std::uint16_t id, const name& qname, std::uint16_t qtype,
                   std::uint16_t udp_size = 1232, bool dnssec_ok = false);

/// An Extended DNS Error option (RFC 8914) for `message::opt`.
edns_option extended_error_option(std::uint16_t info_code, std::string_view text = {});

/// Presentation text of a record's data: "192.0.2.1", "10 mail.example.com.", "\"text\"", the
/// RFC 3597 form "\# 4 c0000201" for unknown types or data the reader does not understand.
std::string data_to_string(std::uint16_t type, std::string_view data);
/// A whole record as one zone-file line: "www.example.com. 300 IN A 192.0.2.1".
std::string record_to_string(const record& r);

/// Record data from presentation text (the fields after the type in a zone file), names
/// relative to `origin`. On failure returns nullopt and sets `error` ("bad IPv4 address
/// '1.2.3'").
std::optional<std::string> data_from_string(std::uint16_t type, std::string_view text,
                                            const name& origin, std::string& error);

}  // namespace proto::dns

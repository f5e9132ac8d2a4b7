#include "proto/dns/layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <initializer_list>

#include "proto/dns/message.hpp"
#include "proto/dns/wire.hpp"

namespace proto::dns::detail {

namespace {

struct type_layout {
  std::uint16_t type;
  std::array<field, 9> fields;
  std::size_t count;
  type_layout(std::uint16_t t, std::initializer_list<field> f)
      : type(t), fields{}, count(f.size()) {
    std::copy(f.begin(), f.end(), fields.begin());
  }
};

using enum field;

// RFC 1035 3.3-3.4 (A NS CNAME SOA PTR HINFO MX TXT), RFC 3596 (AAAA), 2782 (SRV), 3403
// (NAPTR), 6672 (DNAME), 4034 (DS RRSIG NSEC DNSKEY), 7344 (CDS CDNSKEY), 4255 (SSHFP), 6698
// (TLSA), 9460 (SVCB HTTPS), 8659 (CAA).
const std::array<type_layout, 23> layouts{{
    {type::a, {ipv4}},
    {type::ns, {compressed_name}},
    {type::cname, {compressed_name}},
    {type::soa, {compressed_name, compressed_name, u32, period, period, period, period}},
    {type::ptr, {compressed_name}},
    {type::hinfo, {string, string}},
    {type::mx, {u16, compressed_name}},
    {type::txt, {strings}},
    {type::aaaa, {ipv6}},
    {type::srv, {u16, u16, u16, name}},
    {type::naptr, {u16, u16, string, string, string, name}},
    {type::dname, {name}},
    {type::ds, {u16, u8, u8, hex}},
    {59, {u16, u8, u8, hex}},
    {type::sshfp, {u8, u8, hex}},
    {type::rrsig, {type, u8, u8, u32, time, time, u16, name, base64}},
    {type::nsec, {name, bitmap}},
    {type::dnskey, {u16, u8, u8, base64}},
    {60, {u16, u8, u8, base64}},
    {type::tlsa, {u8, u8, u8, hex}},
    {type::svcb, {u16, name, svc_params}},
    {type::https, {u16, name, svc_params}},
    {type::caa, {u8, caa_tag, caa_value}},
}};

}  // namespace

std::span<const field> layout_of(std::uint16_t t) {
  for (const auto& l : layouts)
    if (l.type == t) return {l.fields.data(), l.count};
  return {};
}

std::size_t fixed_size(field f) {
  switch (f) {
    case u8:
      return 1;
    case u16:
    case type:
      return 2;
    case u32:
    case period:
    case time:
    case ipv4:
      return 4;
    case ipv6:
      return 16;
    default:
      return 0;
  }
}

std::optional<std::string> read_data(std::span<const std::uint8_t> msg, std::size_t start,
                                     std::size_t length, std::uint16_t t, bool pointers_ok,
                                     std::string& error) {
  const std::size_t end = start + length;
  const auto fields = layout_of(t);
  std::string out;
  std::size_t at = start;
  bool all_fixed = true;
  std::size_t expected = 0;
  for (field f : fields) {
    all_fixed = all_fixed && fixed_size(f) > 0;
    expected += fixed_size(f);
  }
  auto too_short = [&] {
    error = all_fixed ? fmt::format("record data of {} is {} bytes, expected {}", type_name(t),
                                    length, expected)
                      : fmt::format("record data of {} is {} bytes, too short for its fields",
                                    type_name(t), length);
    return std::nullopt;
  };
  auto append = [&](std::size_t n) {
    out.append(reinterpret_cast<const char*>(msg.data() + at), n);
    at += n;
  };
  for (field f : fields) {
    if (std::size_t n = fixed_size(f)) {
      if (end - at < n) return too_short();
      append(n);
      continue;
    }
    switch (f) {
      case name:
      case compressed_name: {
        std::size_t next = 0;
        std::string why;
        auto n = read_name(msg, at, end, pointers_ok, next, why);
        if (!n) {
          error = fmt::format("record data of {}: {}", type_name(t), why);
          return std::nullopt;
        }
        out += n->wire();
        at = next;
        break;
      }
      case string:
      case caa_tag:
        if (at >= end || end - at - 1 < msg[at]) return too_short();
        append(1 + msg[at]);
        break;
      case strings:
        if (at >= end) return too_short();
        while (at < end) {
          if (end - at - 1 < msg[at]) return too_short();
          append(1 + msg[at]);
        }
        break;
      default:  // the opaque rest of the data
        append(end - at);
        break;
    }
  }
  if (fields.empty()) append(length);
  if (at != end) {
    error = all_fixed ? fmt::format("record data of {} is {} bytes, expected {}", type_name(t),
                                    length, expected)
                      : fmt::format("record data of {} has {} bytes after its fields", type_name(t),
                                    end - at);
    return std::nullopt;
  }
  return out;
}

}  // namespace proto::dns::detail

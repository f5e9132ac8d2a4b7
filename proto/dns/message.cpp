// Reading a message from the wire, and the small accessors of message.hpp.
#include "proto/dns/message.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "proto/dns/layout.hpp"
#include "proto/dns/wire.hpp"

namespace proto::dns {

namespace {

using detail::get16;
using detail::get32;

constexpr std::size_t header_size = 12, fixed_record = 10;

class reader {
 public:
  reader(std::span<const std::uint8_t> msg, parse_result& r) : msg_(msg), r_(r) {}

  bool fail(std::string message) {
    r_.error = std::move(message);
    return false;
  }

  bool read_question(message& m) {
    std::size_t end = 0;
    auto n = detail::read_name(msg_, at_, msg_.size(), true, end, r_.error);
    if (!n) return false;
    if (msg_.size() - end < 4)
      return fail(fmt::format("question at offset {} runs past the end of the message", at_));
    m.questions.push_back(
        {.qname = std::move(*n), .qtype = get16(&msg_[end]), .qclass = get16(&msg_[end + 2])});
    at_ = end + 4;
    return true;
  }

  bool read_record(message& m, std::vector<record>& section, bool additional) {
    const std::size_t start = at_;
    std::size_t end = 0;
    auto owner = detail::read_name(msg_, at_, msg_.size(), true, end, r_.error);
    if (!owner) return false;
    if (msg_.size() - end < fixed_record)
      return fail(fmt::format("record at offset {} runs past the end of the message", start));
    const std::uint8_t* p = &msg_[end];
    record rr{.owner = std::move(*owner),
              .type = get16(p),
              .rclass = get16(p + 2),
              .ttl = get32(p + 4),
              .data = {}};
    const std::size_t length = get16(p + 8), data_at = end + fixed_record;
    if (msg_.size() - data_at < length)
      return fail(
          fmt::format("data of the record at offset {} runs past the end of the message", start));
    at_ = data_at + length;
    if (rr.type == type::opt) return read_opt(m, rr, data_at, length, additional, start);
    // RFC 2136 section 2.5: an update deleting an RRset, or a prerequisite on one, carries class
    // ANY or NONE and no data, whatever the type.
    if (length == 0 && (rr.rclass == rclass::any || rr.rclass == rclass::none)) {
      section.push_back(std::move(rr));
      return true;
    }
    std::string why;
    auto data = detail::read_data(msg_, data_at, length, rr.type, true, why);
    if (!data) return fail(fmt::format("{} (record at offset {})", why, start));
    rr.data = std::move(*data);
    section.push_back(std::move(rr));
    return true;
  }

  // RFC 6891 section 6.1: one OPT, in the additional section, owned by the root.
  bool read_opt(message& m, const record& rr, std::size_t data_at, std::size_t length,
                bool additional, std::size_t start) {
    if (!additional)
      return fail(fmt::format("OPT record outside the additional section at offset {}", start));
    if (m.opt) return fail(fmt::format("second OPT record at offset {}", start));
    if (!rr.owner.is_root())
      return fail(fmt::format("OPT record at offset {} is not owned by the root", start));
    edns e;
    e.udp_size = rr.rclass;
    extended_rcode_ = std::uint16_t(rr.ttl >> 24);
    e.version = std::uint8_t(rr.ttl >> 16);
    e.dnssec_ok = rr.ttl & 0x8000;
    e.z = std::uint16_t(rr.ttl & 0x7fff);
    for (std::size_t at = data_at; at < data_at + length;) {
      if (data_at + length - at < 4)
        return fail(fmt::format("EDNS option at offset {} runs past its record", at));
      const std::uint16_t code = get16(&msg_[at]), size = get16(&msg_[at + 2]);
      if (data_at + length - at - 4 < size)
        return fail(fmt::format("EDNS option at offset {} runs past its record", at));
      e.options.push_back(
          {.code = code, .data = std::string(reinterpret_cast<const char*>(&msg_[at + 4]), size)});
      at += 4 + size;
    }
    m.opt = std::move(e);
    return true;
  }

  std::optional<message> run(const parse_limits& limits) {
    const auto* h = msg_.data();
    message m;
    m.id = get16(h);
    m.qr = h[2] & 0x80;
    m.opcode = std::uint8_t((h[2] >> 3) & 0xf);
    m.aa = h[2] & 0x04;
    m.tc = h[2] & 0x02;
    m.rd = h[2] & 0x01;
    m.ra = h[3] & 0x80;
    m.z = h[3] & 0x40;
    m.ad = h[3] & 0x20;
    m.cd = h[3] & 0x10;
    m.rcode = h[3] & 0x0f;
    const std::size_t counts[4] = {get16(h + 4), get16(h + 6), get16(h + 8), get16(h + 10)};
    const std::size_t total = counts[0] + counts[1] + counts[2] + counts[3];
    if (total > limits.max_records) {
      fail(fmt::format("message holds {} records, more than the limit of {}", total,
                       limits.max_records));
      return std::nullopt;
    }
    at_ = header_size;
    // A count cannot promise more entries than the bytes left could hold, so reserving by it
    // is safe once it is capped that way.
    const std::size_t left = msg_.size() - header_size;
    m.questions.reserve(std::min(counts[0], left / 5));
    std::vector<record>* sections[3] = {&m.answers, &m.authority, &m.additional};
    for (int s = 0; s < 3; ++s) sections[s]->reserve(std::min(counts[s + 1], left / 11));
    for (int s = 0; s < 4; ++s) {
      for (std::size_t i = 0; i < counts[s]; ++i) {
        // A truncated reply may stop between entries before its counts are met (RFC 2181
        // section 9 lets a server send what fits): what came is kept.
        if (m.tc && at_ == msg_.size()) break;
        const bool ok = s == 0 ? read_question(m) : read_record(m, *sections[s - 1], s == 3);
        if (!ok) return std::nullopt;
      }
    }
    if (at_ != msg_.size()) {
      fail(fmt::format("{} bytes after the last record at offset {}", msg_.size() - at_, at_));
      return std::nullopt;
    }
    if (m.opt) m.rcode = std::uint16_t(m.rcode | (extended_rcode_ << 4));
    return m;
  }

 private:
  std::span<const std::uint8_t> msg_;
  parse_result& r_;
  std::size_t at_ = 0;
  std::uint16_t extended_rcode_ = 0;
};

}  // namespace

parse_result parse(std::span<const std::uint8_t> bytes, parse_limits limits) {
  parse_result r;
  if (bytes.size() >= 2) r.id = get16(bytes.data());
  if (bytes.size() < header_size) {
    r.error = fmt::format("message of {} bytes is shorter than the 12-byte header", bytes.size());
    return r;
  }
  r.has_header = true;
  reader rd(bytes, r);
  r.msg = rd.run(limits);
  return r;
}

message make_query(std::uint16_t id, const name& qname, std::uint16_t qtype, std::uint16_t udp_size,
                   bool dnssec_ok) {
  message m;
  m.id = id;
  m.rd = true;
  m.questions.push_back({.qname = qname, .qtype = qtype, .qclass = rclass::in});
  if (udp_size > 0) m.opt = edns{.udp_size = udp_size, .dnssec_ok = dnssec_ok};
  return m;
}

std::vector<extended_error> message::extended_errors() const {
  std::vector<extended_error> out;
  if (!opt) return out;
  for (const auto& o : opt->options)
    if (o.code == option::extended_error && o.data.size() >= 2)
      out.push_back(
          {.info_code = detail::get16(detail::bytes_of(o.data).data()), .text = o.data.substr(2)});
  return out;
}

std::optional<std::string> message::nsid() const {
  if (opt)
    for (const auto& o : opt->options)
      if (o.code == option::nsid) return o.data;
  return std::nullopt;
}

edns_option extended_error_option(std::uint16_t info_code, std::string_view text) {
  edns_option o{.code = option::extended_error, .data = {}};
  detail::put16(o.data, info_code);
  o.data += text;
  return o;
}

}  // namespace proto::dns

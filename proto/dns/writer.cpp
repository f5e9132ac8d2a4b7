// Writing a message: name compression (RFC 1035 section 4.1.4) and truncation to a size limit.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "proto/dns/layout.hpp"
#include "proto/dns/message.hpp"
#include "proto/dns/wire.hpp"

namespace proto::dns {

namespace {

using detail::put16;
using detail::put32;

// Offsets of names already written, by their exact bytes: matching case-sensitively keeps each
// name's case as given (a resolver checking the 0x20 bits of its question sees them back).
class compressor {
 public:
  void write(std::string& out, std::string_view wire, bool compress) {
    if (!compress) {
      out += wire;
      return;
    }
    const std::size_t start = out.size();
    std::size_t at = 0;
    for (; wire[at] != 0; at += 1 + std::uint8_t(wire[at])) {
      if (auto it = offsets_.find(std::string(wire.substr(at))); it != offsets_.end()) {
        out += wire.substr(0, at);
        put16(out, std::uint16_t(0xc000 | it->second));
        remember(wire, at, start);
        return;
      }
    }
    out += wire;
    remember(wire, at, start);
  }

 private:
  // Every suffix written in full before `until` can be pointed to, if its offset fits the
  // 14 bits of a pointer.
  void remember(std::string_view wire, std::size_t until, std::size_t start) {
    for (std::size_t at = 0; at < until; at += 1 + std::uint8_t(wire[at]))
      if (start + at < 0x4000) offsets_.emplace(std::string(wire.substr(at)), start + at);
  }
  std::unordered_map<std::string, std::size_t> offsets_;
};

// Record data with the names of the RFC 1035 types compressed; other data as it is (and any
// data that does not fit its layout, which only a caller building records by hand can make).
void write_data(std::string& out, const record& rr, compressor& names) {
  const auto fields = detail::layout_of(rr.type);
  const bool compressible = std::any_of(fields.begin(), fields.end(), [](detail::field f) {
    return f == detail::field::compressed_name;
  });
  std::string ignored;
  if (!compressible || rr.data.empty() ||
      !detail::read_data(detail::bytes_of(rr.data), 0, rr.data.size(), rr.type, false, ignored)) {
    out += rr.data;
    return;
  }
  std::size_t at = 0;
  for (detail::field f : fields) {
    if (f == detail::field::compressed_name) {
      std::size_t len = 0;
      while (rr.data[at + len] != 0) len += 1 + std::uint8_t(rr.data[at + len]);
      names.write(out, std::string_view(rr.data).substr(at, len + 1), true);
      at += len + 1;
    } else {
      const std::size_t size = detail::fixed_size(f);
      out.append(rr.data, at, size);
      at += size;
    }
  }
}

void write_record(std::string& out, const record& rr, compressor& names) {
  names.write(out, rr.owner.wire(), true);
  put16(out, rr.type);
  put16(out, rr.rclass);
  put32(out, rr.ttl);
  const std::size_t length_at = out.size();
  put16(out, 0);
  write_data(out, rr, names);
  const std::size_t length = out.size() - length_at - 2;
  if (length > 0xffff)
    throw std::length_error(fmt::format("record data of {} bytes for {} {}", length,
                                        rr.owner.to_string(), type_name(rr.type)));
  out[length_at] = char(length >> 8);
  out[length_at + 1] = char(length & 0xff);
}

std::string opt_record(const message& m) {
  std::string out;
  const edns& e = *m.opt;
  out.push_back('\0');
  put16(out, type::opt);
  put16(out, e.udp_size);
  put32(out, std::uint32_t(m.rcode >> 4) << 24 | std::uint32_t(e.version) << 16 |
                 (e.dnssec_ok ? 0x8000u : 0u) | (e.z & 0x7fffu));
  std::string options;
  for (const auto& o : e.options) {
    if (o.data.size() > 0xffff) throw std::length_error("EDNS option over 65535 bytes");
    put16(options, o.code);
    put16(options, std::uint16_t(o.data.size()));
    options += o.data;
  }
  if (options.size() > 0xffff) throw std::length_error("EDNS options over 65535 bytes");
  put16(out, std::uint16_t(options.size()));
  return out + options;
}

}  // namespace

std::string write(const message& m, std::size_t max_size) {
  if (m.questions.size() > 0xffff || m.answers.size() > 0xffff || m.authority.size() > 0xffff ||
      m.additional.size() + (m.opt ? 1 : 0) > 0xffff)
    throw std::length_error("a DNS message section holds more than 65535 records");
  if (m.rcode > 0xf && !m.opt)
    throw std::invalid_argument(
        fmt::format("rcode {} needs an OPT record to carry it", rcode_name(m.rcode)));
  max_size = std::min<std::size_t>(max_size, 65535);
  std::string out(12, '\0');
  compressor names;
  for (const auto& q : m.questions) {
    names.write(out, q.qname.wire(), true);
    put16(out, q.qtype);
    put16(out, q.qclass);
  }
  if (out.size() > max_size)
    throw std::length_error(
        fmt::format("the DNS header and question take {} bytes, more than the limit of {}",
                    out.size(), max_size));
  std::string opt = m.opt ? opt_record(m) : std::string();
  bool truncated = false;
  // RFC 6891 section 7: the OPT record is kept when records are left out, so room for it is
  // held back; when even it does not fit, it goes too.
  if (out.size() + opt.size() > max_size) {
    opt.clear();
    truncated = m.opt.has_value();
  }
  std::uint16_t counts[3] = {0, 0, 0};
  const std::vector<record>* sections[3] = {&m.answers, &m.authority, &m.additional};
  for (int s = 0; s < 3 && !truncated; ++s) {
    for (const auto& rr : *sections[s]) {
      const std::size_t mark = out.size();
      write_record(out, rr, names);
      if (out.size() + opt.size() > max_size) {
        // Nothing is written with compression after this, so the names remembered from the
        // record taken back can never be pointed to.
        out.resize(mark);
        truncated = true;
        break;
      }
      ++counts[s];
    }
  }
  out += opt;
  std::string header;
  put16(header, m.id);
  header.push_back(char((m.qr ? 0x80 : 0) | (m.opcode & 0xf) << 3 | (m.aa ? 0x04 : 0) |
                        (m.tc || truncated ? 0x02 : 0) | (m.rd ? 0x01 : 0)));
  header.push_back(char((m.ra ? 0x80 : 0) | (m.z ? 0x40 : 0) | (m.ad ? 0x20 : 0) |
                        (m.cd ? 0x10 : 0) | (m.rcode & 0xf)));
  put16(header, std::uint16_t(m.questions.size()));
  put16(header, counts[0]);
  put16(header, counts[1]);
  put16(header, std::uint16_t(counts[2] + (opt.empty() ? 0 : 1)));
  out.replace(0, 12, header);
  return out;
}

}  // namespace proto::dns

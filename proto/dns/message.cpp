// DNS messages on the wire: reading (names decompressed, bounds checked) and writing (names
// compressed, truncation to a size limit).
#include "proto/dns/message.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <unordered_map>

#include "proto/dns/wire.hpp"

namespace proto::dns {

namespace {

struct reader {
  std::span<const std::uint8_t> b;
  std::size_t pos = 0;
  std::string error;

  bool fail(std::string e) {
    if (error.empty()) error = std::move(e);
    return false;
  }
  bool need(std::size_t n, std::string_view what) {
    if (pos <= b.size() && b.size() - pos >= n) return true;
    return fail(fmt::format("message ends inside {} at offset {}", what, pos));
  }
  bool u16(std::uint16_t& v, std::string_view what) {
    if (!need(2, what)) return false;
    v = static_cast<std::uint16_t>(b[pos] << 8 | b[pos + 1]);
    pos += 2;
    return true;
  }
  bool u32(std::uint32_t& v, std::string_view what) {
    if (!need(4, what)) return false;
    v = static_cast<std::uint32_t>(b[pos]) << 24 | static_cast<std::uint32_t>(b[pos + 1]) << 16 |
        static_cast<std::uint32_t>(b[pos + 2]) << 8 | b[pos + 3];
    pos += 4;
    return true;
  }

  // Reads a name at `pos` (moving past it) into uncompressed wire form. A compression pointer
  // must point before the start of the run of labels that holds it, so every jump goes strictly
  // backwards and reading ends.
  bool read_name(std::string& out, std::size_t limit) {
    out.clear();
    std::size_t p = pos, run_start = pos;
    bool jumped = false;
    for (;;) {
      if (p >= limit) return fail(fmt::format("name runs past its end at offset {}", p));
      std::uint8_t len = b[p];
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= limit) return fail(fmt::format("name runs past its end at offset {}", p));
        std::size_t target = static_cast<std::size_t>(len & 0x3F) << 8 | b[p + 1];
        if (target >= run_start)
          return fail(
              fmt::format("name compression pointer at offset {} does not point back "
                          "(a loop)",
                          p));
        if (!jumped) pos = p + 2;
        jumped = true;
        run_start = target;
        p = target;
        // Pointers may point into anything read so far, not only into this record's data.
        limit = b.size();
        continue;
      }
      if (len & 0xC0) return fail(fmt::format("unknown label type 0x{:02x} at offset {}", len, p));
      if (len == 0) {
        out.push_back('\0');
        if (!jumped) pos = p + 1;
        break;
      }
      if (p + 1 + len > limit) return fail(fmt::format("label runs past its end at offset {}", p));
      out.push_back(static_cast<char>(len));
      out.append(reinterpret_cast<const char*>(b.data() + p + 1), len);
      if (out.size() + 1 > 255) return fail(fmt::format("name over 255 bytes at offset {}", pos));
      p += 1 + len;
    }
    return true;
  }
};

// Record data with the names inside written out in full; checks that the fixed parts fit.
bool read_data(reader& r, std::uint16_t type, std::size_t end, std::string& out) {
  auto raw = [&](std::size_t n) {
    out.append(reinterpret_cast<const char*>(r.b.data() + r.pos), n);
    r.pos += n;
  };
  auto name_here = [&]() {
    std::string n;
    if (!r.read_name(n, end)) return false;
    if (r.pos > end) return r.fail(fmt::format("record data of {} too short", type_name(type)));
    out += n;
    return true;
  };
  auto fixed = [&](std::size_t n) {
    if (end - r.pos < n)
      return r.fail(
          fmt::format("record data of {} too short at offset {}", type_name(type), r.pos));
    raw(n);
    return true;
  };
  auto rest = [&]() { raw(end - r.pos); };
  auto exactly_consumed = [&]() {
    if (r.pos != end)
      return r.fail(fmt::format("record data of {} has {} bytes left over at offset {}",
                                type_name(type), end - r.pos, r.pos));
    return true;
  };
  std::size_t len = end - r.pos;
  switch (type) {
    case type::a:
      if (len != 4) return r.fail(fmt::format("record data of A is {} bytes, expected 4", len));
      rest();
      return true;
    case type::aaaa:
      if (len != 16)
        return r.fail(fmt::format("record data of AAAA is {} bytes, expected 16", len));
      rest();
      return true;
    case type::ns:
    case type::cname:
    case type::ptr:
    case type::dname:
    case 3:
    case 4:
    case 7:
    case 8:
    case 9:  // MD MF MB MG MR
      return name_here() && exactly_consumed();
    case type::soa:
      return name_here() && name_here() && fixed(20) && exactly_consumed();
    case type::mx:
    case 18:  // AFSDB
    case 21:  // RT
    case 36:  // KX
      return fixed(2) && name_here() && exactly_consumed();
    case 17:  // RP
    case 14:  // MINFO
      return name_here() && name_here() && exactly_consumed();
    case type::srv:
      return fixed(6) && name_here() && exactly_consumed();
    case type::naptr: {
      if (!fixed(4)) return false;
      for (int i = 0; i < 3; ++i) {
        if (r.pos >= end) return r.fail("record data of NAPTR too short");
        std::size_t n = r.b[r.pos];
        if (!fixed(1 + n)) return false;
      }
      return name_here() && exactly_consumed();
    }
    case type::rrsig:
      if (!fixed(18) || !name_here()) return false;
      rest();
      return true;
    case type::nsec:
      if (!name_here()) return false;
      rest();
      return true;
    case type::svcb:
    case type::https:
      if (!fixed(2) || !name_here()) return false;
      rest();
      return true;
    default:
      rest();
      return true;
  }
}

bool read_record(reader& r, record& rec, std::uint16_t& rdlen_out) {
  std::string owner;
  if (!r.read_name(owner, r.b.size())) return false;
  rec.owner = *name::from_wire(owner);
  std::uint16_t rdlen = 0;
  if (!r.u16(rec.type, "a record's type") || !r.u16(rec.rclass, "a record's class") ||
      !r.u32(rec.ttl, "a record's TTL") || !r.u16(rdlen, "a record's data length"))
    return false;
  if (!r.need(rdlen, "a record's data")) return false;
  rdlen_out = rdlen;
  std::size_t end = r.pos + rdlen;
  if (rec.type == type::opt) {
    rec.data.assign(reinterpret_cast<const char*>(r.b.data() + r.pos), rdlen);
    r.pos = end;
    return true;
  }
  return read_data(r, rec.type, end, rec.data);
}

}  // namespace

std::vector<extended_error> message::extended_errors() const {
  std::vector<extended_error> out;
  if (!opt) return out;
  for (auto& o : opt->options) {
    if (o.code != option::extended_error || o.data.size() < 2) continue;
    extended_error e;
    e.info_code = static_cast<std::uint16_t>(static_cast<std::uint8_t>(o.data[0]) << 8 |
                                             static_cast<std::uint8_t>(o.data[1]));
    e.text = o.data.substr(2);
    // Some servers end the text with a NUL, which RFC 8914 says not to send.
    while (!e.text.empty() && e.text.back() == '\0') e.text.pop_back();
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<std::string> message::nsid() const {
  if (!opt) return std::nullopt;
  for (auto& o : opt->options)
    if (o.code == option::nsid) return o.data;
  return std::nullopt;
}

parse_result parse(std::span<const std::uint8_t> bytes, parse_limits limits) {
  parse_result res;
  reader r{bytes};
  if (bytes.size() >= 2) res.id = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  if (bytes.size() < 12) {
    res.error = fmt::format("message of {} bytes is shorter than a header", bytes.size());
    return res;
  }
  res.has_header = true;
  message m;
  std::uint16_t flags = 0, qd = 0, an = 0, ns = 0, ar = 0;
  r.u16(m.id, "the header");
  r.u16(flags, "the header");
  r.u16(qd, "the header");
  r.u16(an, "the header");
  r.u16(ns, "the header");
  r.u16(ar, "the header");
  m.qr = flags & 0x8000;
  m.opcode = static_cast<std::uint8_t>(flags >> 11 & 0xF);
  m.aa = flags & 0x0400;
  m.tc = flags & 0x0200;
  m.rd = flags & 0x0100;
  m.ra = flags & 0x0080;
  m.z = flags & 0x0040;
  m.ad = flags & 0x0020;
  m.cd = flags & 0x0010;
  m.rcode = flags & 0xF;
  std::size_t total = std::size_t{qd} + an + ns + ar;
  if (total > limits.max_records) {
    res.error = fmt::format("message declares {} records, more than {}", total, limits.max_records);
    return res;
  }
  // Every question takes at least 5 bytes and every record 11: a count the bytes cannot hold is
  // refused before anything is reserved for it.
  if (std::size_t{qd} * 5 + (std::size_t{an} + ns + ar) * 11 > bytes.size() - 12) {
    res.error = fmt::format(
        "message declares {} questions and {} records, more than its {} bytes "
        "hold",
        qd, an + ns + ar, bytes.size());
    return res;
  }
  m.questions.reserve(qd);
  for (std::uint16_t i = 0; i < qd; ++i) {
    std::string qn;
    question q;
    if (!r.read_name(qn, bytes.size()) || !r.u16(q.qtype, "a question") ||
        !r.u16(q.qclass, "a question")) {
      res.error = r.error;
      return res;
    }
    q.qname = *name::from_wire(qn);
    m.questions.push_back(std::move(q));
  }
  auto section = [&](std::uint16_t count, std::vector<record>& into, bool additional) {
    into.reserve(count);
    for (std::uint16_t i = 0; i < count; ++i) {
      record rec;
      std::uint16_t rdlen = 0;
      std::size_t at = r.pos;
      if (!read_record(r, rec, rdlen)) return false;
      if (rec.type == type::opt) {
        if (!additional)
          return r.fail(fmt::format("OPT record outside the additional section at offset {}", at));
        if (m.opt) return r.fail(fmt::format("a second OPT record at offset {}", at));
        if (!rec.owner.is_root())
          return r.fail(fmt::format("OPT record owned by {} at offset {}, not the root",
                                    rec.owner.to_string(), at));
        edns e;
        e.udp_size = rec.rclass;
        m.rcode = static_cast<std::uint16_t>(m.rcode | (rec.ttl >> 24 & 0xFF) << 4);
        e.version = static_cast<std::uint8_t>(rec.ttl >> 16 & 0xFF);
        e.dnssec_ok = rec.ttl & 0x8000;
        e.z = static_cast<std::uint16_t>(rec.ttl & 0x7FFF);
        std::size_t p = 0;
        while (p < rec.data.size()) {
          if (rec.data.size() - p < 4)
            return r.fail(fmt::format("EDNS option header cut short at offset {}", at));
          edns_option o;
          o.code = static_cast<std::uint16_t>(static_cast<std::uint8_t>(rec.data[p]) << 8 |
                                              static_cast<std::uint8_t>(rec.data[p + 1]));
          std::size_t olen = static_cast<std::uint8_t>(rec.data[p + 2]) << 8 |
                             static_cast<std::uint8_t>(rec.data[p + 3]);
          if (rec.data.size() - p - 4 < olen)
            return r.fail(
                fmt::format("EDNS option {} runs past its record at offset {}", o.code, at));
          o.data = rec.data.substr(p + 4, olen);
          e.options.push_back(std::move(o));
          p += 4 + olen;
        }
        m.opt = std::move(e);
        continue;
      }
      into.push_back(std::move(rec));
    }
    return true;
  };
  if (!section(an, m.answers, false) || !section(ns, m.authority, false) ||
      !section(ar, m.additional, true)) {
    res.error = r.error;
    return res;
  }
  if (r.pos != bytes.size()) {
    res.error = fmt::format("{} bytes after the last record", bytes.size() - r.pos);
    return res;
  }
  res.msg = std::move(m);
  return res;
}

namespace {

class writer {
 public:
  std::string out;

  void u16(std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xFF));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v & 0xFFFF));
  }
  void put16(std::size_t at, std::uint16_t v) {
    out[at] = static_cast<char>(v >> 8);
    out[at + 1] = static_cast<char>(v & 0xFF);
  }

  // Writes `wire` (an uncompressed name), pointing at an earlier copy of its longest known
  // suffix when `compress`; remembers where its own suffixes start.
  void name(std::string_view wire, bool compress) {
    std::size_t pos = 0;
    while (pos < wire.size() && wire[pos] != 0) {
      std::string key = lowered(wire.substr(pos));
      if (compress) {
        auto it = offsets_.find(key);
        if (it != offsets_.end()) {
          u16(static_cast<std::uint16_t>(0xC000 | it->second));
          return;
        }
      }
      if (out.size() < 0x4000)
        offsets_.emplace(std::move(key), static_cast<std::uint16_t>(out.size()));
      auto len = static_cast<std::uint8_t>(wire[pos]);
      out.append(wire.substr(pos, 1 + len));
      pos += 1 + len;
    }
    out.push_back('\0');
  }

  // Back to `size`: what was written after goes, and so do the names remembered there.
  void truncate(std::size_t size) {
    out.resize(size);
    for (auto it = offsets_.begin(); it != offsets_.end();)
      if (it->second >= size)
        it = offsets_.erase(it);
      else
        ++it;
  }

 private:
  static std::string lowered(std::string_view s) {
    std::string k(s);
    for (auto& c : k)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return k;
  }
  std::unordered_map<std::string, std::uint16_t> offsets_;
};

// The data of a record, its names compressed where RFC 3597 allows (the types of RFC 1035).
void write_data(writer& w, const record& r) {
  std::string_view d = r.data;
  switch (r.type) {
    case type::ns:
    case type::cname:
    case type::ptr:
      if (auto len = wire_name_length(d); len && *len == d.size()) {
        w.name(d, true);
        return;
      }
      break;
    case type::mx:
      if (d.size() > 2)
        if (auto len = wire_name_length(d.substr(2)); len && *len == d.size() - 2) {
          w.out.append(d.substr(0, 2));
          w.name(d.substr(2), true);
          return;
        }
      break;
    case type::soa: {
      auto l1 = wire_name_length(d);
      if (!l1) break;
      auto l2 = wire_name_length(d.substr(*l1));
      if (!l2 || *l1 + *l2 + 20 != d.size()) break;
      w.name(d.substr(0, *l1), true);
      w.name(d.substr(*l1, *l2), true);
      w.out.append(d.substr(*l1 + *l2));
      return;
    }
    default:
      break;
  }
  w.out.append(d);
}

void write_record(writer& w, const record& r) {
  w.name(r.owner.wire(), true);
  w.u16(r.type);
  w.u16(r.rclass);
  w.u32(r.ttl);
  std::size_t len_at = w.out.size();
  w.u16(0);
  std::size_t start = w.out.size();
  write_data(w, r);
  std::size_t n = w.out.size() - start;
  if (n > 65535) throw std::length_error("record data over 65535 bytes");
  w.put16(len_at, static_cast<std::uint16_t>(n));
}

std::string opt_record(const message& m) {
  writer w;
  w.out.push_back('\0');
  w.u16(type::opt);
  w.u16(m.opt->udp_size);
  std::uint32_t ttl = static_cast<std::uint32_t>(m.rcode >> 4 & 0xFF) << 24 |
                      static_cast<std::uint32_t>(m.opt->version) << 16 |
                      (m.opt->dnssec_ok ? 0x8000u : 0u) | (m.opt->z & 0x7FFF);
  w.u32(ttl);
  std::size_t len = 0;
  for (auto& o : m.opt->options) len += 4 + o.data.size();
  if (len > 65535) throw std::length_error("EDNS options over 65535 bytes");
  w.u16(static_cast<std::uint16_t>(len));
  for (auto& o : m.opt->options) {
    w.u16(o.code);
    w.u16(static_cast<std::uint16_t>(o.data.size()));
    w.out += o.data;
  }
  return w.out;
}

}  // namespace

std::optional<std::size_t> wire_name_length(std::string_view wire) {
  std::size_t pos = 0;
  while (pos < wire.size()) {
    auto len = static_cast<std::uint8_t>(wire[pos]);
    if (len == 0) return pos + 1 <= 255 ? std::optional<std::size_t>(pos + 1) : std::nullopt;
    if (len > 63) return std::nullopt;
    pos += 1 + len;
  }
  return std::nullopt;
}

std::string write(const message& m, std::size_t max_size) {
  if (m.questions.size() > 65535 || m.answers.size() > 65535 || m.authority.size() > 65535 ||
      m.additional.size() + (m.opt ? 1 : 0) > 65535)
    throw std::length_error("a section of more than 65535 records");
  max_size = std::min<std::size_t>(max_size, 65535);
  writer w;
  w.out.reserve(512);
  w.u16(m.id);
  std::uint16_t flags = static_cast<std::uint16_t>(
      (m.qr ? 0x8000 : 0) | (m.opcode & 0xF) << 11 | (m.aa ? 0x0400 : 0) | (m.tc ? 0x0200 : 0) |
      (m.rd ? 0x0100 : 0) | (m.ra ? 0x0080 : 0) | (m.z ? 0x0040 : 0) | (m.ad ? 0x0020 : 0) |
      (m.cd ? 0x0010 : 0) | (m.rcode & 0xF));
  w.u16(flags);
  w.u16(static_cast<std::uint16_t>(m.questions.size()));
  std::size_t counts_at = w.out.size();
  w.u16(0);
  w.u16(0);
  w.u16(0);
  for (auto& q : m.questions) {
    w.name(q.qname.wire(), true);
    w.u16(q.qtype);
    w.u16(q.qclass);
  }
  std::string opt = m.opt ? opt_record(m) : std::string();
  if (w.out.size() + opt.size() > max_size)
    throw std::length_error("the header and question do not fit the size limit");
  std::size_t room = max_size - opt.size();
  std::uint16_t counts[3] = {0, 0, 0};
  bool truncated = false, dropped_additional = false;
  const std::vector<record>* sections[3] = {&m.answers, &m.authority, &m.additional};
  for (int s = 0; s < 3 && !truncated && !dropped_additional; ++s) {
    for (auto& r : *sections[s]) {
      std::size_t before = w.out.size();
      write_record(w, r);
      if (w.out.size() > room) {
        w.truncate(before);
        // Records left out of the additional section do not make the answer incomplete
        // (RFC 2181 section 9): TC only when answer or authority records are missing.
        if (s == 2)
          dropped_additional = true;
        else
          truncated = true;
        break;
      }
      ++counts[s];
    }
  }
  if (!opt.empty()) w.out += opt;
  w.put16(counts_at, counts[0]);
  w.put16(counts_at + 2, counts[1]);
  w.put16(counts_at + 4, static_cast<std::uint16_t>(counts[2] + (m.opt ? 1 : 0)));
  if (truncated) w.out[2] = static_cast<char>(w.out[2] | 0x02);
  return w.out;
}

message make_query(std::uint16_t id, const name& qname, std::uint16_t qtype, std::uint16_t udp_size,
                   bool dnssec_ok) {
  message m;
  m.id = id;
  m.rd = true;
  m.questions.push_back(question{qname, qtype, rclass::in});
  if (udp_size > 0) {
    edns e;
    e.udp_size = udp_size;
    e.dnssec_ok = dnssec_ok;
    m.opt = std::move(e);
  }
  return m;
}

}  // namespace proto::dns

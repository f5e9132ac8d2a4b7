// Record data as presentation text (RFC 1035 section 5 and each type's own RFC) and back.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "core/base64.hpp"
#include "proto/dns/message.hpp"
#include "proto/dns/wire.hpp"

namespace proto::dns {

namespace {

// ---- reading wire data for display

struct cursor {
  std::string_view d;
  std::size_t pos = 0;
  bool ok = true;
  std::size_t left() const { return d.size() - pos; }
  std::uint8_t u8() {
    if (left() < 1) return ok = false, 0;
    return static_cast<std::uint8_t>(d[pos++]);
  }
  std::uint16_t u16() {
    if (left() < 2) return ok = false, 0;
    auto v = static_cast<std::uint16_t>(static_cast<std::uint8_t>(d[pos]) << 8 |
                                        static_cast<std::uint8_t>(d[pos + 1]));
    pos += 2;
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t hi = u16();
    return hi << 16 | u16();
  }
  std::string_view bytes(std::size_t n) {
    if (left() < n) return ok = false, std::string_view{};
    auto v = d.substr(pos, n);
    pos += n;
    return v;
  }
  std::string_view rest() { return bytes(left()); }
  std::optional<name> wire_name() {
    auto len = wire_name_length(d.substr(pos));
    if (!len) return ok = false, std::nullopt;
    auto n = name::from_wire(d.substr(pos, *len));
    pos += *len;
    if (!n) ok = false;
    return n;
  }
  // A <character-string>: a length byte and that many bytes.
  std::optional<std::string_view> string() {
    if (left() < 1) return ok = false, std::nullopt;
    std::size_t n = static_cast<std::uint8_t>(d[pos]);
    if (left() < 1 + n) return ok = false, std::nullopt;
    auto v = d.substr(pos + 1, n);
    pos += 1 + n;
    return v;
  }
};

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\{:03d}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

std::string hex(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) out += fmt::format("{:02X}", c);
  return out;
}

std::string generic(std::string_view d) {
  if (d.empty()) return "\\# 0";
  return fmt::format("\\# {} {}", d.size(), hex(d));
}

std::string ipv4(std::string_view b) {
  return fmt::format("{}.{}.{}.{}", static_cast<std::uint8_t>(b[0]),
                     static_cast<std::uint8_t>(b[1]), static_cast<std::uint8_t>(b[2]),
                     static_cast<std::uint8_t>(b[3]));
}

std::string ipv6(std::string_view b) {
  char buf[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
  return buf;
}

std::string rrsig_time(std::uint32_t t) {
  std::time_t tt = t;
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  return fmt::format("{:04d}{:02d}{:02d}{:02d}{:02d}{:02d}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string type_bitmap(cursor& c) {
  std::string out;
  while (c.ok && c.left() > 0) {
    std::uint8_t window = c.u8();
    std::uint8_t len = c.u8();
    if (!c.ok || len == 0 || len > 32) {
      c.ok = false;
      break;
    }
    auto bits = c.bytes(len);
    for (std::size_t i = 0; i < bits.size(); ++i)
      for (int b = 0; b < 8; ++b)
        if (static_cast<std::uint8_t>(bits[i]) & (0x80 >> b))
          out += " " + type_name(static_cast<std::uint16_t>(window * 256 + i * 8 + b));
  }
  return out;
}

std::string svc_key_name(std::uint16_t k) {
  switch (k) {
    case 0:
      return "mandatory";
    case 1:
      return "alpn";
    case 2:
      return "no-default-alpn";
    case 3:
      return "port";
    case 4:
      return "ipv4hint";
    case 5:
      return "ech";
    case 6:
      return "ipv6hint";
  }
  return fmt::format("key{}", k);
}

std::optional<std::uint16_t> svc_key(std::string_view s) {
  for (std::uint16_t k = 0; k <= 6; ++k)
    if (svc_key_name(k) == s) return k;
  if (s.starts_with("key") && s.size() > 3 && s.size() <= 8) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data() + 3, s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && v <= 65535)
      return static_cast<std::uint16_t>(v);
  }
  return std::nullopt;
}

std::string svc_params(cursor& c) {
  std::string out;
  while (c.ok && c.left() > 0) {
    std::uint16_t key = c.u16();
    std::uint16_t len = c.u16();
    auto v = c.bytes(len);
    if (!c.ok) break;
    out += " " + svc_key_name(key);
    cursor p{v};
    std::string value;
    switch (key) {
      case 0:
        while (p.left() >= 2) value += (value.empty() ? "" : ",") + svc_key_name(p.u16());
        if (p.left()) c.ok = false;
        break;
      case 1:
        while (p.ok && p.left()) {
          auto s = p.string();
          if (!s) break;
          value += (value.empty() ? "" : ",") + std::string(*s);
        }
        if (!p.ok) c.ok = false;
        break;
      case 2:
        if (len != 0) c.ok = false;
        break;
      case 3:
        if (len != 2)
          c.ok = false;
        else
          value = std::to_string(p.u16());
        break;
      case 4:
        if (len == 0 || len % 4) c.ok = false;
        for (std::size_t i = 0; c.ok && i < len; i += 4)
          value += (value.empty() ? "" : ",") + ipv4(v.substr(i, 4));
        break;
      case 5:
        value = core::base64_encode(v);
        break;
      case 6:
        if (len == 0 || len % 16) c.ok = false;
        for (std::size_t i = 0; c.ok && i < len; i += 16)
          value += (value.empty() ? "" : ",") + ipv6(v.substr(i, 16));
        break;
      default:
        value = quoted(v);
        value = value.substr(1, value.size() - 2);
        break;
    }
    if (key != 2 && c.ok) out += "=" + value;
  }
  return out;
}

std::optional<std::string> to_text(std::uint16_t t, std::string_view d) {
  cursor c{d};
  std::string out;
  auto name_text = [&]() {
    auto n = c.wire_name();
    return n ? n->to_string() : std::string();
  };
  switch (t) {
    case type::a:
      if (d.size() != 4) return std::nullopt;
      return ipv4(d);
    case type::aaaa:
      if (d.size() != 16) return std::nullopt;
      return ipv6(d);
    case type::ns:
    case type::cname:
    case type::ptr:
    case type::dname:
      out = name_text();
      break;
    case type::soa: {
      auto m = name_text();
      auto r = name_text();
      auto serial = c.u32(), refresh = c.u32(), retry = c.u32(), expire = c.u32(), min = c.u32();
      out = fmt::format("{} {} {} {} {} {} {}", m, r, serial, refresh, retry, expire, min);
      break;
    }
    case type::mx:
    case 18:
    case 21:
    case 36: {
      auto pref = c.u16();
      out = fmt::format("{} {}", pref, name_text());
      break;
    }
    case type::txt:
    case 99: {
      if (d.empty()) return std::nullopt;
      while (c.ok && c.left()) {
        auto s = c.string();
        if (!s) break;
        out += (out.empty() ? "" : " ") + quoted(*s);
      }
      break;
    }
    case type::hinfo: {
      auto cpu = c.string();
      auto os = c.string();
      if (cpu && os) out = quoted(*cpu) + " " + quoted(*os);
      break;
    }
    case type::srv: {
      auto prio = c.u16(), weight = c.u16(), port = c.u16();
      out = fmt::format("{} {} {} {}", prio, weight, port, name_text());
      break;
    }
    case type::naptr: {
      auto order = c.u16(), pref = c.u16();
      auto flags = c.string();
      auto services = c.string();
      auto regexp = c.string();
      if (!c.ok) break;
      out = fmt::format("{} {} {} {} {} {}", order, pref, quoted(*flags), quoted(*services),
                        quoted(*regexp), name_text());
      break;
    }
    case type::caa: {
      auto flags = c.u8();
      auto tag = c.string();
      if (!c.ok || !tag || tag->empty()) return std::nullopt;
      out = fmt::format("{} {} {}", flags, *tag, quoted(c.rest()));
      break;
    }
    case type::ds:
    case 59: {
      auto tag = c.u16();
      auto alg = c.u8(), digest = c.u8();
      auto rest = c.rest();
      if (rest.empty()) return std::nullopt;
      out = fmt::format("{} {} {} {}", tag, alg, digest, hex(rest));
      break;
    }
    case type::dnskey:
    case 60: {
      auto flags = c.u16();
      auto proto = c.u8(), alg = c.u8();
      auto key = c.rest();
      if (key.empty()) return std::nullopt;
      out = fmt::format("{} {} {} {}", flags, proto, alg, core::base64_encode(key));
      break;
    }
    case type::rrsig: {
      auto covered = c.u16();
      auto alg = c.u8(), labels = c.u8();
      auto ttl = c.u32(), expire = c.u32(), incept = c.u32();
      auto tag = c.u16();
      auto signer = name_text();
      auto sig = c.rest();
      if (!c.ok || sig.empty()) return std::nullopt;
      out = fmt::format("{} {} {} {} {} {} {} {} {}", type_name(covered), alg, labels, ttl,
                        rrsig_time(expire), rrsig_time(incept), tag, signer,
                        core::base64_encode(sig));
      break;
    }
    case type::nsec: {
      auto next = name_text();
      out = next + type_bitmap(c);
      break;
    }
    case type::sshfp: {
      auto alg = c.u8(), fp = c.u8();
      auto rest = c.rest();
      if (rest.empty()) return std::nullopt;
      out = fmt::format("{} {} {}", alg, fp, hex(rest));
      break;
    }
    case type::tlsa: {
      auto usage = c.u8(), sel = c.u8(), mt = c.u8();
      auto rest = c.rest();
      if (rest.empty()) return std::nullopt;
      out = fmt::format("{} {} {} {}", usage, sel, mt, hex(rest));
      break;
    }
    case type::svcb:
    case type::https: {
      auto prio = c.u16();
      auto target = name_text();
      out = fmt::format("{} {}", prio, target) + svc_params(c);
      break;
    }
    default:
      return std::nullopt;
  }
  if (!c.ok || c.left() != 0) return std::nullopt;
  return out;
}

// ---- reading presentation text

// Splits presentation text into fields: blanks separate, double quotes group (kept, so that a
// caller can tell "a b" from a b), backslash escapes kept as written.
std::vector<std::string> fields_of(std::string_view text, std::string& error) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size()) break;
    std::string f;
    if (text[i] == '"') {
      f.push_back('"');
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          f.push_back(text[i]);
          f.push_back(text[i + 1]);
          i += 2;
          continue;
        }
        if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        f.push_back(text[i++]);
      }
      if (!closed) {
        error = "a quoted string is not closed";
        return {};
      }
      f.push_back('"');
    } else {
      while (i < text.size() && text[i] != ' ' && text[i] != '\t') {
        if (text[i] == '\\' && i + 1 < text.size()) f.push_back(text[i++]);
        f.push_back(text[i++]);
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

// A field's bytes: quotes removed, \X and \DDD decoded.
std::optional<std::string> unescape(std::string_view f) {
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '\\') {
      out.push_back(f[i]);
      continue;
    }
    if (i + 1 >= f.size()) return std::nullopt;
    if (f[i + 1] >= '0' && f[i + 1] <= '9') {
      if (i + 3 >= f.size()) return std::nullopt;
      int v = 0;
      for (int k = 1; k <= 3; ++k) {
        char x = f[i + k];
        if (x < '0' || x > '9') return std::nullopt;
        v = v * 10 + (x - '0');
      }
      if (v > 255) return std::nullopt;
      out.push_back(static_cast<char>(v));
      i += 3;
    } else {
      out.push_back(f[++i]);
    }
  }
  return out;
}

template <typename T>
std::optional<T> number(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct builder {
  std::string out;
  std::string& error;
  void u8(std::uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xFF));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v & 0xFFFF));
  }
  bool fail(std::string e) {
    error = std::move(e);
    return false;
  }
  bool n8(std::string_view s, std::string_view what) {
    auto v = number<unsigned>(s);
    if (!v || *v > 255) return fail(fmt::format("bad {} '{}' (0-255)", what, s));
    u8(static_cast<std::uint8_t>(*v));
    return true;
  }
  bool n16(std::string_view s, std::string_view what) {
    auto v = number<unsigned>(s);
    if (!v || *v > 65535) return fail(fmt::format("bad {} '{}' (0-65535)", what, s));
    u16(static_cast<std::uint16_t>(*v));
    return true;
  }
  bool n32(std::string_view s, std::string_view what) {
    auto v = number<std::uint64_t>(s);
    if (!v || *v > 0xFFFFFFFFull) return fail(fmt::format("bad {} '{}'", what, s));
    u32(static_cast<std::uint32_t>(*v));
    return true;
  }
  bool dname(std::string_view s, const name& origin) {
    auto n = name::parse(s, &origin);
    if (!n) return fail(fmt::format("bad domain name '{}'", s));
    out += n->wire();
    return true;
  }
  bool string(std::string_view f) {
    auto b = unescape(f);
    if (!b) return fail(fmt::format("bad escape in '{}'", f));
    if (b->size() > 255) return fail(fmt::format("string of {} bytes, over 255", b->size()));
    u8(static_cast<std::uint8_t>(b->size()));
    out += *b;
    return true;
  }
  bool hexdata(const std::vector<std::string>& f, std::size_t from) {
    std::string h;
    for (std::size_t i = from; i < f.size(); ++i) h += f[i];
    if (h.empty() || h.size() % 2) return fail(fmt::format("bad hex '{}'", h));
    for (std::size_t i = 0; i < h.size(); i += 2) {
      unsigned v = 0;
      auto [p, ec] = std::from_chars(h.data() + i, h.data() + i + 2, v, 16);
      if (ec != std::errc() || p != h.data() + i + 2) return fail(fmt::format("bad hex '{}'", h));
      u8(static_cast<std::uint8_t>(v));
    }
    return true;
  }
  bool b64data(const std::vector<std::string>& f, std::size_t from) {
    std::string t;
    for (std::size_t i = from; i < f.size(); ++i) t += f[i];
    auto b = core::base64_decode(t);
    if (!b || b->empty()) return fail(fmt::format("bad base64 '{}'", t));
    out += *b;
    return true;
  }
  bool v4(std::string_view s) {
    unsigned char b[4];
    std::string z(s);
    if (::inet_pton(AF_INET, z.c_str(), b) != 1)
      return fail(fmt::format("bad IPv4 address '{}'", s));
    out.append(reinterpret_cast<char*>(b), 4);
    return true;
  }
  bool v6(std::string_view s) {
    unsigned char b[16];
    std::string z(s);
    if (::inet_pton(AF_INET6, z.c_str(), b) != 1)
      return fail(fmt::format("bad IPv6 address '{}'", s));
    out.append(reinterpret_cast<char*>(b), 16);
    return true;
  }
};

std::optional<std::uint32_t> rrsig_time_from(std::string_view s) {
  if (s.size() == 14) {
    std::tm tm{};
    auto part = [&](std::size_t at, std::size_t n) { return number<int>(s.substr(at, n)); };
    auto y = part(0, 4), mo = part(4, 2), d = part(6, 2), h = part(8, 2), mi = part(10, 2),
         se = part(12, 2);
    if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
    tm.tm_year = *y - 1900;
    tm.tm_mon = *mo - 1;
    tm.tm_mday = *d;
    tm.tm_hour = *h;
    tm.tm_min = *mi;
    tm.tm_sec = *se;
    auto t = ::timegm(&tm);
    if (t < 0) return std::nullopt;
    return static_cast<std::uint32_t>(t);
  }
  return number<std::uint32_t>(s);
}

bool bitmap(builder& b, const std::vector<std::string>& f, std::size_t from) {
  std::vector<std::uint16_t> types;
  for (std::size_t i = from; i < f.size(); ++i) {
    auto t = type_from_name(f[i]);
    if (!t) return b.fail(fmt::format("unknown type '{}'", f[i]));
    types.push_back(*t);
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  std::size_t i = 0;
  while (i < types.size()) {
    std::uint8_t window = static_cast<std::uint8_t>(types[i] >> 8);
    std::uint8_t bits[32] = {};
    std::size_t len = 0;
    while (i < types.size() && (types[i] >> 8) == window) {
      std::uint8_t low = types[i] & 0xFF;
      bits[low / 8] = static_cast<std::uint8_t>(bits[low / 8] | 0x80 >> (low % 8));
      len = low / 8 + 1;
      ++i;
    }
    b.u8(window);
    b.u8(static_cast<std::uint8_t>(len));
    b.out.append(reinterpret_cast<char*>(bits), len);
  }
  return true;
}

bool svc_from(builder& b, const std::vector<std::string>& f, std::size_t from) {
  std::vector<std::pair<std::uint16_t, std::string>> params;
  for (std::size_t i = from; i < f.size(); ++i) {
    std::string_view kv = f[i];
    auto eq = kv.find('=');
    auto key = svc_key(kv.substr(0, eq));
    if (!key) return b.fail(fmt::format("unknown SvcParam '{}'", kv.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      auto u = unescape(kv.substr(eq + 1));
      if (!u) return b.fail(fmt::format("bad escape in '{}'", kv));
      value = *u;
    }
    auto list = [&](std::string_view v) {
      std::vector<std::string> items;
      std::size_t s = 0;
      while (s <= v.size()) {
        auto c = v.find(',', s);
        items.emplace_back(v.substr(s, c == std::string_view::npos ? v.npos : c - s));
        if (c == std::string_view::npos) break;
        s = c + 1;
      }
      return items;
    };
    builder v{{}, b.error};
    switch (*key) {
      case 0:
        for (auto& k : list(value)) {
          auto kk = svc_key(k);
          if (!kk) return b.fail(fmt::format("unknown key '{}' in mandatory", k));
          v.u16(*kk);
        }
        break;
      case 1:
        for (auto& a : list(value)) {
          if (a.empty() || a.size() > 255) return b.fail("bad alpn value");
          v.u8(static_cast<std::uint8_t>(a.size()));
          v.out += a;
        }
        break;
      case 2:
        if (!value.empty()) return b.fail("no-default-alpn takes no value");
        break;
      case 3:
        if (!v.n16(value, "port")) return false;
        break;
      case 4:
        for (auto& a : list(value))
          if (!v.v4(a)) return false;
        break;
      case 5: {
        auto d = core::base64_decode(value);
        if (!d) return b.fail("bad base64 in ech");
        v.out = *d;
        break;
      }
      case 6:
        for (auto& a : list(value))
          if (!v.v6(a)) return false;
        break;
      default:
        v.out = value;
    }
    if (v.out.size() > 65535) return b.fail("SvcParam value too long");
    params.emplace_back(*key, std::move(v.out));
  }
  std::sort(params.begin(), params.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  for (std::size_t i = 1; i < params.size(); ++i)
    if (params[i].first == params[i - 1].first)
      return b.fail(fmt::format("SvcParam {} given twice", svc_key_name(params[i].first)));
  for (auto& [k, v] : params) {
    b.u16(k);
    b.u16(static_cast<std::uint16_t>(v.size()));
    b.out += v;
  }
  return true;
}

bool from_text(builder& b, std::uint16_t t, const std::vector<std::string>& f, const name& origin) {
  auto want = [&](std::size_t n) {
    if (f.size() == n) return true;
    return b.fail(
        fmt::format("{} takes {} field{}, got {}", type_name(t), n, n == 1 ? "" : "s", f.size()));
  };
  auto at_least = [&](std::size_t n) {
    if (f.size() >= n) return true;
    return b.fail(fmt::format("{} takes at least {} fields, got {}", type_name(t), n, f.size()));
  };
  switch (t) {
    case type::a:
      return want(1) && b.v4(f[0]);
    case type::aaaa:
      return want(1) && b.v6(f[0]);
    case type::ns:
    case type::cname:
    case type::ptr:
    case type::dname:
      return want(1) && b.dname(f[0], origin);
    case type::soa:
      return want(7) && b.dname(f[0], origin) && b.dname(f[1], origin) && b.n32(f[2], "serial") &&
             b.n32(f[3], "refresh") && b.n32(f[4], "retry") && b.n32(f[5], "expire") &&
             b.n32(f[6], "minimum");
    case type::mx:
    case 18:
    case 21:
    case 36:
      return want(2) && b.n16(f[0], "preference") && b.dname(f[1], origin);
    case type::txt:
    case 99:
      if (!at_least(1)) return false;
      for (auto& s : f)
        if (!b.string(s)) return false;
      return true;
    case type::hinfo:
      return want(2) && b.string(f[0]) && b.string(f[1]);
    case type::srv:
      return want(4) && b.n16(f[0], "priority") && b.n16(f[1], "weight") && b.n16(f[2], "port") &&
             b.dname(f[3], origin);
    case type::naptr:
      return want(6) && b.n16(f[0], "order") && b.n16(f[1], "preference") && b.string(f[2]) &&
             b.string(f[3]) && b.string(f[4]) && b.dname(f[5], origin);
    case type::caa: {
      if (!want(3) || !b.n8(f[0], "flags")) return false;
      if (f[1].empty() || f[1].size() > 255 || !std::all_of(f[1].begin(), f[1].end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c));
          }))
        return b.fail(fmt::format("bad CAA tag '{}'", f[1]));
      b.u8(static_cast<std::uint8_t>(f[1].size()));
      b.out += f[1];
      auto v = unescape(f[2]);
      if (!v) return b.fail(fmt::format("bad escape in '{}'", f[2]));
      b.out += *v;
      return true;
    }
    case type::ds:
    case 59:
      return at_least(4) && b.n16(f[0], "key tag") && b.n8(f[1], "algorithm") &&
             b.n8(f[2], "digest type") && b.hexdata(f, 3);
    case type::dnskey:
    case 60:
      return at_least(4) && b.n16(f[0], "flags") && b.n8(f[1], "protocol") &&
             b.n8(f[2], "algorithm") && b.b64data(f, 3);
    case type::rrsig: {
      if (!at_least(9)) return false;
      auto covered = type_from_name(f[0]);
      if (!covered) return b.fail(fmt::format("unknown type '{}'", f[0]));
      b.u16(*covered);
      if (!b.n8(f[1], "algorithm") || !b.n8(f[2], "labels") || !b.n32(f[3], "original TTL"))
        return false;
      for (int i = 4; i <= 5; ++i) {
        auto tt = rrsig_time_from(f[i]);
        if (!tt) return b.fail(fmt::format("bad time '{}' (YYYYMMDDHHmmSS)", f[i]));
        b.u32(*tt);
      }
      return b.n16(f[6], "key tag") && b.dname(f[7], origin) && b.b64data(f, 8);
    }
    case type::nsec:
      return at_least(1) && b.dname(f[0], origin) && bitmap(b, f, 1);
    case type::sshfp:
      return at_least(3) && b.n8(f[0], "algorithm") && b.n8(f[1], "fingerprint type") &&
             b.hexdata(f, 2);
    case type::tlsa:
      return at_least(4) && b.n8(f[0], "usage") && b.n8(f[1], "selector") &&
             b.n8(f[2], "matching type") && b.hexdata(f, 3);
    case type::svcb:
    case type::https:
      return at_least(2) && b.n16(f[0], "priority") && b.dname(f[1], origin) && svc_from(b, f, 2);
    default:
      return b.fail(
          fmt::format("no presentation format known for {}; use \\# LENGTH HEX", type_name(t)));
  }
}

}  // namespace

std::string data_to_string(std::uint16_t type, std::string_view data) {
  if (auto t = to_text(type, data)) return *t;
  return generic(data);
}

std::string record_to_string(const record& r) {
  return fmt::format("{} {} {} {} {}", r.owner.to_string(), r.ttl, class_name(r.rclass),
                     type_name(r.type), data_to_string(r.type, r.data));
}

std::optional<std::string> data_from_string(std::uint16_t type, std::string_view text,
                                            const name& origin, std::string& error) {
  error.clear();
  auto f = fields_of(text, error);
  if (!error.empty()) return std::nullopt;
  builder b{{}, error};
  if (!f.empty() && f[0] == "\\#") {
    // RFC 3597: \# LENGTH HEX..., for any type.
    if (f.size() < 2) return b.fail("\\# needs a length"), std::nullopt;
    auto len = number<unsigned>(f[1]);
    if (!len || *len > 65535) return b.fail(fmt::format("bad length '{}'", f[1])), std::nullopt;
    if (*len == 0) {
      if (f.size() != 2) return b.fail("\\# 0 takes no data"), std::nullopt;
      return std::string();
    }
    if (!b.hexdata(f, 2)) return std::nullopt;
    if (b.out.size() != *len)
      return b.fail(fmt::format("\\# says {} bytes, the data has {}", *len, b.out.size())),
             std::nullopt;
    // Known types must still be well-formed.
    if (type == type::a && *len != 4) return b.fail("A data must be 4 bytes"), std::nullopt;
    if (type == type::aaaa && *len != 16) return b.fail("AAAA data must be 16 bytes"), std::nullopt;
    return b.out;
  }
  if (f.empty()) {
    error = fmt::format("no data for {}", type_name(type));
    return std::nullopt;
  }
  if (!from_text(b, type, f, origin)) return std::nullopt;
  if (b.out.size() > 65535) {
    error = "record data over 65535 bytes";
    return std::nullopt;
  }
  return b.out;
}

}  // namespace proto::dns

// Record data between wire form and presentation text, one field at a time as layout.cpp lists
// them. A type vitnet does not know, or data that cannot be shown field by field so that it
// reads back as the same bytes, is shown in the generic form of RFC 3597 section 5.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "core/base64.hpp"
#include "proto/dns/layout.hpp"
#include "proto/dns/message.hpp"
#include "proto/dns/presentation.hpp"
#include "proto/dns/svcb.hpp"
#include "proto/dns/wire.hpp"

namespace proto::dns {

namespace {

using detail::field;

// RFC 8659 section 4.1: a tag is letters and digits.
bool is_caa_tag(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  });
}

std::string generic(std::string_view data) {
  if (data.empty()) return "\\# 0";
  return fmt::format("\\# {} {}", data.size(), detail::to_hex(data));
}

// RFC 4034 section 3.2: seconds since 1970 as YYYYMMDDHHmmSS in UTC. The 32-bit value is read
// as lying between 1970 and 2106, so every value has one text and reads back the same.
std::string time_text(std::uint32_t t) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{t}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(),
                     hms.seconds().count());
}

std::optional<std::uint32_t> time_from_text(std::string_view s) {
  using namespace std::chrono;
  if (s.size() != 14) return detail::number(s, 0xffffffff);
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const year_month_day ymd{year{num(0, 4)}, month{unsigned(num(4, 2))}, day{unsigned(num(6, 2))}};
  const int h = num(8, 2), m = num(10, 2), sec = num(12, 2);
  if (!ymd.ok() || h > 23 || m > 59 || sec > 59) return std::nullopt;
  const long long t = sys_days{ymd}.time_since_epoch().count() * 86400LL + h * 3600 + m * 60 + sec;
  if (t < 0 || t > 0xffffffffLL) return std::nullopt;
  return std::uint32_t(t);
}

// NSEC's type bitmap (RFC 4034 section 4.1.2) as type mnemonics; nullopt unless canonical:
// windows ascending, each 1 to 32 bytes with no trailing zero byte.
std::optional<std::string> bitmap_text(std::string_view b) {
  std::string out;
  int last_window = -1;
  for (std::size_t at = 0; at < b.size();) {
    if (b.size() - at < 2) return std::nullopt;
    const int window = std::uint8_t(b[at]);
    const std::size_t len = std::uint8_t(b[at + 1]);
    if (window <= last_window || len == 0 || len > 32 || b.size() - at - 2 < len ||
        b[at + 1 + len] == 0)
      return std::nullopt;
    for (std::size_t i = 0; i < len; ++i)
      for (int bit = 0; bit < 8; ++bit)
        if (std::uint8_t(b[at + 2 + i]) & (0x80 >> bit)) {
          if (!out.empty()) out.push_back(' ');
          out += type_name(std::uint16_t(window * 256 + i * 8 + bit));
        }
    last_window = window;
    at += 2 + len;
  }
  return out;
}

std::string bitmap_wire(const std::set<std::uint16_t>& types) {
  std::string out;
  for (auto it = types.begin(); it != types.end();) {
    const int window = *it >> 8;
    std::string bits(32, '\0');
    std::size_t len = 0;
    for (; it != types.end() && (*it >> 8) == window; ++it) {
      const int low = *it & 0xff;
      bits[low / 8] = char(bits[low / 8] | (0x80 >> (low % 8)));
      len = std::size_t(low / 8 + 1);
    }
    out.push_back(char(window));
    out.push_back(char(len));
    out += bits.substr(0, len);
  }
  return out;
}

// Shows `data` field by field; nullopt when it does not fit or would not read back the same.
std::optional<std::string> present(std::span<const field> fields, std::string_view data) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  std::string out;
  std::size_t at = 0;
  for (field f : fields) {
    if (!out.empty()) out.push_back(' ');
    const std::size_t size = detail::fixed_size(f);
    if (data.size() - at < size) return std::nullopt;
    const std::string_view rest = data.substr(at);
    char buf[INET6_ADDRSTRLEN];
    switch (f) {
      case field::u8:
        out += std::to_string(p[at]);
        break;
      case field::u16:
        out += std::to_string(detail::get16(p + at));
        break;
      case field::u32:
      case field::period:
        out += std::to_string(detail::get32(p + at));
        break;
      case field::time:
        out += time_text(detail::get32(p + at));
        break;
      case field::type:
        out += type_name(detail::get16(p + at));
        break;
      case field::ipv4:
        out += inet_ntop(AF_INET, p + at, buf, sizeof buf);
        break;
      case field::ipv6:
        out += inet_ntop(AF_INET6, p + at, buf, sizeof buf);
        break;
      case field::name:
      case field::compressed_name: {
        std::size_t end = 0;
        std::string ignored;
        auto n = detail::read_name(detail::bytes_of(data), at, data.size(), false, end, ignored);
        if (!n) return std::nullopt;
        out += n->to_string();
        at = end;
        continue;
      }
      case field::string:
      case field::caa_tag:
      case field::strings: {
        do {
          if (at >= data.size() || data.size() - at - 1 < p[at]) return std::nullopt;
          const auto s = data.substr(at + 1, p[at]);
          if (f == field::caa_tag) {
            if (!is_caa_tag(s)) return std::nullopt;
            out += s;
          } else {
            if (f == field::strings && at > 0 && out.back() != ' ') out.push_back(' ');
            out += detail::quote(s);
          }
          at += 1 + s.size();
        } while (f == field::strings && at < data.size());
        continue;
      }
      case field::caa_value:
        out += detail::quote(rest);
        break;
      case field::hex:
        if (rest.empty()) return std::nullopt;
        out += detail::to_hex(rest);
        break;
      case field::base64:
        if (rest.empty()) return std::nullopt;
        out += core::base64_encode(rest);
        break;
      case field::bitmap: {
        auto text = bitmap_text(rest);
        if (!text) return std::nullopt;
        if (text->empty() && out.back() == ' ') out.pop_back();
        out += *text;
        break;
      }
      case field::svc_params: {
        auto text = detail::svc_params_to_text(rest);
        if (!text) return std::nullopt;
        if (text->empty() && out.back() == ' ') out.pop_back();
        out += *text;
        break;
      }
    }
    at += size ? size : rest.size();
  }
  if (at != data.size()) return std::nullopt;
  return out;
}

// The generic form "\# <length> <hex>..." (RFC 3597 section 5), accepted for every type; for a
// known type the bytes must still be valid data of that type.
std::optional<std::string> generic_from_tokens(std::uint16_t type,
                                               std::span<const detail::token> tokens,
                                               std::string& error) {
  if (tokens.size() < 2 || tokens[1].quoted) {
    error = "the generic form needs a length: \\# <length> <hex>";
    return std::nullopt;
  }
  auto length = detail::number(tokens[1].text, 65535);
  if (!length) {
    error = fmt::format("bad length '{}' in the generic form", tokens[1].text);
    return std::nullopt;
  }
  std::string hex;
  for (const auto& t : tokens.subspan(2)) hex += t.text;
  auto data = detail::from_hex(hex);
  if (!data) {
    error = "bad hex in the generic form";
    return std::nullopt;
  }
  if (data->size() != *length) {
    error = fmt::format("the generic form says {} bytes but has {}", *length, data->size());
    return std::nullopt;
  }
  if (data->empty()) return data;
  return detail::read_data(detail::bytes_of(*data), 0, data->size(), type, false, error);
}

}  // namespace

namespace detail {

std::optional<std::string> data_from_tokens(std::uint16_t type, std::span<const token> tokens,
                                            const name& origin, std::string& error) {
  if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#")
    return generic_from_tokens(type, tokens, error);
  const auto fields = layout_of(type);
  if (fields.empty()) {
    error =
        fmt::format("data of {} must be in the generic form \\# <length> <hex>", type_name(type));
    return std::nullopt;
  }
  std::string out;
  std::size_t i = 0;
  auto fail = [&](std::string message) {
    error = std::move(message);
    return std::nullopt;
  };
  auto rest_text = [&] {
    std::string joined;
    for (; i < tokens.size(); ++i) joined += tokens[i].text;
    return joined;
  };
  for (field f : fields) {
    const bool to_end = f == field::strings || f == field::hex || f == field::base64 ||
                        f == field::bitmap || f == field::svc_params;
    if (i >= tokens.size() && f != field::bitmap && f != field::svc_params)
      return fail(fmt::format("{} data ends too soon", type_name(type)));
    const std::string_view text = i < tokens.size() ? std::string_view(tokens[i].text) : "";
    if (!to_end) ++i;
    auto bad = [&](std::string_view what) { return fail(fmt::format("bad {} '{}'", what, text)); };
    switch (f) {
      case field::u8:
      case field::u16:
      case field::u32: {
        const std::uint32_t max = f == field::u8 ? 0xff : f == field::u16 ? 0xffff : 0xffffffff;
        auto n = number(text, max);
        if (!n) return bad("number");
        if (f == field::u8)
          out.push_back(char(*n));
        else if (f == field::u16)
          put16(out, std::uint16_t(*n));
        else
          put32(out, *n);
        break;
      }
      case field::period: {
        auto n = ttl(text);
        if (!n) return bad("time value");
        put32(out, *n);
        break;
      }
      case field::time: {
        auto n = time_from_text(text);
        if (!n) return bad("time");
        put32(out, *n);
        break;
      }
      case field::type: {
        auto t = type_from_name(text);
        if (!t) return bad("type");
        put16(out, *t);
        break;
      }
      case field::ipv4:
      case field::ipv6: {
        unsigned char buf[16];
        const int family = f == field::ipv4 ? AF_INET : AF_INET6;
        if (inet_pton(family, std::string(text).c_str(), buf) != 1)
          return bad(f == field::ipv4 ? "IPv4 address" : "IPv6 address");
        out.append(reinterpret_cast<const char*>(buf), f == field::ipv4 ? 4 : 16);
        break;
      }
      case field::name:
      case field::compressed_name: {
        auto n = tokens[i - 1].quoted ? std::nullopt : name::parse(text, &origin);
        if (!n) return bad("name");
        out += n->wire();
        break;
      }
      case field::string:
      case field::strings:
      case field::caa_tag: {
        do {
          auto s = unescape(tokens[i - (f == field::strings ? 0 : 1)].text);
          if (!s || s->size() > 255) return bad("character-string");
          if (f == field::caa_tag && (!is_caa_tag(*s) || tokens[i - 1].quoted))
            return bad("CAA tag");
          out.push_back(char(s->size()));
          out += *s;
        } while (f == field::strings && ++i < tokens.size());
        break;
      }
      case field::caa_value: {
        auto s = unescape(text);
        if (!s || s->size() > 65535) return bad("CAA value");
        out += *s;
        break;
      }
      case field::hex:
      case field::base64: {
        const std::string joined = rest_text();
        auto bytes = f == field::hex ? from_hex(joined) : core::base64_decode(joined);
        if (!bytes || bytes->empty())
          return fail(fmt::format("bad {} '{}'", f == field::hex ? "hex" : "base64", joined));
        out += *bytes;
        break;
      }
      case field::bitmap: {
        std::set<std::uint16_t> types;
        for (; i < tokens.size(); ++i) {
          auto t = type_from_name(tokens[i].text);
          if (!t) return fail(fmt::format("bad type '{}'", tokens[i].text));
          types.insert(*t);
        }
        out += bitmap_wire(types);
        break;
      }
      case field::svc_params: {
        auto params = svc_params_from_tokens(tokens.subspan(i), error);
        if (!params) return std::nullopt;
        i = tokens.size();
        out += *params;
        break;
      }
    }
  }
  if (i < tokens.size())
    return fail(
        fmt::format("unexpected '{}' after the data of {}", tokens[i].text, type_name(type)));
  if (out.size() > 65535) return fail(fmt::format("{} data over 65535 bytes", type_name(type)));
  // The fields are checked one by one above; the whole (a CAA tag's characters, say) is checked
  // by the same code that checks data read from the wire.
  std::string why;
  if (!read_data(bytes_of(out), 0, out.size(), type, false, why)) return fail(why);
  return out;
}

}  // namespace detail

std::string data_to_string(std::uint16_t type, std::string_view data) {
  const auto fields = detail::layout_of(type);
  if (!fields.empty() && !data.empty())
    if (auto text = present(fields, data)) return *text;
  return generic(data);
}

std::string record_to_string(const record& r) {
  return fmt::format("{} {} {} {} {}", r.owner.to_string(), r.ttl, class_name(r.rclass),
                     type_name(r.type), data_to_string(r.type, r.data));
}

std::optional<std::string> data_from_string(std::uint16_t type, std::string_view text,
                                            const name& origin, std::string& error) {
  detail::lexer lex(text);
  detail::entry e, extra;
  if (!lex.next(e)) {
    error = lex.error().empty() ? "no record data" : lex.error();
    return std::nullopt;
  }
  if (lex.next(extra) || !lex.error().empty()) {
    error = lex.error().empty() ? "a line break inside record data" : lex.error();
    return std::nullopt;
  }
  return detail::data_from_tokens(type, e.tokens, origin, error);
}

}  // namespace proto::dns

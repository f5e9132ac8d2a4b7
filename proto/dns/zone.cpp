#include "proto/dns/zone.hpp"

#include <fmt/format.h>

#include "proto/dns/layout.hpp"
#include "proto/dns/presentation.hpp"

namespace proto::dns {

namespace {

bool is_directive(const detail::token& t) {
  return !t.quoted && !t.text.empty() && t.text.front() == '$';
}

class zone_reader {
 public:
  zone_reader(const zone_options& opts, zone_result& r)
      : opts_(opts), r_(r), origin_(opts.origin) {}

  bool fail(std::size_t line, std::string message) {
    r_.error = std::move(message);
    r_.line = line;
    return false;
  }

  bool directive(const detail::entry& e) {
    const auto& t = e.tokens;
    const std::string& word = t[0].text;
    if (word == "$ORIGIN") {
      if (t.size() != 2) return fail(e.line, "$ORIGIN takes one name");
      auto n = t[1].quoted ? std::nullopt : name::parse(t[1].text, &origin_);
      if (!n) return fail(e.line, fmt::format("bad name '{}' in $ORIGIN", t[1].text));
      origin_ = *n;
      return true;
    }
    if (word == "$TTL") {
      if (t.size() != 2) return fail(e.line, "$TTL takes one value");
      auto v = detail::ttl(t[1].text);
      if (!v) return fail(e.line, fmt::format("bad TTL '{}' in $TTL", t[1].text));
      default_ttl_ = *v;
      return true;
    }
    if (word == "$INCLUDE" || word == "$GENERATE")
      return fail(e.line, fmt::format("{} is not supported: a records file lists every record "
                                      "itself",
                                      word));
    return fail(e.line, fmt::format("unknown directive '{}'", word));
  }

  bool entry(const detail::entry& e) {
    if (is_directive(e.tokens[0])) return directive(e);
    std::size_t i = 0;
    if (e.blank_owner) {
      if (!previous_owner_)
        return fail(e.line, "a record with no owner and no record before it to take it from");
    } else {
      const auto& t = e.tokens[i++];
      auto n = t.quoted ? std::nullopt : name::parse(t.text, &origin_);
      if (!n) return fail(e.line, fmt::format("bad owner name '{}'", t.text));
      previous_owner_ = *n;
    }
    record rr{
        .owner = *previous_owner_, .type = 0, .rclass = previous_class_, .ttl = 0, .data = {}};
    // RFC 1035 section 5.1: TTL and class may come in either order, or be left out.
    std::optional<std::uint32_t> ttl;
    bool have_class = false;
    std::optional<std::uint16_t> type;
    for (; i < e.tokens.size() && !type; ++i) {
      const auto& t = e.tokens[i];
      if (t.quoted) break;
      if (!ttl && !t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9') {
        ttl = detail::ttl(t.text);
        if (!ttl) return fail(e.line, fmt::format("bad TTL '{}'", t.text));
      } else if (auto c = class_from_name(t.text); c && !have_class) {
        rr.rclass = *c;
        have_class = true;
      } else if (auto ty = type_from_name(t.text)) {
        type = ty;
      } else {
        return fail(e.line, fmt::format("unknown type '{}'", t.text));
      }
    }
    if (!type) return fail(e.line, "a record with no type");
    rr.type = *type;
    rr.ttl = ttl ? *ttl : default_ttl_;
    previous_class_ = rr.rclass;
    std::string why;
    auto data = detail::data_from_tokens(rr.type, std::span(e.tokens).subspan(i), origin_, why);
    if (!data)
      return fail(e.line, fmt::format("{} {}: {}", rr.owner.to_string(), type_name(rr.type), why));
    if (data->empty() && !allows_empty(rr))
      return fail(e.line,
                  fmt::format("{} {}: empty data", rr.owner.to_string(), type_name(rr.type)));
    rr.data = std::move(*data);
    if (r_.records.size() >= opts_.max_records)
      return fail(e.line, fmt::format("more than {} records", opts_.max_records));
    r_.records.push_back(std::move(rr));
    return true;
  }

 private:
  // Empty data (RFC 3597's "\# 0") stands for "any data" in an UPDATE's class ANY or NONE
  // records, and is all a type with no fields of its own can hold; the message reader takes the
  // same view.
  static bool allows_empty(const record& rr) {
    return rr.rclass == rclass::any || rr.rclass == rclass::none ||
           detail::layout_of(rr.type).empty();
  }

  const zone_options& opts_;
  zone_result& r_;
  name origin_;
  std::uint32_t default_ttl_ = opts_.default_ttl;
  std::optional<name> previous_owner_;
  std::uint16_t previous_class_ = rclass::in;
};

}  // namespace

zone_result parse_zone(std::string_view text, const zone_options& opts) {
  zone_result r;
  zone_reader reader(opts, r);
  detail::lexer lex(text);
  detail::entry e;
  while (lex.next(e))
    if (!reader.entry(e)) return r;
  if (!lex.error().empty()) {
    r.error = lex.error();
    r.line = lex.error_line();
  }
  return r;
}

}  // namespace proto::dns

// Templates of the mock API ({{params.id}} and friends) and the small helpers its matchers share.
#include <fmt/format.h>

#include <algorithm>

#include "commands/serve/http/routes/detail.hpp"
#include "core/json.hpp"

namespace commands::http::routes_detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<placeholder> parse_placeholder(std::string_view inside, std::string& error) {
  placeholder p;
  auto bar = inside.find('|');
  if (bar != std::string_view::npos) p.fallback = std::string(trim(inside.substr(bar + 1)));
  auto expr = trim(inside.substr(0, bar));
  using src = placeholder::source;
  auto dot = expr.find('.');
  if (dot == std::string_view::npos) {
    if (expr == "method")
      p.src = src::method;
    else if (expr == "path")
      p.src = src::path;
    else if (expr == "body")
      p.src = src::body;
    else if (expr == "count")
      p.src = src::count;
    else if (expr == "params" || expr == "query" || expr == "headers") {
      error = fmt::format("placeholder '{{{{{0}}}}}' needs a name: '{{{{{0}.NAME}}}}'", expr);
      return std::nullopt;
    } else {
      constexpr std::string_view names[] = {"method", "path",  "body",   "count",
                                            "params", "query", "headers"};
      auto guess = closest_name(expr, names);
      error =
          fmt::format("unknown placeholder '{{{{{}}}}}'{}", expr,
                      guess.empty() ? std::string(" (try method, path, body, count, params.NAME,"
                                                  " query.NAME, headers.NAME, body.FIELD)")
                                    : fmt::format(" (did you mean '{}'?)", guess));
      return std::nullopt;
    }
    return p;
  }
  auto ns = expr.substr(0, dot);
  auto key = expr.substr(dot + 1);
  if (key.empty()) {
    error = fmt::format("placeholder '{{{{{}}}}}' names no field after '{}.'", expr, ns);
    return std::nullopt;
  }
  p.key = std::string(key);
  if (ns == "params")
    p.src = src::param;
  else if (ns == "query")
    p.src = src::query;
  else if (ns == "headers")
    p.src = src::header;
  else if (ns == "body") {
    p.src = src::body_field;
    for (std::string_view rest = key;;) {
      auto d = rest.find('.');
      auto f = rest.substr(0, d);
      if (f.empty()) {
        error = fmt::format("placeholder '{{{{{}}}}}' has an empty field name", expr);
        return std::nullopt;
      }
      p.field.emplace_back(f);
      if (d == std::string_view::npos) break;
      rest.remove_prefix(d + 1);
    }
  } else {
    constexpr std::string_view names[] = {"params", "query", "headers", "body"};
    auto guess = closest_name(ns, names);
    error = fmt::format("unknown placeholder '{{{{{}}}}}'{}", expr,
                        guess.empty() ? std::string(" (try params., query., headers. or body.)")
                                      : fmt::format(" (did you mean '{}.{}'?)", guess, key));
    return std::nullopt;
  }
  return p;
}

std::string lookup(const placeholder& p, const render_context& ctx) {
  using src = placeholder::source;
  switch (p.src) {
    case src::method:
      return ctx.req.method;
    case src::path:
      return ctx.req.path;
    case src::body:
      return ctx.req.body;
    case src::count:
      return std::to_string(ctx.count);
    case src::param:
    case src::query: {
      const auto& list = p.src == src::param ? ctx.params : ctx.query;
      for (const auto& [k, v] : list)
        if (k == p.key) return v;
      return {};
    }
    case src::header:
      return std::string(ctx.req.headers.get(p.key).value_or(""));
    case src::body_field: {
      if (!ctx.body_parsed) {
        ctx.body_parsed = true;
        ctx.body_json = core::parse_peer_json(ctx.req.body);
      }
      if (!ctx.body_json) return {};
      const nlohmann::json* at = &*ctx.body_json;
      for (const auto& f : p.field) {
        if (at->is_object()) {
          auto it = at->find(f);
          if (it == at->end()) return {};
          at = &*it;
        } else if (at->is_array() && !f.empty() &&
                   std::all_of(f.begin(), f.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          if (f.size() > 9 || std::stoul(f) >= at->size()) return {};
          at = &(*at)[std::stoul(f)];
        } else {
          return {};
        }
      }
      if (at->is_string()) return at->get<std::string>();
      if (at->is_null()) return {};
      return at->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  return {};
}

}  // namespace

std::optional<text_template> compile_template(std::string_view text, std::string& error) {
  text_template t;
  std::string literal;
  while (!text.empty()) {
    auto open = text.find("{{");
    if (open == std::string_view::npos) {
      literal += text;
      break;
    }
    literal += text.substr(0, open);
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      error = "'{{' without a closing '}}' (set template = false to send braces as they are)";
      return std::nullopt;
    }
    auto p = parse_placeholder(text.substr(open + 2, close - open - 2), error);
    if (!p) return std::nullopt;
    t.parts.push_back({std::move(literal), std::move(*p)});
    literal.clear();
    text.remove_prefix(close + 2);
  }
  if (!literal.empty()) t.parts.push_back({std::move(literal), std::nullopt});
  return t;
}

std::optional<std::string> missing_param(const text_template& t,
                                         const std::vector<std::string>& params) {
  for (const auto& part : t.parts)
    if (part.hole && part.hole->src == placeholder::source::param &&
        std::find(params.begin(), params.end(), part.hole->key) == params.end())
      return part.hole->key;
  return std::nullopt;
}

std::string render(const text_template& t, const render_context& ctx) {
  std::string out;
  for (const auto& part : t.parts) {
    out += part.literal;
    if (!part.hole) continue;
    auto v = lookup(*part.hole, ctx);
    out += v.empty() && part.hole->fallback ? *part.hole->fallback : v;
  }
  return out;
}

std::string render_text(std::string_view text, const render_context& ctx) {
  std::string error;
  auto t = compile_template(text, error);
  return t ? render(*t, ctx) : std::string(text);
}

nlohmann::json render_json(const nlohmann::json& j, const render_context& ctx) {
  if (j.is_string()) return render_text(j.get_ref<const std::string&>(), ctx);
  if (j.is_object()) {
    auto out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = render_json(it.value(), ctx);
    return out;
  }
  if (j.is_array()) {
    auto out = nlohmann::json::array();
    for (const auto& e : j) out.push_back(render_json(e, ctx));
    return out;
  }
  return j;
}

bool json_subset(const nlohmann::json& want, const nlohmann::json& have) {
  if (want.is_object()) {
    if (!have.is_object()) return false;
    for (auto it = want.begin(); it != want.end(); ++it) {
      auto h = have.find(it.key());
      if (h == have.end() || !json_subset(it.value(), *h)) return false;
    }
    return true;
  }
  if (want.is_array()) {
    if (!have.is_array() || have.size() != want.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i)
      if (!json_subset(want[i], have[i])) return false;
    return true;
  }
  if (want.is_number() && have.is_number()) {
    // TOML has integers and floats; a JSON body may write 1 or 1.0 for the same number.
    if (want.is_number_float() || have.is_number_float())
      return want.get<double>() == have.get<double>();
    if (want.is_number_unsigned() || have.is_number_unsigned()) {
      auto as_unsigned = [](const nlohmann::json& j, std::uint64_t& out) {
        if (j.is_number_unsigned()) return out = j.get<std::uint64_t>(), true;
        auto v = j.get<std::int64_t>();
        return v >= 0 && (out = static_cast<std::uint64_t>(v), true);
      };
      std::uint64_t a = 0, b = 0;
      return as_unsigned(want, a) && as_unsigned(have, b) && a == b;
    }
    return want.get<std::int64_t>() == have.get<std::int64_t>();
  }
  return want == have;
}

std::string_view closest_name(std::string_view word, std::span<const std::string_view> names) {
  std::string_view best;
  std::size_t best_d = 3;
  for (auto n : names) {
    auto d = edit_distance(word, n);
    if (d < best_d) best = n, best_d = d;
  }
  return best;
}


std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace commands::http::routes_detail

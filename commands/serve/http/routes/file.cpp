// Loading a routes file: TOML in, a routes_detail::table out, or every error found at once.

#include <filesystem>
#include <map>

#include "commands/serve/http/routes/detail.hpp"
#include "commands/serve/http/routes/routes.hpp"
#include "commands/serve/http/static/static.hpp"
#include "core/error.hpp"
#include "core/toml.hpp"

namespace commands::http {

using namespace routes_detail;

namespace {

using keys = std::span<const std::string_view>;
constexpr std::string_view root_keys[] = {"route", "defaults"};
constexpr std::string_view defaults_keys[] = {"response_headers", "delay"};
constexpr std::string_view response_keys[] = {
    "status", "response_headers", "body", "body_file", "json", "delay"};
constexpr std::string_view route_keys[] = {
    "name",          "method",    "path",         "query",  "headers",
    "body_contains", "body_json", "body_matches", "status", "response_headers",
    "body",          "body_file", "json",         "delay",  "template",
    "sequence",      "cycle"};

bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

class loader {
 public:
  loader(std::string name, std::string base_dir, const file_reader& read)
      : name_(std::move(name)), base_dir_(std::move(base_dir)), read_(read) {}

  table load(const toml::table& root);
  /// (line, message), in the order found.
  const std::vector<std::pair<int, std::string>>& errors() const { return errors_; }

 private:
  void error(int line, std::string message) { errors_.emplace_back(line, std::move(message)); }
  void error(const toml::node& n, std::string message) {
    error(n.source().begin.line, std::move(message));
  }

  void check_keys(const toml::table& t, std::string_view what, keys known);
  std::optional<std::string> text(const toml::node& n, std::string_view key);
  std::optional<core::duration> duration(const toml::node& n, std::string_view key);
  std::optional<string_pairs> pairs(const toml::node& n, std::string_view key, bool header_names);
  std::optional<text_template> checked_template(const toml::node& n, std::string_view text,
                                                const std::vector<std::string>& params);
  void check_json_templates(const toml::node& n, const std::vector<std::string>& params);

  void load_defaults(const toml::table& t);
  void load_path(const toml::node& n, route& r, std::vector<std::string>& params);
  void load_matchers(const toml::table& t, route& r);
  // Reads the response keys of `t` over `out`, whose values serve as defaults.
  void load_response(const toml::table& t, response_spec& out, bool templates,
                     const std::vector<std::string>& params);
  void load_route(const toml::table& t);

  std::string name_;
  std::string base_dir_;
  const file_reader& read_;
  std::vector<std::pair<int, std::string>> errors_;
  table out_;
  string_pairs default_headers_;
  core::duration default_delay_{};
  std::map<std::string, int> names_;  // route name -> line
};

void loader::check_keys(const toml::table& t, std::string_view what, keys known) {
  for (auto&& [k, v] : t) {
    auto key = k.str();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string hint;
    if (key == "response" || key == "request")
      hint = " (write the keys on the route itself: path, query, headers, ... status, body)";
    else if (auto guess = closest_name(key, known); !guess.empty())
      hint = fmt::format(" (did you mean '{}'?)", guess);
    error(k.source().begin.line, fmt::format("unknown key '{}' in {}{}", key, what, hint));
  }
}

std::optional<std::string> loader::text(const toml::node& n, std::string_view key) {
  if (auto s = n.value_exact<std::string>()) return *s;
  error(n, fmt::format("'{}' must be a string", key));
  return std::nullopt;
}

std::optional<core::duration> loader::duration(const toml::node& n, std::string_view key) {
  auto s = text(n, key);
  if (!s) return std::nullopt;
  auto d = core::parse_duration(*s);
  if (!d) error(n, fmt::format("'{}' is not a duration ('{}'; try \"200ms\", \"1.5s\")", *s, key));
  return d;
}

std::optional<string_pairs> loader::pairs(const toml::node& n, std::string_view key,
                                          bool header_names) {
  auto* t = n.as_table();
  if (!t) {
    error(n, fmt::format("'{}' must be a table: {} = {{ name = \"value\" }}", key, key));
    return std::nullopt;
  }
  string_pairs out;
  bool ok = true;
  for (auto&& [k, v] : *t) {
    auto value = v.value_exact<std::string>();
    if (!value) {
      error(v, fmt::format("'{}.{}' must be a string", key, k.str()));
      ok = false;
    } else if (header_names && !is_token(k.str())) {
      error(v, fmt::format("'{}' is not a valid header name", k.str()));
      ok = false;
    } else if (header_names &&
               value->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      error(v, fmt::format("'{}.{}' holds a line break or NUL", key, k.str()));
      ok = false;
    } else {
      out.emplace_back(std::string(k.str()), std::move(*value));
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<text_template> loader::checked_template(const toml::node& n, std::string_view text,
                                                      const std::vector<std::string>& params) {
  std::string message;
  auto t = compile_template(text, message);
  if (!t) {
    error(n, message);
    return std::nullopt;
  }
  if (auto p = missing_param(*t, params)) {
    error(n, params.empty() ? fmt::format("'{{{{params.{}}}}}': there are no :params here", *p)
                            : fmt::format("'{{{{params.{}}}}}': the path has no :{}", *p, *p));
    return std::nullopt;
  }
  return t;
}

void loader::check_json_templates(const toml::node& n, const std::vector<std::string>& params) {
  if (auto* t = n.as_table()) {
    for (auto&& [k, v] : *t) check_json_templates(v, params);
  } else if (auto* a = n.as_array()) {
    for (auto& e : *a) check_json_templates(e, params);
  } else if (auto s = n.value_exact<std::string>()) {
    checked_template(n, *s, params);
  }
}

void loader::load_defaults(const toml::table& t) {
  check_keys(t, "[defaults]", defaults_keys);
  if (auto* n = t.get("response_headers"))
    if (auto h = pairs(*n, "response_headers", true)) {
      for (const auto& [k, v] : *h) checked_template(*n, v, {});
      default_headers_ = std::move(*h);
    }
  if (auto* n = t.get("delay"))
    if (auto d = duration(*n, "delay")) default_delay_ = *d;
}

void loader::load_path(const toml::node& n, route& r, std::vector<std::string>& params) {
  auto s = text(n, "path");
  if (!s) return;
  r.path = *s;
  if (s->empty() || s->front() != '/') return error(n, "'path' must start with '/'");
  if (s->find_first_of("?#") != std::string::npos)
    return error(n, "'path' holds '?' or '#' (match the query with query = { name = \"value\" })");
  auto parts = split_path(*s);
  if (parts.front() == "__vitnet")
    return error(n, "paths under /__vitnet/ are reserved for vitnet's control endpoints");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto part = parts[i];
    segment seg;
    if (part == "**") {
      if (i + 1 != parts.size()) error(n, "'**' must be the last segment of 'path'");
      seg.k = segment::kind::rest;
    } else if (part == "*") {
      seg.k = segment::kind::any;
    } else if (part.starts_with(':')) {
      auto name = part.substr(1);
      bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
      });
      if (!valid)
        error(n, fmt::format("':{}' is not a param name (letters, digits, '_' and '-'; a :param "
                             "takes a whole segment)",
                             name));
      else if (std::find(params.begin(), params.end(), name) != params.end())
        error(n, fmt::format("':{}' appears twice in 'path'", name));
      seg.k = segment::kind::param;
      seg.text = std::string(name);
      params.emplace_back(name);
    } else {
      // Requests are matched after percent-decoding, so literals are decoded too.
      seg.text = percent_decode(part).value_or(std::string(part));
    }
    r.segments.push_back(std::move(seg));
  }
  if (r.segments.back().k == segment::kind::rest) {
    if (std::find(params.begin(), params.end(), "rest") != params.end())
      error(n, "':rest' clashes with '**', whose value is {{params.rest}}");
    params.emplace_back("rest");
  }
}

void loader::load_matchers(const toml::table& t, route& r) {
  if (auto* n = t.get("method")) {
    std::vector<std::string> list;
    if (auto s = n->value_exact<std::string>()) {
      list.push_back(*s);
    } else if (auto* a = n->as_array()) {
      if (a->empty()) error(*n, "'method' is an empty list");
      for (auto& e : *a) {
        if (auto s = e.value_exact<std::string>())
          list.push_back(*s);
        else
          error(e, "'method' entries must be strings");
      }
    } else {
      error(*n, "'method' must be a string such as \"GET\", a list of them, or \"*\"");
    }
    bool any = false;
    for (auto& m : list) {
      if (m == "*") {
        any = true;
        continue;
      }
      // Methods are case-sensitive on the wire, but "get" in a routes file means GET.
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!is_token(m))
        error(*n, fmt::format("'{}' is not a method name", m));
      else
        r.methods.push_back(m);
    }
    if (any) r.methods.clear();
  } else {
    r.methods = {"GET"};
  }
  if (auto* n = t.get("query"))
    if (auto p = pairs(*n, "query", false)) r.query = std::move(*p);
  if (auto* n = t.get("headers"))
    if (auto p = pairs(*n, "headers", true)) r.headers = std::move(*p);
  if (auto* n = t.get("body_contains")) r.body_contains = text(*n, "body_contains");
  if (auto* n = t.get("body_json")) r.body_json = core::toml_to_json(*n);
  if (auto* n = t.get("body_matches")) {
    auto s = text(*n, "body_matches");
    if (!s) return;
    std::string message;
    r.body_matches = body_regex::compile(*s, message);
    if (!r.body_matches) return error(*n, fmt::format("'body_matches' {}", message));
    r.body_matches_text = *s;
  }
}

void loader::load_response(const toml::table& t, response_spec& out, bool templates,
                           const std::vector<std::string>& params) {
  if (auto* n = t.get("status")) {
    auto v = n->value_exact<std::int64_t>();
    // 1xx responses are not final: a client would wait for another.
    if (!v || *v < 200 || *v > 599)
      error(*n, "'status' must be a number from 200 to 599");
    else
      out.status = static_cast<int>(*v);
  }
  if (auto* n = t.get("response_headers"))
    if (auto h = pairs(*n, "response_headers", true))
      for (auto& field : *h) {
        const auto& name = field.first;
        if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) {
          error(*n, fmt::format("'{}' is set by the server, not by the routes file", name));
          continue;
        }
        if (templates) checked_template(*n, field.second, params);
        std::erase_if(out.headers, [&](const auto& f) { return iequals(f.first, name); });
        out.headers.push_back(std::move(field));
      }
  const toml::node* source = nullptr;
  std::string_view source_key;
  for (std::string_view key : {"body", "body_file", "json"}) {
    auto* n = t.get(key);
    if (!n) continue;
    if (source) {
      error(*n, fmt::format("'{}' and '{}' both give the body; keep one", source_key, key));
      continue;
    }
    source = n, source_key = key;
    if (key == "body") {
      auto s = text(*n, key);
      if (!s) continue;
      if (templates) checked_template(*n, *s, params);
      auto first = s->find_first_not_of(" \t\r\n");
      bool json = first != std::string::npos && ((*s)[first] == '{' || (*s)[first] == '[');
      out.kind = response_spec::body_kind::text;
      out.text = std::move(*s);
      out.content_type = json ? "application/json" : "text/plain; charset=utf-8";
    } else if (key == "body_file") {
      auto s = text(*n, key);
      if (!s) continue;
      std::filesystem::path p(*s);
      if (p.is_relative() && !base_dir_.empty()) p = std::filesystem::path(base_dir_) / p;
      auto bytes = s->empty() ? std::nullopt : read_(p.string());
      if (!bytes) {
        error(*n, fmt::format("body_file '{}': cannot read {}", *s, p.string()));
        continue;
      }
      out.kind = response_spec::body_kind::file;
      out.text = std::move(*bytes);
      out.content_type = std::string(content_type_for(p.filename().string()));
    } else {
      if (templates) check_json_templates(*n, params);
      out.kind = response_spec::body_kind::json;
      out.json = core::toml_to_json(*n);
      out.content_type = "application/json";
    }
  }
  if (auto* n = t.get("delay"))
    if (auto d = duration(*n, "delay")) out.delay = *d;
  if ((out.status == 204 || out.status == 304) && out.kind != response_spec::body_kind::none)
    error(source ? *source : static_cast<const toml::node&>(t),
          fmt::format("a {} response has no body", out.status));
}

void loader::load_route(const toml::table& t) {
  route r;
  r.line = t.source().begin.line;
  check_keys(t, "a [[route]]", route_keys);
  if (auto* n = t.get("name"))
    if (auto s = text(*n, "name")) {
      auto [at, fresh] = names_.emplace(*s, r.line);
      if (s->empty())
        error(*n, "'name' is empty");
      else if (!fresh)
        error(*n, fmt::format("route name '{}' is already used on line {}", *s, at->second));
      r.name = std::move(*s);
    }
  if (auto* n = t.get("template")) {
    if (auto b = n->value_exact<bool>())
      r.templates = *b;
    else
      error(*n, "'template' must be true or false");
  }
  std::vector<std::string> params;
  if (auto* n = t.get("path"))
    load_path(*n, r, params);
  else
    error(r.line, "a [[route]] needs a 'path', such as path = \"/users/:id\"");
  load_matchers(t, r);

  response_spec base;
  base.line = r.line;
  base.headers = default_headers_;
  base.delay = default_delay_;
  load_response(t, base, r.templates, params);
  auto* seq = t.get("sequence");
  if (auto* n = t.get("cycle")) {
    if (auto b = n->value_exact<bool>())
      r.cycle = *b;
    else
      error(*n, "'cycle' must be true or false");
    if (!seq) error(*n, "'cycle' needs [[route.sequence]] entries");
  }
  if (!seq) {
    r.responses.push_back(std::move(base));
  } else if (auto* a = seq->as_array(); a && !a->empty() && a->is_array_of_tables()) {
    if (base.kind != response_spec::body_kind::none)
      error(r.line,
            "the route's body and its [[route.sequence]] both give the response; move "
            "the body into a sequence entry");
    base.kind = response_spec::body_kind::none;
    for (auto& e : *a) {
      auto& entry = *e.as_table();
      check_keys(entry, "a [[route.sequence]] entry", response_keys);
      response_spec s = base;
      s.line = entry.source().begin.line;
      load_response(entry, s, r.templates, params);
      r.responses.push_back(std::move(s));
    }
  } else {
    error(*seq, "'sequence' must be one or more [[route.sequence]] tables");
  }
  out_.routes.push_back(std::move(r));
}

table loader::load(const toml::table& root) {
  out_.source = name_;
  check_keys(root, "a routes file", root_keys);
  if (auto* n = root.get("defaults")) {
    if (auto* t = n->as_table())
      load_defaults(*t);
    else
      error(*n, "'defaults' must be a table: [defaults]");
  }
  out_.default_headers = default_headers_;
  auto* routes = root.get("route");
  if (!routes) {
    error(1, "no routes: add [[route]] tables (see examples/routes.toml)");
  } else if (auto* a = routes->as_array(); a && a->is_array_of_tables()) {
    for (auto& e : *a) load_route(*e.as_table());
  } else {
    error(*routes, "'route' must be [[route]] tables");
  }
  return std::move(out_);
}

}  // namespace

route_table parse_routes(std::string_view text, const std::string& name,
                         const std::string& base_dir, const file_reader& read) {
  toml::table doc = core::parse_toml(text, name);
  loader l(name, base_dir, read);
  auto t = l.load(doc);
  if (!l.errors().empty()) {
    // Sorted by line so that the messages read like the file; at most 20 of them.
    auto errors = l.errors();
    std::stable_sort(errors.begin(), errors.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string message;
    for (std::size_t i = 0; i < errors.size() && i < 20; ++i)
      message += fmt::format("{}{}:{}: {}", i ? "\n" : "", name, errors[i].first, errors[i].second);
    if (errors.size() > 20)
      message += fmt::format("\n{}: {} more errors", name, errors.size() - 20);
    throw vitnet::error(core::exit_code::data, std::move(message));
  }
  route_table out;
  out.t_ = std::make_shared<const table>(std::move(t));
  return out;
}

}  // namespace commands::http

#include "commands/rpc/openrpc.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "proto/jsonrpc/message.hpp"

namespace commands::openrpc {

namespace {

// $ref chains and nested schemas deeper than this are refused rather than followed.
constexpr int max_depth = 64;

// Checking one call's params does at most this much work (schemas visited, $ref steps, members
// looked at): schemas whose branches multiply (anyOf of two $refs to the next level, 40 levels
// deep) would otherwise take forever, and the params come from the caller.
constexpr std::size_t max_work = 100'000;

std::string type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "binary";
  }
}

bool has_type(const json& v, std::string_view t) {
  auto actual = type_of(v);
  if (actual == t) return true;
  if (t == "number") return v.is_number();
  // 2.0 is an integer to JSON Schema.
  if (t == "integer" && v.is_number_float()) {
    double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d);
  }
  return false;
}

std::string short_text(const json& v) {
  auto s = proto::jsonrpc::dump(v);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// A member of a peer's object that may be missing or of another type.
std::string text_of(const json& o, const char* key, std::string fallback = "") {
  if (!o.is_object()) return fallback;
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : fallback;
}
bool flag_of(const json& o, const char* key, bool fallback) {
  if (!o.is_object()) return fallback;
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() ? it->get<bool>() : fallback;
}
json member_of(const json& o, const char* key, json fallback) {
  if (!o.is_object()) return fallback;
  auto it = o.find(key);
  return it != o.end() ? *it : fallback;
}

std::string where(const std::string& at, const std::string& what) {
  return at.empty() ? what : at + ": " + what;
}

// Follows local $refs ("#/components/...") from `node` within `doc`; the node itself when it has
// none; null when a reference leads nowhere (or in circles). Each step adds to `work`, if given.
const json* follow(const json& doc, const json& node, int depth, std::size_t* work) {
  const json* at = &node;
  for (int hops = 0; at->is_object() && at->contains("$ref"); ++hops) {
    if (hops + depth > max_depth) return nullptr;
    auto& ref = (*at)["$ref"];
    if (!ref.is_string()) return nullptr;
    auto s = ref.get<std::string>();
    if (work) *work += 1 + s.size() / 16;
    if (!s.starts_with("#/")) return nullptr;
    try {
      auto ptr = json::json_pointer(s.substr(1));
      if (!doc.contains(ptr)) return nullptr;
      at = &doc.at(ptr);
    } catch (const json::exception&) {
      return nullptr;
    }
  }
  return at;
}

// Characters, as JSON Schema counts them: UTF-8 bytes that do not continue a character.
std::size_t characters(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

document document::parse(std::string_view text, const std::string& name) {
  document d;
  if (core::json_depth(text) > core::max_json_depth)
    vitnet::fail(core::exit_code::data, "{}: nested deeper than {} levels", name,
                 core::max_json_depth);
  try {
    d.doc_ = json::parse(text);
  } catch (const json::parse_error& e) {
    std::size_t line = 1 + static_cast<std::size_t>(std::count(
                               text.begin(), text.begin() + std::min(e.byte, text.size()), '\n'));
    vitnet::fail(core::exit_code::data, "{}:{}: not JSON", name, line);
  } catch (const json::exception&) {
    // A number past a double's range ("1e400") is out_of_range, and says nothing of where.
    vitnet::fail(core::exit_code::data, "{}: not JSON: a number out of range", name);
  }
  std::vector<std::string> errors;
  auto bad = [&](std::string what) { errors.push_back(name + ": " + std::move(what)); };
  if (!d.doc_.is_object())
    vitnet::fail(core::exit_code::data, "{}: not an OpenRPC document (an object)", name);
  auto methods = d.doc_.find("methods");
  if (methods == d.doc_.end() || !methods->is_array())
    vitnet::fail(core::exit_code::data, "{}: no \"methods\" array", name);
  for (std::size_t i = 0; i < methods->size(); ++i) {
    auto& m = (*methods)[i];
    auto at = fmt::format("methods[{}]", i);
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string()) {
      bad(at + ": no name");
      continue;
    }
    auto n = m["name"].get<std::string>();
    if (d.by_name_.count(n)) bad(at + ": method '" + n + "' is defined twice");
    d.by_name_.emplace(n, i);
    if (m.contains("params")) {
      if (!m["params"].is_array()) {
        bad(at + ": \"params\" must be an array");
        continue;
      }
      for (std::size_t j = 0; j < m["params"].size(); ++j) {
        const json* p = d.resolve(m["params"][j], 0);
        if (!p || !p->is_object() || !p->contains("name") || !(*p)["name"].is_string())
          bad(fmt::format("{}.params[{}]: a param needs a name (or a $ref that resolves)", at, j));
      }
    }
    if (m.contains("examples") && !m["examples"].is_array())
      bad(at + ": \"examples\" must be an array");
  }
  if (!errors.empty()) vitnet::fail(core::exit_code::data, "{}", fmt::join(errors, "\n"));
  return d;
}

document document::load(const std::string& path) {
  return parse(core::read_file(path), path);
}

const json* document::method(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &doc_["methods"][it->second];
}

const json* document::resolve(const json& node, int depth) const {
  return follow(doc_, node, depth, nullptr);
}

std::optional<std::string> document::check(const json& schema_in, const json& v, int depth,
                                           std::size_t& work) const {
  if (++work > max_work) return "too complex to check";
  if (depth > max_depth) return "schema nested too deeply";
  const json* sp = follow(doc_, schema_in, depth, &work);
  if (!sp) return "schema $ref does not resolve";
  const json& s = *sp;
  if (s.is_boolean())
    return s.get<bool>() ? std::nullopt : std::optional<std::string>("not allowed");
  if (!s.is_object()) return std::nullopt;
  if (auto t = s.find("type"); t != s.end()) {
    bool ok = false;
    std::string want;
    if (t->is_string()) {
      ok = has_type(v, t->get<std::string>());
      want = t->get<std::string>();
    } else if (t->is_array()) {
      for (auto& e : *t)
        if (e.is_string()) {
          ok = ok || has_type(v, e.get<std::string>());
          want += (want.empty() ? "" : " or ") + e.get<std::string>();
        }
    } else {
      ok = true;
    }
    if (!ok) return fmt::format("expected {}, got {}", want, type_of(v));
  }
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    work += 1 + e->size() / 16;
    if (std::find(e->begin(), e->end(), v) == e->end())
      return fmt::format("{} is not one of {}", short_text(v), short_text(*e));
  }
  if (auto c = s.find("const"); c != s.end() && *c != v)
    return fmt::format("must be {}", short_text(*c));
  if (v.is_number()) {
    double x = v.get<double>();
    auto num = [&](const char* k) -> std::optional<double> {
      auto it = s.find(k);
      if (it == s.end() || !it->is_number()) return std::nullopt;
      return it->get<double>();
    };
    if (auto m = num("minimum"); m && x < *m)
      return fmt::format("{} is below the minimum {}", short_text(v), *m);
    if (auto m = num("maximum"); m && x > *m)
      return fmt::format("{} is above the maximum {}", short_text(v), *m);
    if (auto m = num("exclusiveMinimum"); m && x <= *m)
      return fmt::format("{} must be more than {}", short_text(v), *m);
    if (auto m = num("exclusiveMaximum"); m && x >= *m)
      return fmt::format("{} must be less than {}", short_text(v), *m);
  }
  auto size_bound = [&](const char* k) -> std::optional<std::uint64_t> {
    auto it = s.find(k);
    if (it == s.end() || !it->is_number_unsigned()) return std::nullopt;
    return it->get<std::uint64_t>();
  };
  if (v.is_string()) {
    auto len = characters(v.get_ref<const std::string&>());
    if (auto m = size_bound("minLength"); m && len < *m)
      return fmt::format("shorter than {} characters", *m);
    if (auto m = size_bound("maxLength"); m && len > *m)
      return fmt::format("longer than {} characters", *m);
  }
  if (v.is_array()) {
    if (auto m = size_bound("minItems"); m && v.size() < *m)
      return fmt::format("fewer than {} items", *m);
    if (auto m = size_bound("maxItems"); m && v.size() > *m)
      return fmt::format("more than {} items", *m);
    if (auto it = s.find("items"); it != s.end() && (it->is_object() || it->is_boolean()))
      for (std::size_t i = 0; i < v.size(); ++i)
        if (auto why = check(*it, v[i], depth + 1, work))
          return where(fmt::format("[{}]", i), *why);
  }
  if (v.is_object()) {
    if (auto r = s.find("required"); r != s.end() && r->is_array())
      for (auto& k : *r) {
        ++work;
        if (k.is_string() && !v.contains(k.get<std::string>()))
          return fmt::format("'{}' is required", k.get<std::string>());
      }
    auto props = s.find("properties");
    bool have_props = props != s.end() && props->is_object();
    for (auto& [k, x] : v.items()) {
      ++work;
      if (have_props && props->contains(k)) {
        if (auto why = check((*props)[k], x, depth + 1, work)) return where("." + k, *why);
      } else if (auto ap = s.find("additionalProperties");
                 ap != s.end() && ap->is_boolean() && !ap->get<bool>()) {
        return fmt::format("'{}' is not allowed", k);
      }
    }
  }
  if (auto all = s.find("allOf"); all != s.end() && all->is_array())
    for (auto& sub : *all)
      if (auto why = check(sub, v, depth + 1, work)) return why;
  for (const char* k : {"anyOf", "oneOf"}) {
    auto it = s.find(k);
    if (it == s.end() || !it->is_array() || it->empty()) continue;
    // anyOf needs one branch that fits; oneOf needs to know whether a second one does.
    std::size_t enough = std::string_view(k) == "anyOf" ? 1 : 2;
    std::size_t fits = 0;
    std::optional<std::string> first;
    for (auto& sub : *it) {
      auto why = check(sub, v, depth + 1, work);
      if (!why) {
        if (++fits == enough) break;
      } else if (!first) {
        first = why;
      }
    }
    if (fits == 0) return fmt::format("fits none of {}: {}", k, *first);
    if (std::string_view(k) == "oneOf" && fits > 1) return "fits more than one of oneOf";
  }
  return std::nullopt;
}

std::optional<std::string> document::check_params(const json& m, const json& params) const {
  json descriptors = member_of(m, "params", json::array());
  std::string structure = text_of(m, "paramStructure", "either");
  bool by_name = params.is_object();
  if (structure == "by-name" && params.is_array() && !params.empty())
    return "params go by name for this method";
  if (structure == "by-position" && by_name) return "params go by position for this method";
  std::vector<std::string> names;
  std::size_t work = 0;
  for (std::size_t i = 0; i < descriptors.size(); ++i) {
    const json* d = resolve(descriptors[i], 0);
    if (!d || !d->is_object()) continue;
    auto name = text_of(*d, "name", "");
    names.push_back(name);
    const json* value = nullptr;
    if (by_name) {
      if (params.contains(name)) value = &params[name];
    } else if (params.is_array() && i < params.size()) {
      value = &params[i];
    }
    if (!value) {
      if (flag_of(*d, "required", false)) return fmt::format("param '{}' is required", name);
      continue;
    }
    if (auto it = d->find("schema"); it != d->end()) {
      auto why = check(*it, *value, 0, work);
      if (work > max_work)
        return fmt::format("param '{}': the schema is too complex to check", name);
      if (why) return fmt::format("param '{}': {}", name, *why);
    }
  }
  if (by_name) {
    for (auto& [k, x] : params.items())
      if (std::find(names.begin(), names.end(), k) == names.end())
        return fmt::format("unknown param '{}'", k);
  } else if (params.is_array() && params.size() > names.size()) {
    return fmt::format("{} params given, the method takes {}", params.size(), names.size());
  }
  return std::nullopt;
}

std::optional<document::example_answer> document::answer(const json& m, const json& params) const {
  auto ex = m.find("examples");
  if (ex == m.end() || !ex->is_array() || ex->empty()) return std::nullopt;
  // The call's params by name, as examples give them.
  json named = json::object();
  if (params.is_object()) {
    named = params;
  } else if (params.is_array()) {
    json descriptors = member_of(m, "params", json::array());
    for (std::size_t i = 0; i < params.size() && i < descriptors.size(); ++i)
      if (const json* d = resolve(descriptors[i], 0); d && d->is_object())
        named[text_of(*d, "name", "")] = params[i];
  }
  const json* chosen = nullptr;
  for (auto& e0 : *ex) {
    const json* e = resolve(e0, 0);
    if (!e || !e->is_object()) continue;
    if (!chosen) chosen = e;
    json given = json::object();
    for (auto& p : member_of(*e, "params", json::array())) {
      const json* pp = resolve(p, 0);
      if (pp && pp->is_object() && pp->contains("name"))
        given[text_of(*pp, "name", "")] = member_of(*pp, "value", json());
    }
    if (given == named) {
      chosen = e;
      break;
    }
  }
  if (!chosen) return std::nullopt;
  example_answer a;
  if (auto r = chosen->find("result"); r != chosen->end()) {
    const json* rr = resolve(*r, 0);
    a.result = rr && rr->is_object() ? member_of(*rr, "value", json()) : json();
  } else if (auto er = chosen->find("error"); er != chosen->end()) {
    a.error = *er;
  } else {
    a.result = nullptr;
  }
  return a;
}

json describe_method(std::string_view name, std::string_view summary,
                     const std::vector<std::string>& params) {
  json m = {{"name", name}, {"params", json::array()}};
  if (!summary.empty()) m["summary"] = summary;
  for (auto& p : params)
    m["params"].push_back({{"name", p}, {"required", true}, {"schema", json::object()}});
  m["result"] = {{"name", "result"}, {"schema", json::object()}};
  return m;
}

json make_document(std::string_view title, std::string_view version, json methods) {
  return {{"openrpc", "1.2.6"},
          {"info", {{"title", title}, {"version", version}}},
          {"methods", std::move(methods)}};
}

std::string table(const json& doc) {
  std::string out;
  if (!doc.is_object()) return out;
  auto info = member_of(doc, "info", json::object());
  if (auto title = text_of(info, "title"); !title.empty()) {
    auto version = text_of(info, "version");
    out += version.empty() ? title + "\n" : title + " " + version + "\n";
  }
  auto methods = member_of(doc, "methods", json::array());
  if (!methods.is_array()) return out;
  auto type_name = [](const json& d) -> std::string {
    if (!d.is_object()) return "";
    auto s = member_of(d, "schema", json::object());
    if (s.is_object() && s.contains("type"))
      return s["type"].is_string() ? s["type"].get<std::string>() : proto::jsonrpc::dump(s["type"]);
    if (s.is_object() && s.contains("$ref") && s["$ref"].is_string()) {
      auto r = s["$ref"].get<std::string>();
      return r.substr(r.rfind('/') + 1);
    }
    return "";
  };
  // A param or result may be a $ref to a content descriptor; one that leads nowhere is shown as is.
  auto local = [&](const json& d) -> const json& {
    const json* r = follow(doc, d, 0, nullptr);
    return r ? *r : d;
  };
  for (auto& m : methods) {
    if (!m.is_object()) continue;
    std::string params;
    for (auto& p0 : member_of(m, "params", json::array())) {
      const json& p = local(p0);
      if (!p.is_object()) continue;
      auto t = type_name(p);
      if (!params.empty()) params += ", ";
      params += text_of(p, "name", "?");
      if (!flag_of(p, "required", false)) params += "?";  // OpenRPC params are optional unless said
      if (!t.empty()) params += ": " + t;
    }
    std::string line = fmt::format("{}({})", text_of(m, "name", "?"), params);
    auto r = member_of(m, "result", json());
    if (auto t = type_name(local(r)); !t.empty()) line += " -> " + t;
    auto summary = text_of(m, "summary", text_of(m, "description"));
    if (!summary.empty()) line += "  " + summary;
    out += line + "\n";
  }
  return out;
}

}  // namespace commands::openrpc

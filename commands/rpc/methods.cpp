#include "commands/rpc/methods.hpp"

#include <algorithm>
#include <span>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "core/toml.hpp"
#include "proto/jsonrpc/message.hpp"

namespace commands::rpc_mock {

namespace {

using keys = std::span<const std::string_view>;
constexpr std::string_view root_keys[] = {"service", "method"};
constexpr std::string_view service_keys[] = {"name", "version"};
constexpr std::string_view method_keys[] = {"name",  "summary", "params",   "result", "result_json",
                                            "error", "delay",   "sequence", "cycle",  "stream"};
constexpr std::string_view answer_keys[] = {"result", "result_json", "error", "delay"};
constexpr std::string_view stream_keys[] = {"method", "params", "interval", "count"};
constexpr std::string_view error_keys[] = {"code", "message", "data"};

// Delays and intervals longer than this are surely mistakes, and would hold a connection open.
constexpr auto max_wait = std::chrono::hours(1);

class loader {
 public:
  explicit loader(std::string name) : name_(std::move(name)) {}

  method_table load(const toml::table& root) {
    method_table t;
    t.source = name_;
    unknown(root, root_keys, "");
    if (auto* s = root.get("service")) {
      if (auto* st = s->as_table()) {
        unknown(*st, service_keys, "[service]");
        t.service_name = text(*st, "name").value_or("");
        t.service_version = text(*st, "version").value_or("");
      } else {
        err(*s, "[service] must be a table");
      }
    }
    if (auto* m = root.get("method")) {
      auto* arr = m->as_array();
      if (!arr) {
        err(*m, "method must be an array of tables ([[method]])");
      } else {
        for (auto& node : *arr) {
          auto* mt = node.as_table();
          if (!mt) {
            err(node, "each [[method]] must be a table");
            continue;
          }
          auto spec = method(*mt);
          if (spec.name.empty()) continue;
          if (t.by_name.count(spec.name)) {
            err(node, "method '" + spec.name + "' is defined twice");
            continue;
          }
          t.by_name.emplace(spec.name, t.methods.size());
          t.methods.push_back(std::move(spec));
        }
      }
    }
    if (!errors_.empty()) vitnet::fail(core::exit_code::data, "{}", fmt::join(errors_, "\n"));
    return t;
  }

 private:
  void err(const toml::node& n, const std::string& what) {
    errors_.push_back(fmt::format("{}:{}: {}", name_, n.source().begin.line, what));
  }

  void unknown(const toml::table& t, keys allowed, std::string_view where) {
    for (auto&& [k, v] : t)
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end())
        err(v, fmt::format("unknown key '{}'{}{} (expected one of: {})", k.str(),
                           where.empty() ? "" : " in ", where, fmt::join(allowed, ", ")));
  }

  std::optional<std::string> text(const toml::table& t, std::string_view key) {
    auto* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto v = n->value_exact<std::string>()) return *v;
    err(*n, fmt::format("'{}' must be a string", key));
    return std::nullopt;
  }

  std::optional<core::duration> wait(const toml::table& t, std::string_view key) {
    auto s = text(t, key);
    if (!s) return std::nullopt;
    auto d = core::parse_duration(*s);
    if (!d || *d < core::duration::zero() || *d > max_wait) {
      err(*t.get(key),
          fmt::format("'{}' must be a duration from 0 to 1h (\"250ms\", \"2s\")", key));
      return std::nullopt;
    }
    return d;
  }

  void check_template(const toml::node& at, const json& tmpl, bool in_stream) {
    auto bad = unknown_placeholder(tmpl, in_stream);
    if (!bad.empty())
      err(at, fmt::format("unknown placeholder {} (known: params, params.NAME, params.N, method, "
                          "id, count{})",
                          bad, in_stream ? ", n" : ""));
  }

  // result, result_json, error, delay: shared by a method and its sequence entries.
  answer_spec answer(const toml::table& t, const answer_spec& defaults, bool required) {
    answer_spec a;
    a.delay = defaults.delay;
    if (auto d = wait(t, "delay")) a.delay = *d;
    int given = 0;
    if (auto* r = t.get("result")) {
      a.result = core::toml_to_json(*r);
      check_template(*r, *a.result, false);
      ++given;
    }
    if (auto* r = t.get("result_json")) {
      ++given;
      auto s = r->value_exact<std::string>();
      auto v = s ? core::parse_peer_json(*s) : std::nullopt;
      if (!v) {
        err(*r, "'result_json' must be a string holding JSON");
      } else {
        a.result = std::move(*v);
        check_template(*r, *a.result, false);
      }
    }
    if (auto* e = t.get("error")) {
      ++given;
      if (auto* et = e->as_table()) {
        unknown(*et, error_keys, "error");
        json obj = json::object();
        int code = -32000;
        if (auto* c = et->get("code")) {
          auto v = c->value_exact<std::int64_t>();
          if (!v || *v < INT32_MIN || *v > INT32_MAX)
            err(*c, "'code' must be an integer (a JSON-RPC error code)");
          else
            code = static_cast<int>(*v);
        }
        obj["code"] = code;
        obj["message"] =
            text(*et, "message").value_or(std::string(proto::jsonrpc::standard_message(code)));
        if (auto* d = et->get("data")) obj["data"] = core::toml_to_json(*d);
        check_template(*e, obj, false);
        a.error = std::move(obj);
      } else {
        err(*e, "'error' must be a table: { code = -32001, message = \"...\" }");
      }
    }
    if (given > 1) err(t, "give one of result, result_json and error");
    if (given == 0 && required) a.result = nullptr;
    return a;
  }

  method_spec method(const toml::table& t) {
    method_spec m;
    m.line = static_cast<int>(t.source().begin.line);
    unknown(t, method_keys, "[[method]]");
    m.name = text(t, "name").value_or("");
    if (!t.get("name") || (t.get("name")->is_string() && m.name.empty()))
      err(t, "a [[method]] needs a name");
    if (proto::jsonrpc::reserved_method(m.name))
      err(*t.get("name"), "method names starting with 'rpc.' are reserved");
    m.summary = text(t, "summary").value_or("");
    if (auto* p = t.get("params")) {
      auto* arr = p->as_array();
      bool ok = arr != nullptr;
      if (arr)
        for (auto& e : *arr) {
          auto s = e.value_exact<std::string>();
          if (!s || s->empty()) {
            ok = false;
            break;
          }
          m.params.push_back(*s);
        }
      if (!ok) err(*p, "'params' must be an array of names");
    }
    m.answer = answer(t, {}, true);
    if (auto* c = t.get("cycle")) {
      auto v = c->value_exact<bool>();
      if (!v) err(*c, "'cycle' must be true or false");
      m.cycle = v.value_or(false);
    }
    if (auto* s = t.get("sequence")) {
      auto* arr = s->as_array();
      if (!arr || arr->empty()) err(*s, "'sequence' must be a non-empty array of tables");
      if (arr)
        for (auto& e : *arr) {
          auto* et = e.as_table();
          if (!et) {
            err(e, "each [[method.sequence]] entry must be a table");
            continue;
          }
          unknown(*et, answer_keys, "[[method.sequence]]");
          m.sequence.push_back(answer(*et, m.answer, true));
        }
    }
    if (auto* s = t.get("stream")) {
      auto* st = s->as_table();
      if (!st) {
        err(*s, "'stream' must be a table ([method.stream])");
      } else {
        unknown(*st, stream_keys, "[method.stream]");
        stream_spec sp;
        sp.method = text(*st, "method").value_or(m.name);
        if (auto* p = st->get("params")) {
          sp.params = core::toml_to_json(*p);
          check_template(*p, *sp.params, true);
          if (!sp.params->is_array() && !sp.params->is_object())
            err(*p, "stream 'params' must be an array or a table");
        }
        if (auto d = wait(*st, "interval")) {
          if (*d <= core::duration::zero())
            err(*st->get("interval"), "'interval' must be more than 0");
          else
            sp.interval = *d;
        }
        if (auto* c = st->get("count")) {
          auto v = c->value_exact<std::int64_t>();
          if (!v || *v < 1 || *v > 1'000'000)
            err(*c, "'count' must be an integer from 1 to 1000000");
          else
            sp.count = static_cast<std::uint64_t>(*v);
        }
        m.stream = std::move(sp);
      }
    }
    return m;
  }

  std::string name_;
  std::vector<std::string> errors_;
};

// ---- templates ----------------------------------------------------------------------------------

struct placeholder {
  std::string_view path;                     ///< "params.a.0", "method"
  std::optional<std::string_view> fallback;  ///< after '|'
};

placeholder split(std::string_view inner) {
  placeholder p;
  auto bar = inner.find('|');
  p.path = inner.substr(0, bar);
  if (bar != std::string_view::npos) p.fallback = inner.substr(bar + 1);
  while (!p.path.empty() && p.path.front() == ' ') p.path.remove_prefix(1);
  while (!p.path.empty() && p.path.back() == ' ') p.path.remove_suffix(1);
  return p;
}

bool known_root(std::string_view path, bool in_stream) {
  auto root = path.substr(0, path.find('.'));
  if (root == "params") return true;
  if (path.find('.') != std::string_view::npos) return false;
  return root == "method" || root == "id" || root == "count" || (in_stream && root == "n");
}

// Walks params.a.0.b; nullopt when any step is missing.
std::optional<json> lookup(std::string_view path, const template_scope& s) {
  auto dot = path.find('.');
  auto root = path.substr(0, dot);
  if (root == "method") return json(std::string(s.method));
  if (root == "id") return s.id ? *s.id : json(nullptr);
  if (root == "count") return json(s.count);
  if (root == "n") return json(s.n);
  if (root != "params" || !s.params) return std::nullopt;
  const json* at = s.params;
  bool first = true;
  while (dot != std::string_view::npos) {
    path.remove_prefix(dot + 1);
    dot = path.find('.');
    auto step = path.substr(0, dot);
    const json* next = nullptr;
    if (at->is_object()) {
      auto it = at->find(std::string(step));
      if (it != at->end()) next = &*it;
    } else if (at->is_array()) {
      std::size_t index = 0;
      bool numeric =
          !step.empty() && step.size() < 10 &&
          std::all_of(step.begin(), step.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (numeric) {
        index = std::stoul(std::string(step));
      } else if (first && s.names) {
        // A positional param reached by the name the method gives it.
        auto it = std::find(s.names->begin(), s.names->end(), step);
        numeric = it != s.names->end();
        index = static_cast<std::size_t>(it - s.names->begin());
      }
      if (numeric && index < at->size()) next = &(*at)[index];
    }
    if (!next) return std::nullopt;
    at = next;
    first = false;
  }
  return *at;
}

json fill(const placeholder& p, const template_scope& s) {
  if (auto v = lookup(p.path, s)) return *v;
  if (p.fallback) {
    if (auto v = core::parse_peer_json(*p.fallback)) return *v;
    return json(std::string(*p.fallback));
  }
  return nullptr;
}

json expand_string(const std::string& str, const template_scope& s) {
  auto open = str.find("{{");
  if (open == std::string::npos) return str;
  // Exactly one placeholder: its value, keeping its type.
  if (open == 0 && str.size() >= 4 && str.ends_with("}}") &&
      str.find("{{", 2) == std::string::npos && str.find("}}") == str.size() - 2)
    return fill(split(std::string_view(str).substr(2, str.size() - 4)), s);
  std::string out;
  std::size_t at = 0;
  while (open != std::string::npos) {
    auto close = str.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(str, at, open - at);
    json v = fill(split(std::string_view(str).substr(open + 2, close - open - 2)), s);
    if (v.is_string())
      out += v.get<std::string>();
    else if (!v.is_null())
      out += proto::jsonrpc::dump(v);
    at = close + 2;
    open = str.find("{{", at);
  }
  out.append(str, at);
  return out;
}

// Reads placeholders as expand_string does: each from "{{" to the next "}}", the next after that.
// As deep as expand() goes: TOML and result_json bound how deeply a template nests.
std::string first_unknown(const json& tmpl, bool in_stream) {
  if (tmpl.is_string()) {
    const auto& str = tmpl.get_ref<const std::string&>();
    for (auto open = str.find("{{"); open != std::string::npos;) {
      auto close = str.find("}}", open + 2);
      if (close == std::string::npos) break;
      auto p = split(std::string_view(str).substr(open + 2, close - open - 2));
      if (!known_root(p.path, in_stream)) return str.substr(open, close + 2 - open);
      open = str.find("{{", close + 2);
    }
    return "";
  }
  if (tmpl.is_structured())
    for (auto& v : tmpl) {
      auto bad = first_unknown(v, in_stream);
      if (!bad.empty()) return bad;
    }
  return "";
}

}  // namespace

const method_spec* method_table::find(std::string_view name) const {
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : &methods[it->second];
}

method_table parse_methods(std::string_view text, const std::string& name) {
  auto root = core::parse_toml(text, name);
  return loader(name).load(root);
}

method_table load_methods(const std::string& path) {
  return parse_methods(core::read_file(path), path);
}

json expand(const json& tmpl, const template_scope& scope) {
  if (tmpl.is_string()) return expand_string(tmpl.get_ref<const std::string&>(), scope);
  if (tmpl.is_array()) {
    json out = json::array();
    for (auto& v : tmpl) out.push_back(expand(v, scope));
    return out;
  }
  if (tmpl.is_object()) {
    json out = json::object();
    for (auto& [k, v] : tmpl.items()) out[k] = expand(v, scope);
    return out;
  }
  return tmpl;
}

std::string unknown_placeholder(const json& tmpl, bool in_stream) {
  return first_unknown(tmpl, in_stream);
}

const answer_spec& answer_for(const method_spec& m, std::uint64_t count) {
  if (m.sequence.empty() || count == 0) return m.sequence.empty() ? m.answer : m.sequence.front();
  std::uint64_t i = count - 1;
  if (m.cycle)
    i %= m.sequence.size();
  else if (i >= m.sequence.size())
    i = m.sequence.size() - 1;
  return m.sequence[i];
}

}  // namespace commands::rpc_mock

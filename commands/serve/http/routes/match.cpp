// Answering requests from a route table: matching, responses, near-miss 404s and the request log.
#include <fmt/format.h>

#include <algorithm>

#include "commands/serve/http/routes/detail.hpp"
#include "commands/serve/http/routes/routes.hpp"
#include "core/json.hpp"

namespace commands::http {

using namespace routes_detail;
using json = nlohmann::json;

namespace {

// What matching needs of a request, worked out once for all routes.
struct request_view {
  explicit request_view(const request& r) : req(r), query(parse_query(r.query)) {
    // Segments are cut before decoding, so "/files/a%2Fb" has the one segment "a/b"; a request
    // built without an origin-form target falls back to its decoded path.
    std::string_view raw = r.target;
    raw = raw.substr(0, raw.find_first_of("?#"));
    if (raw.empty() || raw.front() != '/') {
      for (auto s : split_path(r.path)) parts.emplace_back(s);
    } else {
      for (auto s : split_path(raw)) parts.push_back(percent_decode(s).value_or(std::string(s)));
    }
  }

  const json* body_json() const {
    if (!parsed_) {
      parsed_ = true;
      json_ = core::parse_peer_json(req.body);
    }
    return json_ ? &*json_ : nullptr;
  }

  const request& req;
  std::vector<std::string> parts;
  string_pairs query;

 private:
  mutable bool parsed_ = false;
  mutable std::optional<json> json_;
};

std::string dump(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string segment_text(const segment& s) {
  switch (s.k) {
    case segment::kind::param:
      return ":" + s.text;
    case segment::kind::any:
      return "*";
    case segment::kind::rest:
      return "**";
    case segment::kind::literal:
      break;
  }
  return s.text;
}

std::string join(const std::vector<std::string>& list, std::string_view sep) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

bool method_matches(const route& r, std::string_view method) {
  if (r.methods.empty()) return true;
  for (const auto& m : r.methods)
    if (m == method || (method == "HEAD" && m == "GET")) return true;
  return false;
}

bool path_matches(const route& r, const std::vector<std::string>& parts, string_pairs& params) {
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    const auto& s = r.segments[i];
    if (s.k == segment::kind::rest) {
      std::string rest;
      for (std::size_t j = i; j < parts.size(); ++j) rest += (j > i ? "/" : "") + parts[j];
      params.emplace_back("rest", std::move(rest));
      return true;
    }
    if (i >= parts.size()) return false;
    if (s.k == segment::kind::literal ? parts[i] != s.text : parts[i].empty()) return false;
    if (s.k == segment::kind::param) params.emplace_back(s.text, parts[i]);
  }
  return parts.size() == r.segments.size();
}

// The first of the request's values for a query or header name, if any; whether any equals `want`.
template <typename Pairs, typename Eq>
std::pair<const std::string*, bool> find_value(const Pairs& have, const std::string& name,
                                               const std::string& want, Eq same_name) {
  const std::string* first = nullptr;
  for (const auto& [k, v] : have) {
    if (!same_name(k, name)) continue;
    if (want == "*" || v == want) return {&v, true};
    if (!first) first = &v;
  }
  return {first, false};
}

bool exact(std::string_view a, std::string_view b) {
  return a == b;
}

// Why `r` does not take the request, and how far it is from doing so (0: it matches).
double differences(const route& r, const request_view& v, std::vector<std::string>* why) {
  double score = 0;
  auto note = [&](double cost, std::string text) {
    score += cost;
    if (why) why->push_back(std::move(text));
  };
  if (!method_matches(r, v.req.method))
    note(1, fmt::format("method is {}, route wants {}", v.req.method, join(r.methods, " or ")));

  const auto& segs = r.segments;
  bool rest = !segs.empty() && segs.back().k == segment::kind::rest;
  std::size_t fixed = segs.size() - (rest ? 1 : 0);
  for (std::size_t i = 0; i < fixed && i < v.parts.size(); ++i) {
    const auto& s = segs[i];
    const auto& got = v.parts[i];
    if (s.k == segment::kind::literal && got != s.text) {
      double longest = static_cast<double>(std::max(got.size(), s.text.size()));
      note(0.5 + 0.5 * static_cast<double>(edit_distance(got, s.text)) / longest,
           fmt::format("path segment {} is '{}', route wants '{}'", i + 1, got, s.text));
    } else if (s.k != segment::kind::literal && got.empty()) {
      note(1, fmt::format("path segment {} is empty, route wants {}", i + 1, segment_text(s)));
    }
  }
  if (v.parts.size() < fixed) {
    if (v.parts.size() + 1 == fixed && segs.back().k == segment::kind::literal &&
        segs.back().text.empty())
      note(1, "route's path ends with '/', the request's does not");
    else
      note(static_cast<double>(fixed - v.parts.size()),
           fmt::format("path has {} segments, route wants {} (next: '{}')", v.parts.size(), fixed,
                       segment_text(segs[v.parts.size()])));
  } else if (!rest && v.parts.size() > fixed) {
    if (v.parts.size() == fixed + 1 && v.parts.back().empty())
      note(1, "path ends with '/', the route's does not");
    else
      note(static_cast<double>(v.parts.size() - fixed),
           fmt::format("path has {} segments, route wants {}", v.parts.size(), fixed));
  }

  for (const auto& [k, want] : r.query) {
    auto [got, ok] = find_value(v.query, k, want, exact);
    if (ok) continue;
    if (!got)
      note(1, fmt::format("missing query {}={}", k, want));
    else
      note(1, fmt::format("query {} is '{}', route wants '{}'", k, *got, want));
  }
  for (const auto& [k, want] : r.headers) {
    auto [got, ok] = find_value(v.req.headers.fields(), k, want, iequals);
    if (ok) continue;
    if (!got)
      note(1, fmt::format("missing header {}", k));
    else
      note(1, fmt::format("header {} is '{}', route wants '{}'", k, *got, want));
  }
  const auto& body = v.req.body;
  if (r.body_contains && body.find(*r.body_contains) == std::string::npos)
    note(1, fmt::format("body does not contain '{}'", *r.body_contains));
  if (r.body_json) {
    auto* have = v.body_json();
    if (!have)
      note(1, "body is not JSON");
    else if (!json_subset(*r.body_json, *have))
      note(1, fmt::format("body JSON does not contain {}",
                          r.body_json->dump(-1, ' ', false, json::error_handler_t::replace)));
  }
  if (r.body_matches) {
    std::string_view head(body.data(), std::min(body.size(), regex_body_limit));
    if (!r.body_matches->search(head, head.size() < body.size()))
      note(1, fmt::format("body does not match /{}/", r.body_matches_text));
  }
  return score;
}

// Header values come from request data through templates: no line breaks may reach the wire.
std::string header_safe(std::string v) {
  for (auto& c : v)
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  return v;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(t);
  auto day = floor<days>(ms);
  year_month_day ymd{day};
  hh_mm_ss hms{ms - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

json route_json(const route_table& routes, std::size_t i) {
  auto s = routes.describe(i);
  return {{"index", i},
          {"name", s.name.empty() ? json(nullptr) : json(s.name)},
          {"line", s.line},
          {"methods", s.methods},
          {"path", s.path}};
}

// A response carrying [defaults] response_headers, for 404s and control endpoints.
response with_defaults(const table* t, const request& req) {
  response out;
  out.headers.set("Content-Type", "application/json");
  if (!t) return out;
  string_pairs none;
  render_context ctx{req, none, none, 0};
  for (const auto& [k, v] : t->default_headers)
    out.headers.set(k, header_safe(render_text(v, ctx)));
  return out;
}

}  // namespace

std::size_t route_table::size() const {
  return t_ ? t_->routes.size() : 0;
}

route_table::summary route_table::describe(std::size_t i) const {
  const auto& r = t_->routes.at(i);
  return {r.name, r.methods.empty() ? std::vector<std::string>{"*"} : r.methods, r.path, r.line};
}

const std::string& route_table::source() const {
  static const std::string none;
  return t_ ? t_->source : none;
}

mock_api::mock_api(route_table routes, std::size_t log_limit)
    : routes_(std::move(routes)), log_limit_(log_limit), counts_(routes_.size(), 0) {}

mock_result mock_api::handle(const request& req, std::chrono::system_clock::time_point now) {
  if (req.path == "/__vitnet" || req.path.starts_with("/__vitnet/")) return control(req);
  ++total_;
  if (core::json_depth(req.body) > core::max_json_depth) {
    // Refused before anything recurses over it (matching, templates, the request log).
    mock_result out;
    out.resp = with_defaults(routes_.t_.get(), req);
    out.resp.status = 400;
    out.resp.body = dump({{"error", fmt::format("the request body nests JSON deeper than {} levels",
                                                core::max_json_depth)}});
    record(req, now, std::nullopt, 400);
    return out;
  }
  request_view view(req);
  static const std::vector<route> no_routes;
  const auto& list = routes_.t_ ? routes_.t_->routes : no_routes;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& r = list[i];
    string_pairs params;
    if (!method_matches(r, req.method) || !path_matches(r, view.parts, params) ||
        differences(r, view, nullptr) != 0)
      continue;
    auto n = counts_[i]++;
    auto size = r.responses.size();
    const auto& spec = r.responses[r.cycle ? n % size : std::min<std::uint64_t>(n, size - 1)];
    render_context ctx{req, params, view.query, n + 1};
    mock_result out;
    out.route = i;
    out.delay = spec.delay;
    out.resp.status = spec.status;
    for (const auto& [k, v] : spec.headers)
      out.resp.headers.set(k, r.templates ? header_safe(render_text(v, ctx)) : v);
    using kind = response_spec::body_kind;
    if (spec.kind == kind::text)
      out.resp.body = r.templates ? render_text(spec.text, ctx) : spec.text;
    if (spec.kind == kind::file) out.resp.body = spec.text;
    if (spec.kind == kind::json)
      out.resp.body = dump(r.templates ? render_json(spec.json, ctx) : spec.json);
    if (spec.kind != kind::none && !out.resp.headers.contains("Content-Type"))
      out.resp.headers.set("Content-Type", spec.content_type);
    record(req, now, i, spec.status);
    return out;
  }

  ++unmatched_;
  std::vector<std::pair<double, std::size_t>> ranked;
  for (std::size_t i = 0; i < list.size(); ++i)
    ranked.emplace_back(differences(list[i], view, nullptr), i);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  json closest = json::array();
  for (std::size_t k = 0; k < ranked.size() && k < 3; ++k) {
    std::vector<std::string> why;
    differences(list[ranked[k].second], view, &why);
    auto j = route_json(routes_, ranked[k].second);
    j["differences"] = why;
    closest.push_back(std::move(j));
  }
  mock_result out;
  out.resp = with_defaults(routes_.t_.get(), req);
  out.resp.status = 404;
  out.resp.body = dump({{"error", fmt::format("no route matches {} {}", req.method, req.path)},
                        {"closest", std::move(closest)}});
  record(req, now, std::nullopt, 404);
  return out;
}

mock_result mock_api::control(const request& req) {
  mock_result out;
  out.resp = with_defaults(routes_.t_.get(), req);
  if (req.path != "/__vitnet/requests") {
    out.resp.status = 404;
    out.resp.body = dump({{"error", fmt::format("no control endpoint {}; there is "
                                                "/__vitnet/requests (GET, DELETE)",
                                                req.path)}});
  } else if (req.method == "GET" || req.method == "HEAD") {
    out.resp.body = requests_json();
  } else if (req.method == "DELETE") {
    reset();
    out.resp.status = 204;
    out.resp.headers.remove("Content-Type");
  } else {
    out.resp.status = 405;
    out.resp.headers.set("Allow", "GET, HEAD, DELETE");
    out.resp.body =
        dump({{"error", fmt::format("{} /__vitnet/requests: use GET or DELETE", req.method)}});
  }
  return out;
}

void mock_api::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  log_.clear();
  total_ = unmatched_ = 0;
}

std::uint64_t mock_api::calls(std::size_t route) const {
  return counts_.at(route);
}

void mock_api::record(const request& req, std::chrono::system_clock::time_point now,
                      std::optional<std::size_t> route, int status) {
  if (log_limit_ == 0) return;
  log_entry e;
  e.time = now;
  e.method = req.method;
  e.path = req.path;
  e.query = req.query;
  e.body = req.body.substr(0, 4096);
  e.headers = req.headers.fields();
  // Credentials are not kept: the log is readable by whoever reaches /__vitnet/requests (with
  // --cors, any page in a browser).
  for (auto& [name, value] : e.headers)
    if (iequals(name, "Authorization") || iequals(name, "Proxy-Authorization") ||
        iequals(name, "Cookie"))
      value = "[redacted]";
  e.route = route;
  e.status = status;
  log_.push_back(std::move(e));
  while (log_.size() > log_limit_) log_.pop_front();
}

std::string mock_api::requests_json() const {
  json routes = json::array();
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    auto j = route_json(routes_, i);
    j["count"] = counts_[i];
    routes.push_back(std::move(j));
  }
  json requests = json::array();
  for (const auto& e : log_) {
    json headers = json::object();
    for (const auto& [k, v] : e.headers) {
      auto& slot = headers[k];
      slot = slot.is_null() ? v : slot.get<std::string>() + ", " + v;
    }
    json name = nullptr;
    if (e.route && !routes_.describe(*e.route).name.empty()) name = routes_.describe(*e.route).name;
    requests.push_back({{"time", rfc3339(e.time)},
                        {"method", e.method},
                        {"path", e.path},
                        {"query", e.query},
                        {"headers", std::move(headers)},
                        {"body", e.body},
                        {"route", e.route ? json(*e.route) : json(nullptr)},
                        {"name", std::move(name)},
                        {"status", e.status}});
  }
  return dump({{"total", total_},
               {"unmatched", unmatched_},
               {"routes", std::move(routes)},
               {"requests", std::move(requests)}});
}

}  // namespace commands::http

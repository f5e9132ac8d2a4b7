// Directory listings for `serve --dir`: HTML for browsers, JSON for programs, chosen by Accept.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/markup.hpp"
#include "core/units.hpp"
#include "commands/serve/http/static/static.hpp"

namespace commands::http {

namespace {

std::string html(std::string_view s) { return core::escape_markup(s, core::markup::html); }

using namespace std::chrono;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The q-value the Accept fields give type/subtype: that of the most specific matching range
// (type/subtype, then type/*, then */*); 0 when none matches.
double quality(const header_list& h, std::string_view type, std::string_view subtype) {
  int best = -1;
  double q = 0;
  for (const auto& [name, value] : h.fields()) {
    if (!iequals(name, "Accept")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      auto semi = item.find(';');
      auto range = trim(item.substr(0, semi));
      auto slash = range.find('/');
      if (slash == std::string_view::npos) continue;
      auto t = range.substr(0, slash), st = range.substr(slash + 1);
      int specific = iequals(t, type) && iequals(st, subtype) ? 2
                     : iequals(t, type) && st == "*"          ? 1
                     : t == "*" && st == "*"                  ? 0
                                                              : -1;
      if (specific <= best) continue;
      double weight = 1;
      while (semi != std::string_view::npos) {
        item.remove_prefix(semi + 1);
        semi = item.find(';');
        auto param = trim(item.substr(0, semi));
        if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
          double v = 1;
          auto digits = param.substr(2);
          if (std::from_chars(digits.data(), digits.data() + digits.size(), v).ec == std::errc{})
            weight = std::clamp(v, 0.0, 1.0);
        }
      }
      best = specific;
      q = weight;
    }
  }
  return q;
}

void sort_entries(std::vector<dir_entry>& entries) {
  std::erase_if(entries, [](const dir_entry& e) { return e.name == "." || e.name == ".."; });
  auto folded = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::sort(entries.begin(), entries.end(), [&](const dir_entry& a, const dir_entry& b) {
    bool da = a.type == dir_entry::kind::directory, db = b.type == dir_entry::kind::directory;
    if (da != db) return da;
    auto fa = folded(a.name), fb = folded(b.name);
    return fa != fb ? fa < fb : a.name < b.name;
  });
}

std::string calendar(system_clock::time_point t, std::string_view separator, bool seconds_too) {
  auto secs = floor<seconds>(t);
  auto day = floor<days>(secs);
  year_month_day ymd{day};
  hh_mm_ss hms{secs - day};
  auto out = fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}", static_cast<int>(ymd.year()),
                         static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                         separator, hms.hours().count(), hms.minutes().count());
  if (seconds_too) out += fmt::format(":{:02}Z", hms.seconds().count());
  return out;
}

std::string_view type_name(dir_entry::kind k) {
  switch (k) {
    case dir_entry::kind::file:
      return "file";
    case dir_entry::kind::directory:
      return "directory";
    case dir_entry::kind::other:
      break;
  }
  return "other";
}

}  // namespace

bool prefers_json(const header_list& headers) {
  return quality(headers, "application", "json") > quality(headers, "text", "html");
}

std::string listing_html(std::string_view url_path, std::vector<dir_entry> entries) {
  sort_entries(entries);
  auto title = html(fmt::format("Index of {}", url_path));
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>{0}</title>\n"
      "<style>body{{font-family:system-ui,sans-serif;margin:2em}}"
      "td,th{{padding:.15em 2em .15em 0;text-align:left}}td.size{{text-align:right}}</style>\n"
      "</head>\n<body>\n<h1>{0}</h1>\n<table>\n"
      "<tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr>\n",
      title);
  if (url_path != "/")
    out += "<tr><td><a href=\"../\">../</a></td><td class=\"size\"></td><td></td></tr>\n";
  for (const auto& e : entries) {
    bool dir = e.type == dir_entry::kind::directory;
    auto suffix = dir ? "/" : "";
    out += fmt::format(
        "<tr><td><a href=\"{}{}\">{}{}</a></td><td class=\"size\">{}</td><td>{}</td></tr>\n",
        html(percent_encode_path(e.name)), suffix, html(e.name), suffix,
        dir ? "-" : core::format_size(e.size), calendar(e.mtime, " ", false));
  }
  out += "</table>\n</body>\n</html>\n";
  return out;
}

std::string listing_json(std::vector<dir_entry> entries) {
  sort_entries(entries);
  auto list = nlohmann::json::array();
  for (const auto& e : entries)
    list.push_back({{"name", e.name},
                    {"type", type_name(e.type)},
                    {"size", e.size},
                    {"mtime", calendar(e.mtime, "T", true)}});
  return list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

response listing_response(const request& req, std::vector<dir_entry> entries) {
  response out;
  out.headers.set("Vary", "Accept");
  if (prefers_json(req.headers)) {
    out.headers.set("Content-Type", "application/json");
    out.body = listing_json(std::move(entries));
  } else {
    std::string path = req.path.empty() ? "/" : req.path;
    if (path.back() != '/') path += '/';
    out.headers.set("Content-Type", "text/html; charset=utf-8");
    out.body = listing_html(path, std::move(entries));
  }
  return out;
}

}  // namespace commands::http

// What a finished HTTP exchange says: the --json document.
#include "commands/connect/http/report.hpp"

#include <cctype>

#include "core/base64.hpp"
#include "core/text.hpp"

namespace commands::http {

nlohmann::ordered_json document(const net::http_client::response& r,
                                const std::vector<redirect_hop>& hops, int attempts, bool to_file,
                                const std::optional<std::string>& written) {
  using json = nlohmann::ordered_json;
  // Names are case-insensitive (and lowercase in HTTP/2): lowercase keys, a list of values each,
  // so repeated headers (Set-Cookie) keep every value: .headers["content-type"][0].
  json headers = json::object();
  for (const auto& [name, value] : r.headers) {
    // A server's bytes need not be UTF-8 (nor even text); JSON must be.
    std::string key = core::valid_utf8(name);
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers[key].push_back(core::valid_utf8(value));
  }
  json timings = {{"dns", r.time.dns},
                  {"connect", r.time.connect},
                  {"tls", r.time.tls ? json(*r.time.tls) : json(nullptr)},
                  {"first_byte", r.time.first_byte},
                  {"total", r.time.total}};
  json doc = {{"url", core::valid_utf8(r.url)},
              {"method", r.method},
              {"status", r.status},
              {"reason", core::valid_utf8(r.reason)},
              {"http_version", core::valid_utf8(r.http_version)},
              {"headers", headers},
              {"timings", timings},
              {"size", r.size}};
  if (to_file) {
    doc["download"] = written ? json(*written) : json(nullptr);
  } else if (core::valid_utf8(r.body) == r.body) {
    doc["body"] = r.body;
    doc["body_encoding"] = "utf-8";
  } else {
    doc["body"] = core::base64_encode(r.body);
    doc["body_encoding"] = "base64";
  }
  json redirects = json::array();
  for (const auto& h : hops)
    redirects.push_back({{"url", core::valid_utf8(h.url)},
                         {"status", h.status},
                         {"location", core::valid_utf8(h.location)}});
  doc["redirects"] = redirects;
  doc["attempts"] = attempts;
  return doc;
}

}  // namespace commands::http

// Fuzzes how `vitnet connect http(s)://` reads a server's response head, line by line as curl
// hands it over (read_head_line), and the --json report made of it (commands::http::document).
// No crash; the status is what a three-digit code can be; names and values carry no line
// ending; the head holds every line of the final response; Retry-After is read only from
// digits; and the report is a JSON document that serialises, whatever bytes the server sent.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "commands/connect/http/report.hpp"
#include "net/http_client/response.hpp"

namespace hc = net::http_client;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  hc::response r;
  r.url = "http://example.com/";
  r.method = "GET";
  r.http_version = "1.1";
  bool ended = false;
  std::string since_status;  // the lines of the current response, as the head should hold them
  while (!text.empty() && !ended) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(line.size());
    if (line.starts_with("HTTP/")) since_status.clear();
    since_status += line;
    ended = hc::read_head_line(r, line);
  }
  if (r.status < 0 || r.status > 999) std::abort();
  if (ended && r.status < 200) std::abort();
  if (r.head != since_status) std::abort();
  for (const auto& [name, value] : r.headers) {
    if (name.find('\n') != std::string::npos || value.find('\n') != std::string::npos) std::abort();
    if (!value.empty() && (value.back() == '\r' || value.back() == ' ')) std::abort();
  }
  if (r.retry_after && *r.retry_after < 0) std::abort();
  r.body = std::string(text);
  r.size = r.body.size();
  auto doc = commands::http::document(r, {{.url = r.url, .status = 301, .location = "/x"}}, 1,
                                      false, std::nullopt);
  auto dumped = doc.dump();
  if (!nlohmann::json::accept(dumped)) std::abort();
  return 0;
}

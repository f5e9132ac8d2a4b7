#include "net/http_client/response.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace net::http_client {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

bool read_head_line(response& r, std::string_view line) {
  if (line.starts_with("HTTP/")) {  // a new response (after a 1xx one, say)
    r.headers.clear();
    r.head.clear();
    r.retry_after.reset();
    auto sp = line.find(' ');
    r.status = 0;
    if (sp != std::string_view::npos) {
      auto rest = line.substr(sp + 1);
      // Three digits, or no status at all (0): "-04" is not -4.
      auto code = rest.substr(0, 3);
      if (code.size() == 3 &&
          std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isdigit(c); }))
        r.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
      r.reason = rest.size() > 4 ? trim_line(rest.substr(4)) : "";
    }
  } else if (line == "\r\n" || line == "\n") {
    r.head.append(line);
    return r.status >= 200;
  } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
    // An obsolete folded line continues the last field (a blank one adds nothing).
    if (auto more = trim_line(line); !more.empty()) {
      auto& value = r.headers.back().second;
      value += value.empty() ? more : " " + more;
    }
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(line.substr(0, colon)), value = trim_line(line.substr(colon + 1));
    if (iequals(name, "retry-after") && !value.empty() &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
      r.retry_after = std::strtol(value.c_str(), nullptr, 10);
    r.headers.emplace_back(std::move(name), std::move(value));
  }
  r.head.append(line);
  return false;
}

std::string trim_line(std::string_view s) {
  while (!s.empty() &&
         (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return std::string(s);
}

}  // namespace net::http_client

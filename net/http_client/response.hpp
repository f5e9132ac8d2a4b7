#pragma once
// What an HTTP exchange brought back, and the reading of its head as curl hands it over line by
// line. No curl and no I/O here, so the reports built from it can be fuzzed on bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace net::http_client {

/// Seconds since the exchange began, as curl's -w times are: each includes those before it.
struct timings {
  double dns = 0, connect = 0;
  std::optional<double> tls;  ///< the handshake done (https only)
  double first_byte = 0, total = 0;
};

struct response {
  std::string url, method;
  long status = 0;
  std::string reason;                                        ///< "Not Found" (HTTP/1 only)
  std::string http_version;                                  ///< "1.1", "2"
  std::vector<std::pair<std::string, std::string>> headers;  ///< as received, in order
  std::string head;                 ///< the status line and headers as received (-i)
  std::string location;             ///< a redirect's absolute target, or empty
  std::optional<long> retry_after;  ///< seconds
  timings time;
  std::uint64_t size = 0;      ///< body bytes
  std::string body;            ///< when kept in memory (--json)
  bool output_closed = false;  ///< stdout's reader went away: stop quietly
};

/// Reads one line of a response's head as curl hands it over, its line ending included. A status
/// line ("HTTP/1.1 404 Not Found") starts a new response, forgetting an interim one before it; a
/// field line adds to `headers` (a line starting with a space or tab continues the last field);
/// every line goes into `head`. Returns true at the blank line ending the head of a final
/// response (status 200 or more), after which the next lines would be trailers.
/// Example: read_head_line(r, "HTTP/1.1 200 OK\r\n") sets r.status to 200 and returns false.
bool read_head_line(response& r, std::string_view line);

/// A header line without its line ending and surrounding blanks.
/// Example: trim_line("  text/plain \r\n") == "text/plain".
std::string trim_line(std::string_view s);

}  // namespace net::http_client

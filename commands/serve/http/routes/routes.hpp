#pragma once
// The mock API behind `vitnet serve http://HOST:PORT --routes FILE`: a routes file (TOML) says
// which requests get which responses. Sans-io: the server reads a request, asks mock_api::handle
// for a response and a delay, sleeps, then writes. examples/routes.toml is a runnable example.
//
// Routes file format
// ------------------
//   [defaults]                        # optional, applies to every route
//   response_headers = { Access-Control-Allow-Origin = "*" }
//   delay = "20ms"
//
//   [[route]]                         # routes are tried in file order; the first match wins
//   name = "get user"                 # optional, unique; shown in logs and 404 hints
//   method = "GET"                    # or ["GET", "PUT"], or "*"; default "GET". A GET route
//                                     # also answers HEAD.
//   path = "/users/:id"               # required. Segments: literal, :param (one non-empty
//                                     # segment), * (any one segment), ** (last only: the rest,
//                                     # zero or more segments, available as {{params.rest}}).
//                                     # Compared segment by segment, each percent-decoded
//                                     # (so %2F stays inside its segment); a trailing '/'
//                                     # counts.
//   query = { verbose = "1" }         # optional; every pair must be present ("*": any value)
//   headers = { X-Api-Key = "*" }     # optional; names ignore case, values are exact ("*": any)
//   body_contains = "alice"           # optional body matchers, all must hold:
//   body_json = { role = "admin" }    #   the body is JSON containing this subset
//   body_matches = '"id": *[0-9]+'    #   a POSIX extended regex (grep -E; \d \s \w work too)
//                                     #   found somewhere in the first 64 KiB
//
//   status = 200                      # default 200
//   response_headers = { Cache-Control = "no-store" }
//   body = "hello {{params.id}}"      # one body source at most: body (text; JSON when it
//   # body_file = "user.json"         #   starts with { or [), body_file (relative to this file,
//   # json = { id = "{{params.id}}" } #   sent as is, type by extension) or json (any value,
//                                     #   sent as indented JSON). Content-Type follows unless
//                                     #   response_headers sets one; Content-Length is the
//                                     #   server's.
//   delay = "200ms"                   # the server waits this long before answering
//   template = true                   # false: send body and headers without {{...}} expansion
//
//   [[route.sequence]]                # optional: call N gets entry N; after the last entry
//   status = 503                      # the last repeats, or all cycle with `cycle = true` on
//   [[route.sequence]]                # the route. Entries take status, response_headers,
//   json = { ok = true }              # body, body_file, json, delay; the route's status,
//                                     # response_headers and delay are their defaults.
//
// Templates ({{...}} in body, json strings and response header values):
//   {{method}} {{path}} {{body}} {{count}} (calls of this route, 1-based)
//   {{params.NAME}} {{query.NAME}} {{headers.NAME}} {{body.FIELD.FIELD}} (JSON body field; an
//   array index is a number); {{query.page|1}} gives "1" when the value is missing or empty.
//   An unknown placeholder or a :param the path lacks is an error when the file loads; a value
//   the request lacks is empty. Values are inserted as they are (json strings are escaped by
//   the serialiser; line breaks in header values become spaces).
//
// Control endpoints (never routed; paths under /__vitnet/ are reserved):
//   GET /__vitnet/requests      what was called, as JSON (schema at mock_api::requests_json)
//   DELETE /__vitnet/requests   forget calls: counts, log and sequences start over
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/serve/http/message.hpp"
#include "core/units.hpp"

namespace commands::http {

namespace routes_detail {
struct table;
}

/// Reads a file that a routes file names (body_file), given the path already resolved against
/// the routes file's directory; nullopt when it is missing or not a readable regular file.
using file_reader = std::function<std::optional<std::string>(const std::string& path)>;

/// A parsed routes file: immutable and cheap to copy, so a reload can swap in a new one.
class route_table {
 public:
  /// What a person needs to recognise a route.
  struct summary {
    std::string name;                  ///< empty when the route has none
    std::vector<std::string> methods;  ///< {"*"} for any method
    std::string path;                  ///< the pattern as written: "/users/:id"
    int line = 0;                      ///< of its [[route]] header
  };

  std::size_t size() const;
  summary describe(std::size_t route) const;
  /// The file name used in messages.
  const std::string& source() const;

 private:
  friend route_table parse_routes(std::string_view, const std::string&, const std::string&,
                                  const file_reader&);
  friend class mock_api;
  std::shared_ptr<const routes_detail::table> t_;
};

/// Parses a routes file held in memory. `name` prefixes messages; `base_dir` (may be empty for
/// the current directory) resolves body_file through `read`. Throws vitnet::error with
/// exit_code::data listing every error found, one "NAME:LINE: message" per line.
/// Example: parse_routes("[[route]]\npath = \"/\"\nbody = \"hi\"\n", "r.toml", "", reader).
route_table parse_routes(std::string_view text, const std::string& name,
                         const std::string& base_dir, const file_reader& read);

/// Reads and parses a routes file; body_file paths are relative to its directory. A missing
/// or unreadable file throws vitnet::error with the exit code of the failure (66 for missing).
route_table load_routes(const std::string& path);

/// A reader of regular files no larger than `max_bytes`, the one load_routes uses.
file_reader disk_reader(std::uint64_t max_bytes = 256ull << 20);

/// The answer to one request.
struct mock_result {
  response resp;           ///< status, headers (Content-Type set, never Content-Length) and body
  core::duration delay{};  ///< how long the server waits before writing resp
  std::optional<std::size_t> route;  ///< the route that answered; nullopt for a 404 or a
                                     ///< control endpoint
};

/// Decides responses for one server. Holds per-route call counts (which drive sequences) and a
/// bounded log of recent requests. Not thread-safe: use it from the server's one thread.
class mock_api {
 public:
  /// `log_limit` bounds the request log (the oldest entries go first).
  explicit mock_api(route_table routes, std::size_t log_limit = 1000);

  /// The response for `req`, stamped with `now` in the log. Never throws on request content.
  /// A HEAD request gets the GET route's full response: the writer sends only its headers.
  /// Unmatched requests get a 404 whose JSON body lists up to three closest routes and how
  /// each differs ("method is POST, route wants GET", "missing query verbose=1").
  mock_result handle(const request& req, std::chrono::system_clock::time_point now);

  /// Forgets every call: counts, log and sequence positions (DELETE /__vitnet/requests).
  void reset();

  /// How many requests route `route` has answered since the last reset.
  std::uint64_t calls(std::size_t route) const;

  /// GET /__vitnet/requests as a JSON document:
  ///   {"total": 5, "unmatched": 1,
  ///    "routes": [{"index": 0, "name": "get user", "line": 7, "methods": ["GET"],
  ///                "path": "/users/:id", "count": 4}, ...],
  ///    "requests": [{"time": "2024-05-01T12:00:00.123Z", "method": "GET", "path": "/users/7",
  ///                  "query": "verbose=1", "headers": {"Host": "..."}, "body": "...",
  ///                  "route": 0, "name": "get user", "status": 200}, ...]}
  /// "total" counts requests since the last reset, including unmatched ones; "requests" holds
  /// the most recent (oldest first), "route"/"name" null when unmatched; "body" is cut at 4 KiB;
  /// bytes that are not UTF-8 become U+FFFD.
  std::string requests_json() const;

  const route_table& routes() const { return routes_; }

 private:
  struct log_entry {
    std::chrono::system_clock::time_point time;
    std::string method, path, query, body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::optional<std::size_t> route;
    int status = 0;
  };

  void record(const request& req, std::chrono::system_clock::time_point now,
              std::optional<std::size_t> route, int status);
  mock_result control(const request& req);

  route_table routes_;
  std::size_t log_limit_;
  std::vector<std::uint64_t> counts_;
  std::deque<log_entry> log_;
  std::uint64_t total_ = 0;
  std::uint64_t unmatched_ = 0;
};

}  // namespace commands::http

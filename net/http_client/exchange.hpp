#pragma once
// Private to the HTTP commands (commands/connect/http, commands/serve/http): one HTTP exchange (a request and its response on a connection of
// its own), where its body goes, and how curl's outcomes become vitnet's messages and exit codes.
#include <curl/curl.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/http_client/multi.hpp"
#include "commands/connect/http/client.hpp"
#include "core/atomic_file.hpp"
#include "core/progress.hpp"

namespace commands::http {

/// A request of the chain that redirects make.
struct request {
  net::endpoint where;  ///< scheme, host, port and target
  std::string method;   ///< "GET", "POST", ...
  bool send_body = false;
  const std::string* body = nullptr;  ///< the bytes to send, owned by the caller
  std::vector<std::string> headers;   ///< -H lines still sent (some are dropped across origins)
};

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

/// What becomes of a response once its headers are in.
enum class fate {
  discard,       ///< a response that will be retried: nothing of it is shown
  headers_only,  ///< a redirect that is followed: its headers for -i, not its body
  keep,          ///< the answer: headers for -i, body to the output
};

/// Where kept bodies go, across the hops and attempts of one command.
struct sink {
  enum class kind { stream, memory, file };
  sink(core::io& io, kind k) : k(k), bar(io) {}
  kind k;
  std::unique_ptr<core::atomic_file> file;  ///< kind::file
  std::string pending;                      ///< for stdout, not yet written
  bool paused = false;                      ///< curl held back while pending drains
  bool stdout_used = false;                 ///< bytes went to stdout: a retry would repeat them
  core::progress_bar bar;                   ///< kind::file, on a terminal
};

struct slist_deleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
/// A curl string list (headers, --resolve entries) that frees itself.
using slist = std::unique_ptr<curl_slist, slist_deleter>;

/// Appends `line` to `l`. Throws vitnet::error 70 when memory runs out.
void append(slist& l, const std::string& line);

/// Sets on `e` what `rq` and `o` ask: the headers (kept in `headers`, which must outlive the
/// transfer; "Expect:" added so no 100-continue wait runs on curl's own clock; JSON types for
/// --json-body), the method and body, and the TLS settings.
void set_request(CURL* e, const request& rq, const http_options& o, slist& headers);

/// Runs one exchange: dials `rq.where` through the context, hands the connection to curl and
/// drives the transfer, deciding with `decide` what becomes of the response. Throws
/// vitnet::error (see fail_curl; 68, 69 and 75 while connecting).
net::task<response> exchange(net::context& ctx, curl_multi& multi, const http_options& o,
                             core::io& io, sink& out, const request& rq,
                             std::function<fate(const response&)> decide,
                             std::optional<net::clock::time_point> deadline);

/// Throws the vitnet::error that a failed transfer means, naming `url` or `peer` (host:port);
/// `ca_given` (--ca) chooses the advice after a failed verification.
[[noreturn]] void fail_curl(CURLcode rc, const std::string& detail, long os_errno,
                            const std::string& url, const std::string& peer, bool ca_given);

struct redirect_hop {
  std::string url;
  long status;
  std::string location;
};

/// The --json document: url, method, status, reason, http_version, headers (lowercase names to
/// lists of values), timings, size, then body and body_encoding ("utf-8" or "base64") or, when
/// the body went to a file, download (its path, or null when none was written), then
/// redirects and attempts.
nlohmann::ordered_json document(const response& r, const std::vector<redirect_hop>& hops,
                                int attempts, bool to_file,
                                const std::optional<std::string>& written);

}  // namespace commands::http

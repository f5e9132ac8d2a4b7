#pragma once
// vitnet connect http(s)://...: one HTTP request made by net/http_client on the context's event
// loop, over a connection vitnet dials itself, so it runs on the mock network
// too. Redirects and retries are followed here, a connection per request, each one dialled
// through the context: the mock network's host names, faults and exit codes apply to every hop.
#include <optional>
#include <string>
#include <vector>

#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/http_client/http_client.hpp"

namespace commands {

/// The exchange's options (timeouts, -i, --json-body, TLS) and the request's.
struct http_options : net::http_client::options {
  std::string method;                     ///< -X; empty: GET, or POST when there is a body
  std::vector<std::string> headers;       ///< -H "Name: value" as given ("Name:" removes a default)
  std::optional<std::string> body;        ///< --data or --json-body, already read (@FILE)
  bool body_from_stdin = false;           ///< --data @- / --json-body @-: the body is stdin
  std::vector<std::string> query;         ///< --query NAME=VALUE, encoded and appended in order
  int max_redirs = 10;                    ///< redirects followed; 0 returns the redirect itself
  int retry = 0;                                         ///< further attempts on transient errors
  core::duration retry_delay = std::chrono::seconds(1);  ///< doubled after each, up to 30 s
  bool fail = false;                                     ///< exit 1 on a 4xx or 5xx status
  std::optional<std::string> download;                   ///< the body goes to this file
  bool http3 = false;       ///< --http3: HTTP/3 over QUIC for https, TCP when QUIC fails
  bool http3_only = false;  ///< --http3-only: HTTP/3 or nothing
};

/// Makes the request `o` describes to `url` (an http or https endpoint) and prints the answer:
/// the body on stdout byte for byte (or in --download's file), or with --json one document with
/// status, headers, timings and body. Returns 0, or 1 with --fail on a 4xx/5xx status. Throws
/// vitnet::error: 68 unknown host, 69 refused, 75 timeout, 76 TLS or protocol error, 74 I/O.
net::task<int> run_http(net::context& ctx, const net::endpoint& url, const http_options& o,
                        core::io& io);

/// `target` (a path and query) with NAME=VALUE pairs appended, each side percent-encoded.
/// Example: with_query("/a?x=1", {"q=a b"}) == "/a?x=1&q=a%20b".
std::string with_query(const std::string& target, const std::vector<std::string>& pairs);

/// Whether a failed attempt (an exit code) or an answer (a status) is worth another try, as
/// curl's --retry judges: timeouts, refusals, resets, and 408, 429, 500, 502, 503, 504.
bool transient_status(long status);

}  // namespace commands

#pragma once
// The HTTP client: one HTTP exchange (a request and its response, on a connection of its own that
// vitnet dials through the context), where its body goes, and curl's failures as vitnet's
// messages and exit codes. libcurl does the HTTP; nothing of it shows here
// (net/http_client/curl.hpp is the private side), so commands name no curl type.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/io.hpp"
#include "core/progress.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/http_client/response.hpp"
#include "net/tls/tls.hpp"

namespace net::http_client {

/// What an exchange needs of the command's options.
struct options {
  std::optional<core::duration> timeout;                      ///< whole request (--timeout)
  core::duration connect_timeout = std::chrono::seconds(10);  ///< name lookup and connect
  core::duration idle_timeout = std::chrono::seconds(30);     ///< no byte either way
  /// Who is asking and which option sets idle_timeout, for the message when it passes.
  std::string who = "connect", idle_option = "--idle-timeout";
  bool include = false;         ///< -i: response headers go to the output before the body
  bool json_body = false;       ///< the body is JSON: Content-Type and Accept say so
  net::tls_client_options tls;  ///< https: ca_file, insecure, cert_file, key_file, min_version
};

/// A request of the chain that redirects make.
struct request {
  net::endpoint where;  ///< scheme, host, port and target
  std::string method;   ///< "GET", "POST", ...
  bool send_body = false;
  const std::string* body = nullptr;  ///< the bytes to send, owned by the caller
  std::vector<std::string> headers;   ///< -H lines still sent (some are dropped across origins)
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
  std::size_t memory_limit = 0;             ///< kind::memory: the largest body kept (0: any)
  bool paused = false;                      ///< the transfer held back while pending drains
  bool stdout_used = false;                 ///< bytes went to stdout: a retry would repeat them
  core::progress_bar bar;                   ///< kind::file, on a terminal
};

class curl_multi;

/// The exchanges of one command, driven on `ctx`'s event loop. Loads libcurl on first use:
/// throws vitnet::error 78 when it is missing.
class session {
 public:
  explicit session(net::context& ctx);
  /// Every exchange must have ended first.
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  net::context& context() { return ctx_; }
  curl_multi& multi() { return *multi_; }

 private:
  net::context& ctx_;
  std::unique_ptr<curl_multi> multi_;
};

/// Runs one exchange: dials `rq.where` through the session's context, hands the connection to
/// curl and drives the transfer, deciding with `decide` what becomes of the response. Throws
/// vitnet::error: 68 unknown host, 69 refused, 75 timeout, 76 TLS or protocol error, 74 I/O.
net::task<response> exchange(session& s, const options& o, core::io& io, sink& out,
                             const request& rq, std::function<fate(const response&)> decide,
                             std::optional<net::clock::time_point> deadline);

}  // namespace net::http_client

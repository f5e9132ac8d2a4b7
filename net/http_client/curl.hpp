#pragma once
// Private to net/http_client: the libcurl side of the HTTP client.
#include <curl/curl.h>

#include <memory>
#include <string>

#include "net/http_client/http_client.hpp"
#include "net/http_client/multi.hpp"

namespace net::http_client {

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
void set_request(CURL* e, const request& rq, const options& o, slist& headers);

/// Throws the vitnet::error that a failed transfer means, naming `url` or `peer` (host:port);
/// `ca_given` (--ca) chooses the advice after a failed verification.
[[noreturn]] void fail_curl(CURLcode rc, const std::string& detail, long os_errno,
                            const std::string& url, const std::string& peer, bool ca_given);

/// Loads libcurl if it is not loaded yet. Throws vitnet::error 78 when it cannot be.
void load_libcurl();

}  // namespace net::http_client

// How a request becomes curl's options: headers, method and body, TLS settings.
#include <cctype>

#include "core/error.hpp"
#include "net/http_client/curl.hpp"

namespace net::http_client {

namespace {

bool has_header(const std::vector<std::string>& headers, std::string_view name) {
  for (const auto& h : headers) {
    auto end = h.find_first_of(":;");
    if (end == std::string::npos || end != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < end && same; ++i)
      same = std::tolower(static_cast<unsigned char>(h[i])) == name[i];
    if (same) return true;
  }
  return false;
}

}  // namespace

void append(slist& l, const std::string& line) {
  curl_slist* n = curl_slist_append(l.get(), line.c_str());
  if (!n) vitnet::fail(core::exit_code::internal, "curl: out of memory");
  l.release();  // curl_slist_append extended the list in place: n is its head
  l.reset(n);
}

void set_request(CURL* e, const request& rq, const options& o, slist& headers) {
  for (const auto& h : rq.headers) append(headers, h);
  // No "Expect: 100-continue" wait on large bodies: it is timed by curl's clock.
  if (!has_header(rq.headers, "expect")) append(headers, "Expect:");
  if (rq.send_body && o.json_body) {
    if (!has_header(rq.headers, "content-type")) append(headers, "Content-Type: application/json");
    if (!has_header(rq.headers, "accept")) append(headers, "Accept: application/json");
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());

  const std::string& m = rq.method;
  if (rq.send_body || m == "POST" || m == "PUT" || m == "PATCH") {
    static const std::string empty;
    const std::string& body = rq.send_body && rq.body ? *rq.body : empty;
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
    if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
  } else if (m == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (m != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  const auto& tls = o.tls;
  if (!tls.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (tls.insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!tls.cert_file.empty()) curl_easy_setopt(e, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl_easy_setopt(e, CURLOPT_SSLKEY, tls.key_file.c_str());
  curl_easy_setopt(e, CURLOPT_SSLVERSION,
                   tls.min_version == "1.3" ? CURL_SSLVERSION_TLSv1_3 : CURL_SSLVERSION_TLSv1_2);
}

}  // namespace net::http_client

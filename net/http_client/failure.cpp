// curl's failures as vitnet's messages and exit codes.
#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "net/http_client/curl.hpp"

namespace net::http_client {

namespace {

using core::exit_code;

// "Failed to ..." becomes "failed to ..."; "OpenSSL ..." and "SSL ..." stay as they are.
std::string lowercase_first(std::string s) {
  auto word_end = std::min(s.find(' '), s.size());
  bool capitalised = word_end > 1 && std::isupper(static_cast<unsigned char>(s[0]));
  for (std::size_t i = 1; i < word_end && capitalised; ++i)
    capitalised = !std::isupper(static_cast<unsigned char>(s[i]));
  if (capitalised) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  while (!s.empty() && (s.back() == '.' || s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string strip_prefix(std::string s, std::string_view prefix) {
  if (s.starts_with(prefix)) s.erase(0, prefix.size());
  return s;
}

// What OpenSSL said, without curl's wrapping: "OpenSSL SSL_read: OpenSSL/3.0.19:
// error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0" gives
// "tlsv13 alert certificate required". Empty when `detail` is not OpenSSL's.
std::string openssl_reason(const std::string& detail) {
  if (!detail.starts_with("OpenSSL ")) return {};
  auto colons = detail.rfind("::");
  std::string reason =
      colons == std::string::npos ? detail.substr(detail.find(':') + 1) : detail.substr(colons + 2);
  if (auto e = reason.rfind(", errno "); e != std::string::npos) reason.erase(e);
  while (!reason.empty() && reason.front() == ' ') reason.erase(0, 1);
  return reason;
}

[[noreturn]] void fail_tls(const std::string& peer, const std::string& reason) {
  std::string advice = reason.find("certificate required") != std::string::npos
                           ? "; the server wants a client certificate: pass --cert and --key"
                           : "";
  vitnet::fail(exit_code::protocol, "tls: {}: {}{}", peer, reason, advice);
}

}  // namespace

void fail_curl(CURLcode rc, const std::string& detail_in, long os_errno, const std::string& url,
               const std::string& peer, bool ca_given) {
  std::string detail = lowercase_first(detail_in);
  switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: {
      std::string why = strip_prefix(strip_prefix(detail, "SSL certificate problem: "), "SSL: ");
      // The advice connect gives for tls:// URLs.
      vitnet::fail(exit_code::protocol, "tls: {}: certificate verify failed: {}; {}", peer,
                   lowercase_first(why),
                   ca_given ? "check --ca and the name in the URL, or --insecure"
                            : "pass --ca with the issuer's certificate, or --insecure to skip "
                              "verification");
    }
    case CURLE_SSL_CONNECT_ERROR: {
      std::string reason = openssl_reason(detail);
      fail_tls(peer, "handshake failed: " + (reason.empty() ? detail : reason));
    }
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      vitnet::fail(exit_code::protocol, "tls: {}: {}", peer, detail);
    case CURLE_COULDNT_RESOLVE_HOST:
      vitnet::fail(exit_code::no_host, "resolve: {}: {}", peer, detail);
    case CURLE_COULDNT_CONNECT:
      vitnet::fail(exit_code::unavailable, "connect: {}: {}", peer, detail);
    case CURLE_OPERATION_TIMEDOUT:
      vitnet::fail(exit_code::timeout, "connect: {}: {}", url, detail);
    case CURLE_GOT_NOTHING:
      vitnet::fail(exit_code::protocol,
                   "connect: {}: the server closed the connection without "
                   "answering",
                   url);
    case CURLE_PARTIAL_FILE:
      vitnet::fail(exit_code::protocol, "connect: {}: the answer ended early: {}", url, detail);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      // TLS alerts after the handshake (TLS 1.3 refuses a missing client certificate so).
      if (auto reason = openssl_reason(detail); !reason.empty()) fail_tls(peer, reason);
      if (os_errno != 0)
        vitnet::fail_os(rc == CURLE_RECV_ERROR ? "receive" : "send", peer,
                        {static_cast<int>(os_errno), std::generic_category()});
      vitnet::fail(exit_code::protocol, "connect: {}: {}", url, detail);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      vitnet::fail(exit_code::usage, "connect: {}: {}", url, detail);
    case CURLE_OUT_OF_MEMORY:
      vitnet::fail(exit_code::internal, "connect: {}: out of memory", url);
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
      vitnet::fail(exit_code::io, "connect: {}: {}", url, detail);
    default:
      vitnet::fail(exit_code::protocol, "connect: {}: {}", url, detail);
  }
}

}  // namespace net::http_client

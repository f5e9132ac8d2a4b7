#pragma once
// HTTP/3 (RFC 9114) requests: nghttp3 (sans-io) over vitnet's QUIC streams, since the libcurl
// here has no HTTP/3. The same request and response shapes as net/http_client, so connect
// https:// --http3 keeps every option and output of an HTTP/1.1 request.
#include <functional>
#include <optional>

#include "net/http_client/http_client.hpp"

namespace net::http3 {

/// One exchange over HTTP/3 on a connection of its own: `rq` to `rq.where` (https), its body
/// and head to `out` as net::http_client::exchange does. Throws vitnet::error: 68 unknown host,
/// 69 refused, 75 timeout (no QUIC answer, or the deadline), 76 TLS, QUIC or HTTP/3 failure.
task<http_client::response> exchange(
    context& ctx, const http_client::options& o, core::io& io, http_client::sink& out,
    const http_client::request& rq,
    std::function<http_client::fate(const http_client::response&)> decide,
    std::optional<clock::time_point> deadline);

}  // namespace net::http3

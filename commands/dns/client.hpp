#pragma once
// Asking one DNS server one question: over UDP (TCP when the answer comes truncated), TCP, TLS
// (DNS over TLS, RFC 7858), HTTPS (DNS over HTTPS, RFC 8484) or QUIC (DNS over QUIC, RFC 9250),
// through the context, so it runs
// on the mock network too. Used by `resolve`, by `serve dns --upstream` and by the global
// --resolver that every command resolves names through.
#include <memory>
#include <string>
#include <string_view>

#include "core/io.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/tls/tls.hpp"
#include "proto/dns/message.hpp"

namespace commands::dns {

enum class transport { udp, tcp, tls, https, quic };
std::string_view transport_name(transport t);

/// A server to ask, as users name it.
struct server {
  transport via = transport::udp;
  /// udp, tcp, tls, quic: host and port; https: the URL's endpoint, with its path in `target`.
  net::endpoint where;
  net::tls_client_options tls;  ///< tls, https and quic
  bool https_get = false;       ///< DoH with GET ?dns= instead of POST
  /// "127.0.0.1:53", "https://dns.example/dns-query": what diagnostics and reports name.
  std::string display() const;
};

/// Parses a server: "127.0.0.1", "127.0.0.1:5353", "[::1]:53", "localhost", "udp://H:P",
/// "tcp://H:P", "tls://H[:853]", "quic://H[:853]", "https://H[:P]/PATH" ("/dns-query" when no
/// path), and
/// "dns://H:P" as udp. Throws vitnet::error 64 naming the text.
server parse_server(std::string_view text);

struct exchange_options {
  net::duration timeout = std::chrono::seconds(2);  ///< each attempt
  int retries = 2;                                  ///< further UDP sends after one goes unanswered
  bool tcp_fallback = true;  ///< ask again over TCP when a UDP answer is truncated
};

struct exchange_result {
  proto::dns::message reply;
  transport used = transport::udp;  ///< tcp after a fallback
  net::duration elapsed{};
  std::size_t size = 0;  ///< the reply's bytes
};

/// Asks one server questions; keeps what may be reused between them (libcurl's session for
/// DNS over HTTPS). Its coroutines keep it alive while they run.
class client : public std::enable_shared_from_this<client> {
 public:
  client(net::context& ctx, server s, core::io* io = nullptr);
  ~client();

  const server& target() const { return s_; }
  net::context& context() { return ctx_; }
  /// Sends `query` and returns the server's answer to it (an answer with another id or
  /// question is ignored, as a forged one would be). Throws vitnet::error: 75 no answer in time,
  /// 69 unreachable or refused, 68 the server's own host unknown, 76 a malformed answer or a TLS
  /// failure (named).
  net::task<exchange_result> exchange(proto::dns::message query, exchange_options o);

 private:
  net::task<std::string> over_udp(const std::string& wire, const proto::dns::message& q,
                                  const exchange_options& o);
  net::task<std::string> over_stream(const std::string& wire, const proto::dns::message& q,
                                     const exchange_options& o, bool tls);
  net::task<std::string> over_https(const std::string& wire, const exchange_options& o);
  net::task<std::string> over_quic(const std::string& wire, const proto::dns::message& q,
                                   const exchange_options& o);
  net::task<net::socket_address> server_address(net::duration deadline);

  net::context& ctx_;
  server s_;
  core::io* io_;
  struct doh;
  std::unique_ptr<doh> doh_;
};

/// Whether `reply` answers `query`: the same id, and the same question (names compared
/// ignoring case).
bool answers(const proto::dns::message& reply, const proto::dns::message& query);

/// A fresh query id from the context's random source.
std::uint16_t random_id(net::context& ctx);

}  // namespace commands::dns

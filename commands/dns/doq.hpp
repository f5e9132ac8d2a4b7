#pragma once
// DNS over QUIC (RFC 9250), the server's side of one connection: each bidirectional stream the
// client opens carries one query and, on the same stream, its answer. The framing is
// proto/dns/doq.hpp's; what answers a query is the caller's (serve's DNS server).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "commands/serve/session.hpp"
#include "net/context.hpp"
#include "net/quic/quic.hpp"

namespace commands::dns {

struct doq_limits {
  /// Queries served at once on one connection; a stream past them is reset unanswered.
  std::size_t max_streams = 100;
  /// From a stream's opening to its query's end (FIN), and for writing the answer.
  net::duration read_timeout = std::chrono::seconds(10);
};

/// Answers one query (its wire bytes, id 0): the answer's bytes, or nullopt to answer nothing.
using doq_answerer = std::function<net::task<std::optional<std::string>>(std::string query)>;

/// Serves `session` until it ends, one query per stream, answering each through `answer`.
/// A stream that breaks the framing (a nonzero id, a second message, an end mid-message) closes
/// the connection with DOQ_PROTOCOL_ERROR. Returns why the connection ended; counts bytes in `st`.
net::task<std::string> serve_doq(net::context& ctx, net::quic_session session, doq_answerer answer,
                                 doq_limits limits, conn_stats& st);

}  // namespace commands::dns

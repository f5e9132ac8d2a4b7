#pragma once
// What serve and connect share about one connection: its statistics and the events they print.
#include <cstdint>
#include <string>

#include "core/io.hpp"
#include "net/context.hpp"

namespace commands {

struct conn_stats {
  std::uint64_t id = 0;
  std::string peer;
  net::clock::time_point opened;
  std::uint64_t bytes_in = 0;   ///< from the peer
  std::uint64_t bytes_out = 0;  ///< to the peer
  std::string alpn;             ///< the protocol its TLS handshake chose ("h2"), if any
};

/// Reports a connection opening: NDJSON with --json (on stderr when stdout carries data),
/// otherwise a line with -v.
void report_open(core::io& io, const conn_stats& s, bool events_on_stderr);
/// Reports a connection closing, with its byte counts, duration and why it ended.
void report_close(core::io& io, net::context& ctx, const conn_stats& s, std::string_view reason,
                  bool events_on_stderr);
/// Reports a connection turned away (denied, too many).
void report_reject(core::io& io, std::string_view peer, std::string_view reason,
                   bool events_on_stderr);

}  // namespace commands

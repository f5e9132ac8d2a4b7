#pragma once
// How `resolve` shows one question's outcome: a readable block, --short values, or --json
// (one object per question, with RFC 8427's member names for the message's parts).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "core/io.hpp"
#include "net/time.hpp"
#include "proto/dns/message.hpp"

namespace commands::dns {

struct lookup_report {
  std::string qname;  ///< absolute, as asked last (after the search list)
  std::uint16_t qtype = 1, qclass = 1;
  std::string server, transport;  ///< "127.0.0.1:53" "udp"; "system" for getaddrinfo
  bool system = false;            ///< the reply was made up from the system's lookup
  std::optional<proto::dns::message> reply;
  std::string failure;  ///< no reply: why
  core::exit_code code = core::exit_code::ok;
  net::duration elapsed{};
  std::size_t size = 0;
  std::vector<std::string> hops;  ///< --trace: one line per server asked

  /// 0 answered; 1 NXDOMAIN or no data; 76 SERVFAIL and other failing rcodes; the failure's
  /// code when there is no reply.
  core::exit_code exit() const;
  /// "answered", "nxdomain", "nodata", "servfail", "refused", ..., or "error".
  std::string status() const;
  /// ";; www.test. A: NOERROR from 127.0.0.1:53 over udp in 0.4 ms (qr aa rd ra)".
  std::string summary_line() const;
};

/// Prints one report on stdout (and NXDOMAIN, no data and failures on stderr, named, unless
/// `expected_empty`: the other half of an address lookup answered).
void print_report(core::io& io, const lookup_report& r, bool short_output, bool first,
                  bool expected_empty = false);

/// The message as RFC 8427 represents it (ID, QR, Opcode, ..., answerRRs with NAME, TYPE,
/// TYPEname, CLASS, TTL and rdata<TYPE> as presentation text).
nlohmann::ordered_json message_json(const proto::dns::message& m);

}  // namespace commands::dns

#pragma once
// What happened on a network, as data rather than text: the mock network records these beside
// its text trace, the loopback runner reads them from its fault proxies, and the HTML report of
// `vitnet test net` draws them on a timeline.
#include <cstdint>
#include <optional>
#include <string>

#include "net/time.hpp"

namespace net {

struct wire_event {
  enum class kind {
    listen,     ///< `from` listens on TCP port from_port (detail: the endpoint)
    bind,       ///< `from` binds UDP port from_port
    connect,    ///< `from` asks `to` for connection `conn` (a SYN leaves)
    accept,     ///< `to` accepts connection `conn`
    refused,    ///< `to` refuses connection `conn` (detail: why)
    timed_out,  ///< connection `conn` was never answered
    data,       ///< `bytes` of connection `conn` leave `from` at `at`, reach `to` at `arrives`
    fin,        ///< the end of one direction of `conn`, from `from` to `to`
    datagram,   ///< a datagram of `bytes` from `from` to `to`, arriving at `arrives`
    lost,       ///< something sent from `from` to `to` did not arrive (detail: what)
    reset,      ///< connection `conn` was reset (detail: why)
    closed,     ///< connection `conn` ended (detail: how, and what crossed it)
    fault,      ///< a fault acted on connection `conn` (detail: which, and how)
    crash,      ///< host `from` went down
    restart,    ///< host `from` came back
  };

  kind what = kind::data;
  duration at{0};                   ///< since the run began
  std::optional<duration> arrives;  ///< for what travels: when it reached `to`
  std::string from, to;             ///< host names; empty where no host of the run is known
  std::uint16_t from_port = 0, to_port = 0;
  std::uint64_t conn = 0;  ///< the connection's number within the run; 0 for none
  std::uint64_t bytes = 0;
  std::string detail;
};

/// The name of a kind, as the report shows it and uses it as a class: "connect", "timed_out".
std::string_view wire_event_name(wire_event::kind k);

}  // namespace net

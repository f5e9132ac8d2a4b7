#pragma once
// What the broker knows, shared by its protocol side (broker.cpp) and its monitoring endpoint
// (monitor.cpp). Private to commands/mq.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "commands/mq/broker.hpp"
#include "commands/mq/sublist.hpp"
#include "net/context.hpp"
#include "net/event.hpp"

namespace commands::mq {

// The version announced in INFO and /varz: the nats-server release whose client protocol the
// broker follows, so that clients enable the features they check for by version (headers, no
// responders). vitnet's own name is in server_name.
constexpr std::string_view protocol_version = "2.9.0";

struct broker_client {
  std::uint64_t cid = 0;
  net::stream* conn = nullptr;
  std::string ip;
  std::uint16_t port = 0;
  net::clock::time_point start, last_activity;
  std::string out;       ///< bytes waiting to be written
  bool writing = false;  ///< the writer holds bytes taken from `out`
  bool touched = false;  ///< in the broker's list of clients to flush
  bool closing = false;
  std::string reason;      ///< why it closes
  bool connected = false;  ///< CONNECT accepted
  bool verbose = false, pedantic = false, echo = true, headers = false, no_responders = false;
  std::string name, lang, version;
  std::unordered_map<std::string, std::unique_ptr<subscription>> subs;  ///< by sid
  std::uint64_t in_msgs = 0, out_msgs = 0, in_bytes = 0, out_bytes = 0;
  int pings_out = 0;
  std::unique_ptr<net::event> wake;  ///< the writer waits here for bytes
};

struct broker_stats {
  std::uint64_t in_msgs = 0, out_msgs = 0, in_bytes = 0, out_bytes = 0;
  std::uint64_t total_connections = 0, slow_consumers = 0;
};

/// The parts monitor.cpp reads.
struct broker_view {
  const broker_options& opts;
  std::string server_id;
  net::clock::time_point started;
  std::chrono::system_clock::time_point started_calendar;
  std::uint16_t port = 0;
  const std::unordered_map<std::uint64_t, broker_client*>& clients;
  sublist& subs;
  const broker_stats& stats;
};

/// The JSON a monitoring path answers (/varz, /connz, /subsz, /healthz; query as nats-server
/// takes it: subs=1, offset, limit); nullopt for an unknown path.
std::optional<std::string> monitor_answer(const broker_view& b, net::context& ctx,
                                          std::string_view path, std::string_view query);

/// Serves monitor_answer over HTTP/1.1 on `where` until the process ends.
net::task<void> run_monitor(
    net::context& ctx, net::listener listener,
    std::function<std::optional<std::string>(std::string_view, std::string_view)> answer,
    core::io& io);

}  // namespace commands::mq

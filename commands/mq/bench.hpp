#pragma once
// vitnet mq bench: nats bench's method. Subscribers connect and subscribe first; publishers then
// start together and send --msgs messages of --size bytes in all (split among them); a
// publisher's sample ends when its PING after the last message is answered, a subscriber's when
// it has every message. Rates per client and in total; with --req, request/reply round trips to
// an answering client of the bench's own, one at a time, with latency percentiles. Plain NATS is
// spoken on raw connections; MQTT, Redis and NATS over TLS go through the mq clients (slower:
// each message passes the client's queues), for the record.
#include <cstdint>
#include <string>

#include "commands/mq/session.hpp"
#include "commands/mq/url.hpp"
#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"

namespace commands::mq {

struct bench_options {
  mq_url url;
  session_options session;  ///< for mqtt://, redis:// and TLS, measured through the mq clients
  int pubs = 1;
  int subs = 0;
  std::uint64_t msgs = 100000;
  std::size_t size = 16;
  std::string subject = "vitnet.bench";
  std::uint64_t requests = 0;  ///< --req N: request/reply round trips instead
  core::duration timeout = std::chrono::seconds(60);  ///< the whole run
  core::duration connect_timeout = std::chrono::seconds(5);
};

net::task<int> run_bench(net::context& ctx, const bench_options& o, core::io& io);

}  // namespace commands::mq

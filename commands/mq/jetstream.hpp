#pragma once
// JetStream, the persistence layer of nats-server (-js), through its JSON API on $JS.API.*
// subjects: streams (add, list, info, remove), publishing with an acknowledgement, and reading a
// stream through a pull consumer (durable or not) from a chosen start, acknowledging what is read.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands/mq/nats_client.hpp"
#include "core/io.hpp"

namespace commands::mq::js {

/// One API request: `what` after "$JS.API." ("STREAM.INFO.orders"), `body` as the payload. Returns
/// the response; throws vitnet::error for an error response (404 → 1 "not found", 400 → 65,
/// other → 76), 69 when JetStream is not enabled (no responders), 75 on timeout.
net::task<nlohmann::json> call(nats_client& c, std::string what, nlohmann::json body,
                               net::duration timeout);

/// Publishes and waits for the stream's acknowledgement; returns {stream, seq}. Throws 69 when
/// no stream takes the subject.
net::task<std::pair<std::string, std::uint64_t>> publish(nats_client& c, std::string subject,
                                                         std::string headers, std::string payload,
                                                         net::duration timeout);

struct reader_options {
  std::string stream;
  std::string filter;   ///< the subject filter; empty: the whole stream
  std::string durable;  ///< empty: an ephemeral consumer
  std::string from;     ///< start (default), new, last, seq:N, time:RFC3339
  bool ack = false;     ///< explicit acknowledgements (else none needed)
  bool until_end = false;
  std::uint64_t limit = 0;  ///< fetch no more than this many in all (0: no limit), so that none
                            ///< waits unacknowledged after the reader stops
};

/// A stream read through a pull consumer, fetching in batches.
class reader {
 public:
  reader(net::context& ctx, nats_client& c, reader_options o);
  /// Creates (or binds to) the consumer. Throws as call() does; 64 for a bad --from.
  net::task<void> start(net::duration timeout);
  /// The next message, with id = its stream sequence and reply = its acknowledgement subject;
  /// nullopt when `timeout` passes, or (until_end) when the stream has nothing more.
  net::task<std::optional<nats_message>> next(net::duration timeout, std::uint64_t& sequence);
  /// Acknowledges a message read (when ack is on).
  void ack(const std::string& reply);
  bool at_end() const { return at_end_; }

 private:
  net::context& ctx_;
  nats_client& c_;
  reader_options o_;
  std::string consumer_, inbox_, sid_;
  std::size_t outstanding_ = 0;  ///< messages asked for and not yet come
  std::uint64_t asked_ = 0;      ///< messages asked for in all
  bool at_end_ = false, last_was_end_ = false;
};

}  // namespace commands::mq::js

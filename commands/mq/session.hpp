#pragma once
// What mq's clients (pub, sub, req, reply, bench) ask of a messaging system, whichever it is:
// NATS here; MQTT and Redis implement the same. A message is the JSON envelope's content.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands/mq/url.hpp"
#include "core/io.hpp"
#include "net/context.hpp"
#include "net/tls/tls.hpp"

namespace commands::mq {

struct message {
  std::string subject;
  std::string data;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string reply;  ///< where an answer goes; empty when none
  int status = 0;     ///< NATS: a status in the header line (503: no responders)
  std::string status_text;
};

struct session_options {
  mq_url url;
  net::duration connect_timeout = std::chrono::seconds(5);
  net::tls_client_options tls;
  std::string name = "vitnet";
  int reconnects = 0;  ///< -1: without end
};

class session {
 public:
  virtual ~session() = default;
  /// Throws vitnet::error (69 unreachable, 75 timeout, 76 protocol/TLS, 77 refused).
  virtual net::task<void> connect() = 0;
  /// Sends one message, waiting while too much is queued. Throws 65 for a message the system
  /// cannot carry, 69 when the connection is lost for good.
  virtual net::task<void> publish(const message& m) = 0;
  virtual net::task<void> subscribe(const std::string& subject, const std::string& queue) = 0;
  /// The next message on any subscription; nullopt when `timeout` passes first.
  virtual net::task<std::optional<message>> next(net::duration timeout) = 0;
  /// Everything sent has reached the broker. Throws 75 on timeout.
  virtual net::task<void> flush(net::duration timeout) = 0;
  /// A subject for answers to come back to (subscribed by the caller); empty when the system has
  /// no request/reply.
  virtual std::string new_inbox() = 0;
  virtual net::task<void> close() = 0;
};

std::unique_ptr<session> make_session(net::context& ctx, const session_options& o, core::io& io);

}  // namespace commands::mq

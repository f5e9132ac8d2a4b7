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
  std::string id;       ///< Redis: the stream entry id; JetStream: the stream sequence
  int qos = 0;          ///< MQTT: the QoS it was delivered with
  bool retain = false;  ///< MQTT: a retained message
};

struct session_options {
  mq_url url;
  net::duration connect_timeout = std::chrono::seconds(5);
  net::tls_client_options tls;
  std::string name = "vitnet";
  int reconnects = 0;  ///< -1: without end
  // MQTT (mqtt://, mqtts://)
  int mqtt_version = 4;                         ///< 4: MQTT 3.1.1, 5: MQTT 5 (--mqtt 5)
  int qos = 0;                                  ///< --qos: publish and subscribe with this QoS
  bool retain = false;                          ///< pub --retain (an empty message removes it)
  std::string client_id;                        ///< --client-id; empty: a random one
  bool clean = true;                            ///< false with --keep-session
  std::optional<std::uint32_t> session_expiry;  ///< --session-expiry (seconds, MQTT 5)
  std::string will_topic, will_message;         ///< --will-topic, --will-message
  int will_qos = 0;
  bool will_retain = false;
  // Streams: Redis streams (redis://) and JetStream (nats://)
  bool stream = false;      ///< --stream: a stream (XADD, XREAD; JetStream) instead of pub/sub
  std::string stream_name;  ///< --stream NAME (JetStream: the stream; Redis: the key, else SUBJECT)
  std::string durable;      ///< --durable: JetStream's durable consumer name
  bool until_end = false;   ///< --until-end: stop once what the stream holds has been read
  std::string group;        ///< --group: a consumer group (XREADGROUP)
  std::string consumer;     ///< --consumer: this consumer's name in the group
  std::string from;         ///< --from: where reading a stream starts (start, new, or an id)
  bool ack = false;         ///< --ack: acknowledge what was read (XACK)
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
  /// A stream read with --until-end has reached what the stream held: next() gives nothing more,
  /// and that is not a timeout.
  virtual bool finished() const { return false; }
  virtual net::task<void> close() = 0;
};

/// The session for the URL's system.
std::unique_ptr<session> make_session(net::context& ctx, const session_options& o, core::io& io);
std::unique_ptr<session> make_nats_session(net::context& ctx, const session_options& o,
                                           core::io& io);
std::unique_ptr<session> make_mqtt_session(net::context& ctx, const session_options& o,
                                           core::io& io);
std::unique_ptr<session> make_redis_session(net::context& ctx, const session_options& o,
                                            core::io& io);

}  // namespace commands::mq

#pragma once
// An MQTT client connection, 3.1.1 or 5.0 (session_options.mqtt_version), over TCP or TLS
// (mqtts://). CONNECT with the URL's credentials, a will and (5.0) a session expiry; QoS 1 and 2
// handshakes both ways, with in-flight publications bounded (5.0: the broker's Receive Maximum)
// and sent again after a reconnect; subscriptions made again after a reconnect; PINGREQ on the
// keep-alive schedule with its PINGRESP awaited. One reader coroutine parses what the broker sends;
// messages wait in a bounded queue for next().
#include <memory>
#include <optional>
#include <string>

#include "commands/mq/session.hpp"
#include "core/io.hpp"
#include "net/context.hpp"
#include "proto/mqtt/packet.hpp"

namespace commands::mq {

class mqtt_client {
 public:
  mqtt_client(net::context& ctx, session_options o, core::io& io);
  ~mqtt_client();
  mqtt_client(const mqtt_client&) = delete;
  mqtt_client& operator=(const mqtt_client&) = delete;

  /// Connects (TLS for mqtts://), sends CONNECT and waits for CONNACK within connect_timeout.
  /// Throws vitnet::error: 68/69 unreachable, 75 timeout, 76 protocol, TLS or a refusal, 77 bad
  /// credentials or not authorized.
  net::task<void> connect();
  /// 4 (3.1.1) or 5.
  int version() const;

  /// Sends a PUBLISH (type, topic, payload, qos, retain and properties set by the caller; the
  /// packet id is chosen here). QoS 1 and 2 wait (30 s at most, then 75) while the in-flight
  /// window is full; every publication waits while more than 1 MiB waits to be written. Throws
  /// 65 for a packet over the broker's Maximum Packet Size or a retained message it cannot keep,
  /// 69 when the connection is lost for good.
  net::task<void> publish(proto::mqtt::packet p);
  /// Subscribes to `filter` at the session's QoS and waits for the SUBACK (10 s, then 75); kept
  /// to subscribe again after a reconnect. A refused filter ends the session with 76 naming it.
  net::task<void> subscribe(std::string filter);
  /// Every QoS 1/2 publication acknowledged (PUBACK, or PUBCOMP) and a PINGREQ answered. Throws
  /// 75 when `timeout` passes, 76/77 when the broker refused a publication (5.0 reason codes).
  net::task<void> flush(net::duration timeout);
  /// The next PUBLISH received (acknowledged already; a QoS 2 message once only), or nullopt when
  /// `timeout` passes first. Throws when the connection is lost for good.
  net::task<std::optional<proto::mqtt::packet>> next(net::duration timeout);
  /// `n` random characters [0-9a-z] from the context's generator.
  std::string random_text(std::size_t n);
  /// Flushes (5 s at most), sends DISCONNECT (the will is not published) and closes.
  net::task<void> close();

  struct state;

 private:
  std::shared_ptr<state> s_;
};

}  // namespace commands::mq

#pragma once
// A NATS client connection: CONNECT with the URL's credentials, TLS when the URL or the server
// asks, subscriptions kept so that they are made again after a reconnect, publications buffered
// (bounded) while the connection is down, PING answered. One reader coroutine parses what the
// server sends; messages wait in a bounded queue for next().
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "commands/mq/url.hpp"
#include "core/io.hpp"
#include "net/context.hpp"
#include "net/tls/tls.hpp"

namespace commands::mq {

struct nats_client_options {
  mq_url url;
  net::duration connect_timeout = std::chrono::seconds(5);
  net::tls_client_options tls;
  std::string name = "vitnet";
  bool echo = true;
  /// Reconnect attempts after the connection is lost (0: none, -1: without end), the first wait
  /// and the largest (doubling between).
  int reconnects = 0;
  net::duration reconnect_wait = std::chrono::milliseconds(250);
  net::duration reconnect_wait_max = std::chrono::seconds(5);
  /// A PING to the server this often; with two unanswered, the connection is stale (a server
  /// gone silent, a crashed host) and is dropped, then made again if reconnects allow.
  net::duration ping_interval = std::chrono::seconds(20);
  /// Bytes kept for sending while disconnected; past it publish() throws (exit 69).
  std::size_t reconnect_buffer = 8 << 20;
  /// Messages held for next() before the reader stops reading (the server then sees a slow
  /// consumer rather than this process growing).
  std::size_t max_queued_bytes = 64 << 20;
};

struct nats_message {
  std::string subject, sid, reply;
  std::string headers;  ///< the header block as on the wire; empty when none
  std::string payload;
};

class nats_client {
 public:
  nats_client(net::context& ctx, nats_client_options o, core::io& io);
  ~nats_client();
  nats_client(const nats_client&) = delete;
  nats_client& operator=(const nats_client&) = delete;

  /// Connects, upgrades to TLS when needed, sends CONNECT and waits for the PONG that shows it
  /// was accepted. Throws vitnet::error: 68/69 unreachable, 75 timeout, 76 protocol or TLS, 77 a
  /// refused authorization.
  net::task<void> connect();
  /// The server's INFO, as JSON text.
  const std::string& server_info() const;
  std::size_t max_payload() const;

  /// Queues a message for sending (written by flush(), or on its own once 32 KiB wait). Throws
  /// 65 when it is over the server's max_payload, 69 when disconnected with the reconnect buffer
  /// full or the connection closed for good.
  void publish(std::string_view subject, std::string_view reply, std::string_view headers,
               std::string_view payload);
  /// Waits while more than 1 MiB is queued for sending, or while disconnected with a full
  /// reconnect buffer: a publisher's pace. Throws 69 when the connection is lost for good.
  net::task<void> pace();
  /// Subscribes; returns the sid. Messages arrive through next(), or with `own` (the caller's
  /// requests and JetStream deliveries) through next_for(sid) only.
  std::string subscribe(std::string_view subject, std::string_view queue = {}, bool own = false);
  void unsubscribe(const std::string& sid, std::optional<std::uint64_t> max = {});
  /// Writes what is queued and waits for the server's PONG to a PING sent after it: everything
  /// before has been processed. Throws 75 when `timeout` passes, 69 when the connection is lost
  /// for good.
  net::task<void> flush(net::duration timeout);
  /// The next message for any subscription, or nullopt when `timeout` passes first. Throws 69
  /// when the connection is lost for good (after the reconnects allowed), 76 on a server error.
  net::task<std::optional<nats_message>> next(net::duration timeout);
  /// The next message of an own subscription, or nullopt when `timeout` passes first.
  net::task<std::optional<nats_message>> next_for(const std::string& sid, net::duration timeout);
  /// Publishes with a new inbox as the reply subject and returns the first answer. Throws 75
  /// when none comes within `timeout`, 69 for no responders.
  net::task<nats_message> request(std::string_view subject, std::string_view headers,
                                  std::string_view payload, net::duration timeout);
  /// Starts writing what is queued now.
  void kick_now();
  /// A new unique inbox subject: _INBOX.<random>.
  std::string new_inbox();
  /// Writes what is queued (within `timeout`), then closes.
  net::task<void> close(net::duration timeout = std::chrono::seconds(5));

  struct state;

 private:
  std::shared_ptr<state> s_;
};

}  // namespace commands::mq

#pragma once
// A Redis client connection for mq: AUTH and SELECT from the URL, TLS for rediss://, commands
// pipelined (replies matched to commands in order), pub/sub messages collected by one reader
// coroutine in a bounded queue, and reconnects with backoff that subscribe again.
//
// RESP2, not RESP3 (no HELLO 3): RESP3's gain is that pushes and replies can share a connection,
// and mq never needs that (a subscriber only subscribes and PINGs, a stream reader never
// subscribes). RESP2 also works with servers before 6.0 and with the RESP2-only proxies and
// look-alikes (twemproxy, older KeyDB and Dragonfly). In RESP2 a subscribed connection's
// messages are arrays beginning "message" or "pmessage", told apart from replies by that.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/mq/url.hpp"
#include "core/io.hpp"
#include "net/context.hpp"
#include "net/tls/tls.hpp"
#include "proto/resp/resp.hpp"

namespace commands::mq {

struct redis_client_options {
  mq_url url;
  net::duration connect_timeout = std::chrono::seconds(5);
  net::tls_client_options tls;
  std::string name = "vitnet";  ///< CLIENT SETNAME (spaces become '-')
  std::string user, password;   ///< AUTH [user] password; no AUTH when the password is empty
  int database = 0;             ///< SELECT, when not 0
  int reconnects = 0;           ///< 0: none, -1: without end
  net::duration reconnect_wait = std::chrono::milliseconds(250);
  net::duration reconnect_wait_max = std::chrono::seconds(5);
  /// Messages held for next_message() before the reader stops reading (redis then drops this
  /// client once its client-output-buffer-limit for pubsub is passed, rather than this process
  /// growing).
  std::size_t max_queued_bytes = 64 << 20;
};

/// A pub/sub message: `channel` is where it was published (for a pattern too).
struct redis_message {
  std::string channel, pattern, payload;
};

/// What a command got: its reply, or why none.
struct redis_reply {
  enum class outcome { ok, lost, timeout } status = outcome::ok;
  proto::resp::value value;
  bool ok() const { return status == outcome::ok; }
  /// An error reply (-ERR ...).
  bool error() const { return ok() && value.type == proto::resp::kind::error; }
};

class redis_client {
 public:
  redis_client(net::context& ctx, redis_client_options o, core::io& io);
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  /// Connects (TLS for rediss://), sends AUTH, SELECT, CLIENT SETNAME and PING, and waits for
  /// their replies within connect_timeout. Throws vitnet::error: 68/69 unreachable, 75 timeout,
  /// 76 protocol, TLS or another refusal, 77 WRONGPASS, NOAUTH, NOPERM or DENIED.
  net::task<void> connect();

  /// Queues a command whose reply nobody waits for; an error reply is kept (first_error()).
  void send(std::vector<std::string> args);
  /// Sends a command and waits, at most `timeout`, for its reply. outcome::lost when the
  /// connection went before the reply came (the command may or may not have run).
  net::task<redis_reply> call(const std::vector<std::string>& args, net::duration timeout);
  /// Waits while more than 1 MiB or 4096 commands wait to be written or answered. Throws 69
  /// when the connection is lost for good.
  net::task<void> pace();
  /// Waits, at most `timeout`, until every command queued so far has its reply (or was lost).
  /// Throws 75 when it passes, 69 when the connection is lost for good.
  net::task<void> settle(net::duration timeout);
  /// The first error reply to a command sent with send(), if any.
  const std::optional<std::string>& first_error() const;

  /// SUBSCRIBE, or PSUBSCRIBE for a pattern; made again after a reconnect. Waits for the
  /// confirmation; throws 77 for NOPERM, 76 for another error, 75 on timeout.
  net::task<void> subscribe(const std::string& channel, bool pattern, net::duration timeout);
  /// The next pub/sub message, or nullopt when `timeout` passes first. Throws 69 when the
  /// connection is lost for good.
  net::task<std::optional<redis_message>> next_message(net::duration timeout);

  /// Connected now.
  bool up() const;
  /// Connections made so far (1 after connect(), more after reconnects).
  std::uint64_t generation() const;
  /// Waits until connected, at most until `deadline`; false when it passed. Throws 69 when the
  /// connection is lost for good.
  net::task<bool> wait_up(net::clock::time_point deadline);
  [[noreturn]] void throw_dead() const;
  bool dead() const;

  /// Waits for replies (within `timeout`), then closes.
  net::task<void> close(net::duration timeout = std::chrono::seconds(5));

  struct state;

 private:
  std::shared_ptr<state> s_;
};

/// The exit code for an error reply: 77 for WRONGPASS, NOAUTH, NOPERM and DENIED, else 76.
core::exit_code redis_error_code(std::string_view text);

}  // namespace commands::mq

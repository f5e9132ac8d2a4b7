#pragma once
// QUIC (RFC 9000) over the context's datagram sockets: ngtcp2 with GnuTLS for the handshake,
// driven entirely by net:: (sockets, clock, timers, random bytes), so one engine runs on real
// sockets and, deterministically, on the mock network.
//
// Two ways in:
//  - as a byte stream (quic://): quic_connect gives a net::stream over the connection's first
//    bidirectional stream, and quic_listen a net::listener whose accept gives that stream of each
//    new connection; every mode that works over tcp:// then works unchanged. Closing such a
//    stream ends its connection once what was written is acknowledged.
//  - as a connection (HTTP/3, DNS over QUIC): quic_dial and quic_server give a quic_session,
//    whose streams are opened and accepted one by one.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/listener.hpp"
#include "net/stream.hpp"
#include "net/tls/tls.hpp"

namespace net {

struct quic_client_options {
  /// Verification and identity as for tls:// (ALPN defaults to "vitnet" when empty).
  tls_client_options tls;
  std::string qlog_dir;      ///< one JSON-SEQ qlog per connection (ngtcp2's own records)
  std::string session_file;  ///< read for resumption (and 0-RTT), written with the new ticket
  bool early_data = false;   ///< quic_connect: send early_payload before the handshake ends (0-RTT)
  std::string early_payload;
  duration idle_timeout = std::chrono::seconds(30);
};

struct quic_server_options {
  tls_server_options tls;  ///< ALPN defaults to "vitnet" when empty
  std::string qlog_dir;
  duration idle_timeout = std::chrono::seconds(30);
  std::size_t max_connections = 10000;  ///< Initial packets beyond it are dropped
  /// The ephemeral certificate's key and certificate as PEM, when the caller made one to share
  /// with a TCP listener (serve https:// --http3): both then show the same certificate.
  std::string cert_pem, key_pem;
};

/// What a handshake settled.
struct quic_info {
  std::string version;  ///< "QUICv1"
  std::string tls_version, cipher, alpn;
  std::string peer_subject, peer_sha256;
  std::vector<std::string> peer_chain_pem;
  bool resumed = false;
  /// Client with early data: whether the server took it (nullopt when none was offered).
  std::optional<bool> early_data_accepted;
  std::string local, remote;  ///< addresses of the path in use
  /// Client: a session file or qlog that could not be read or written (for the caller to say;
  /// the connection went on without it).
  std::vector<std::string> warnings;
};

/// Counters of a connection, for --bench and verbose reports.
struct quic_stats {
  std::uint64_t bytes_sent = 0, bytes_received = 0, packets_sent = 0, packets_received = 0;
  duration smoothed_rtt{}, min_rtt{};
  std::uint64_t cwnd = 0, lost_packets = 0;
};

class quic_connection;

/// A QUIC connection held by an application (HTTP/3, DoQ, tools that need its events).
class quic_session {
 public:
  quic_session() = default;
  explicit quic_session(std::shared_ptr<quic_connection> c);
  bool valid() const { return c_ != nullptr; }

  /// Opens a stream of ours (bidirectional unless told otherwise), waiting for the peer's
  /// stream credit. Throws vitnet::error when the connection is gone.
  task<stream> open_stream(bool bidirectional = true);
  /// The next stream the peer opened, or nullopt once the connection has ended.
  task<std::optional<stream>> accept_stream();
  /// Ends the connection: what was written is delivered first, then CONNECTION_CLOSE with
  /// `app_code` (0: no error).
  void close(std::uint64_t app_code = 0, std::string reason = {});
  /// Ends it now, without waiting for unacknowledged data.
  void abort(std::uint64_t app_code, std::string reason = {});
  /// Waits until the connection is gone (closed by either side, or timed out).
  task<void> closed();

  const quic_info& info() const;
  quic_stats stats() const;
  /// Why the connection ended ("closed by the peer (application error 0x100)", "idle timeout"),
  /// empty while it lives.
  std::string end_reason() const;

  /// Client: moves the connection to a new local port, validating the new path (migration).
  /// Throws vitnet::error when the peer refuses migration or the handshake is not confirmed.
  task<void> migrate();
  /// Client: goes on from a new local port without telling ngtcp2 (a NAT rebinding); the
  /// server sees the new address and validates it.
  task<void> rebind();
  /// Starts a key update (RFC 9001 6). Throws vitnet::error when one cannot start now.
  void update_key();
  /// How many key updates this connection has done (both directions).
  int key_updates() const;

  /// The stream's id, for a stream of this connection (-1 for any other stream).
  static std::int64_t stream_id(stream& s);
  /// The session a quic:// stream belongs to (invalid for other streams).
  static quic_session of(stream& s);

 private:
  std::shared_ptr<quic_connection> c_;
};

/// Dials `where` (host and port) and completes the handshake within `timeout`. Throws
/// vitnet::error: 68 unknown host, 69 refused, 75 timeout, 76 TLS or QUIC failure naming the
/// reason (for a verification failure, what to do about it).
task<quic_session> quic_dial(context& ctx, const endpoint& where, const quic_client_options& o,
                             duration timeout, quic_info* info = nullptr);

/// quic://: dials, then opens the connection's first bidirectional stream.
task<stream> quic_connect(context& ctx, const endpoint& where, const quic_client_options& o,
                          duration timeout, quic_info* info = nullptr);

class quic_server_state;

/// A QUIC server on one UDP port. Throws vitnet::error as a TLS server does (66, 77, 65),
/// or as bind_datagram does.
class quic_server {
 public:
  quic_server() = default;
  static task<quic_server> listen(context& ctx, const endpoint& where,
                                  const quic_server_options& o);
  /// The next connection whose handshake completed; nullopt after close().
  task<std::optional<quic_session>> accept();
  const endpoint& local_endpoint() const;
  /// SHA-256 of the certificate served, and whether it is an ephemeral one.
  const std::string& fingerprint() const;
  bool ephemeral() const;
  /// Stops accepting; connections already accepted go on.
  void close();
  /// In a copy of the process made after listening (serve's workers): closes this copy's
  /// descriptor of the socket and forgets every connection, leaving the port to the original.
  void abandon();
  /// Reports a handshake that failed ("127.0.0.1:5555: tls: certificate required").
  void on_handshake_failure(std::function<void(const std::string&)> f);

 private:
  std::shared_ptr<quic_server_state> s_;
};

/// quic:// as a server: a listener whose accept gives the first bidirectional stream of each new
/// connection (a client that opens none within the handshake timeout is dropped).
listener quic_stream_listener(context& ctx, quic_server server);

/// QUIC connections of this process closing gracefully (delivering what was written before their
/// CONNECTION_CLOSE). A process whose work is done waits for them, bounded, before it exits:
/// TCP leaves that to the kernel, QUIC has only the process.
std::size_t quic_lingering();

/// True when `data` is a QUIC Version Negotiation packet (what scan's QUIC probe waits for).
bool is_version_negotiation(std::span<const char> data);
/// A probe: a long-header packet of a version nobody speaks, padded to 1200 bytes, which a QUIC
/// server answers with Version Negotiation (RFC 9000 6). `random` fills the connection ids.
std::string version_probe(context& ctx);

}  // namespace net

#pragma once
#include <memory>
#include <span>
#include <system_error>

#include "net/endpoint.hpp"
#include "net/ip.hpp"
#include "net/task.hpp"

namespace net {

struct datagram_result {
  std::error_code ec;
  std::size_t n = 0;
  socket_address from;
  /// After use_for_quic(): datagrams of one sender that arrived back to back may come together,
  /// each `segment` bytes (the last may be shorter) one after another in the buffer; 0 when the
  /// buffer holds one datagram.
  std::size_t segment = 0;
};

/// A UDP socket: bound for serving, or connected to one peer for a client.
class datagram_socket {
 public:
  struct impl;
  datagram_socket();
  explicit datagram_socket(std::unique_ptr<impl> i);
  datagram_socket(datagram_socket&&) noexcept;
  datagram_socket& operator=(datagram_socket&&) noexcept;
  ~datagram_socket();

  task<datagram_result> receive_from(std::span<char> buf);
  task<std::error_code> send_to(std::span<const char> data, const socket_address& to);
  /// A datagram already waiting, taken without waiting: is_would_block(ec) when there is none
  /// (always on the mock network). A busy server reads its next query this way, without a trip
  /// through the event loop for each.
  datagram_result try_receive_from(std::span<char> buf);
  /// Sends now if the socket takes it; is_would_block(ec) when it would have to wait (always on
  /// the mock network), and then send_to must be awaited instead.
  std::error_code try_send_to(std::span<const char> data, const socket_address& to);
  /// Sends to the connected peer.
  task<std::error_code> send(std::span<const char> data);
  /// Sends datagrams of `segment` bytes each (the last may be shorter), packed one after another
  /// in `data`, to `to` (the connected peer when null), without waiting: one system call with
  /// UDP segmentation offload (UDP_SEGMENT) where the kernel has it, else one per datagram.
  /// Returns the bytes of whole datagrams sent; ec is is_would_block when the socket took no
  /// more (always at once on the mock network, where send_to must be awaited instead).
  struct segments_result {
    std::error_code ec;
    std::size_t n = 0;
  };
  segments_result try_send_segments(std::span<const char> data, std::size_t segment,
                                    const socket_address* to);
  /// What QUIC wants of a UDP socket: datagrams arriving back to back are handed over together
  /// (UDP_GRO: one system call for a burst; datagram_result.segment says how to cut them), and
  /// DF is set with no fragmentation here (IP_PMTUDISC_PROBE), so a path MTU probe too big for
  /// the path is lost, as discovery needs, instead of going out in fragments. Best effort: a
  /// kernel without one of them goes on without it. Nothing on the mock network.
  void use_for_quic();
  const endpoint& local_endpoint() const;
  void cancel();
  void close();

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace net

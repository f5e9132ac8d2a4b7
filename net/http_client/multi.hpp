#pragma once
// libcurl's multi interface driven by a net::context's event loop. curl tells which sockets to
// watch (CURLMOPT_SOCKETFUNCTION) and when to call back (CURLMOPT_TIMERFUNCTION); the sockets are
// watched with context::watch_fd and the timer is a net::timer, and curl_multi_socket_action is
// called when either fires. The connection itself is vitnet's: a transfer is handed the socket of
// a connection vitnet made (net::hand_off), so the same code runs on the real network and on the
// mock one, where curl's socket reaches a relay to the simulated connection.
#include <curl/curl.h>

#include <cstdint>
#include <map>
#include <memory>

#include "net/context.hpp"
#include "net/event.hpp"
#include "net/http_client/fd_bridge.hpp"

namespace net::http_client {

class curl_multi {
 public:
  explicit curl_multi(net::context& ctx);
  /// Every transfer must have gone first.
  ~curl_multi();
  curl_multi(const curl_multi&) = delete;
  curl_multi& operator=(const curl_multi&) = delete;

  /// One easy handle in progress: added to the multi handle on construction, removed on
  /// destruction (which closes its connection if it is still open).
  class transfer {
   public:
    /// `h` (owned from now on) gives the socket curl gets instead of opening one: already
    /// connected (curl goes straight to TLS or the request), or to be connected to the address
    /// of a relay, which curl is told instead of the peer's.
    transfer(curl_multi& m, CURL* easy, net::socket_handoff h);
    ~transfer();
    transfer(const transfer&) = delete;
    transfer& operator=(const transfer&) = delete;

    /// Waits until the transfer is done or poke() was called. Throws vitnet::error 130 when the
    /// context gives up the wait (the end of a process on the mock network).
    net::task<void> wait();
    /// Wakes wait(): from a curl callback (output to write) or a watchdog.
    void poke();
    bool done() const { return done_; }
    CURLcode result() const { return result_; }

   private:
    friend class curl_multi;
    static curl_socket_t open_socket(void* self, curlsocktype, curl_sockaddr* address);
    static int socket_options(void* self, curl_socket_t, curlsocktype);

    curl_multi& m_;
    CURL* easy_;
    net::socket_handoff h_;  // h_.fd until curl takes it
    bool done_ = false, poked_ = false;
    CURLcode result_ = CURLE_OK;
    std::unique_ptr<net::event> wake_;  ///< wait() sleeps here until poke() or the end
  };

 private:
  struct sock;
  static int on_socket(CURL*, curl_socket_t fd, int what, void* self, void*);
  static int on_timer(CURLM*, long ms, void* self);
  static int close_socket(void* self, curl_socket_t fd);
  void forget(curl_socket_t fd);
  void action(curl_socket_t fd, int events);
  net::task<void> watch(std::shared_ptr<sock> s, bool write);
  net::task<void> fire_after(std::uint64_t generation, long ms);

  net::context& ctx_;
  CURLM* multi_;
  std::map<curl_socket_t, std::shared_ptr<sock>> socks_;
  std::map<CURL*, transfer*> transfers_;
  // Coroutines outlive the driver when a process ends abruptly; they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::uint64_t timer_generation_ = 0;
  net::timer* armed_ = nullptr;  // the timer of the latest fire_after, while it waits
};

}  // namespace net::http_client

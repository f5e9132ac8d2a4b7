#include "net/http_client/multi.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "core/error.hpp"

namespace net::http_client {

// A socket curl asked to watch. Shared with the coroutines that wait on it, which may outlive it
// in the map (curl forgets a socket while a wait is pending).
struct curl_multi::sock {
  curl_socket_t fd;
  std::unique_ptr<net::fd_watch> watch;
  int want = 0;                      // 1: readable, 2: writable
  bool waiting[2] = {false, false};  // a watch coroutine runs for reading, for writing
  bool removed = false;
};

curl_multi::curl_multi(net::context& ctx) : ctx_(ctx) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  if (!multi_) vitnet::fail(core::exit_code::internal, "curl: cannot make a multi handle");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &curl_multi::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &curl_multi::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

curl_multi::~curl_multi() {
  // Cleanup may still close cached connections through close_socket, which needs the map.
  curl_multi_cleanup(multi_);
  for (auto& [fd, s] : socks_) {
    s->removed = true;
    s->watch->release();
  }
  socks_.clear();
  *alive_ = false;
  if (armed_) armed_->cancel();
}

// ---- curl's callbacks
// ------------------------------------------------------------------------------

int curl_multi::on_socket(CURL*, curl_socket_t fd, int what, void* self_p, void*) {
  auto* self = static_cast<curl_multi*>(self_p);
  if (what == CURL_POLL_REMOVE) {
    self->forget(fd);
    return 0;
  }
  auto& s = self->socks_[fd];
  if (!s) {
    s = std::make_shared<sock>();
    s->fd = fd;
    s->watch = self->ctx_.watch_fd(fd);
  }
  s->want = ((what & CURL_POLL_IN) ? 1 : 0) | ((what & CURL_POLL_OUT) ? 2 : 0);
  for (bool write : {false, true}) {
    if ((s->want & (write ? 2 : 1)) && !s->waiting[write]) {
      s->waiting[write] = true;
      self->ctx_.start(self->watch(s, write));
    }
  }
  return 0;
}

int curl_multi::on_timer(CURLM*, long ms, void* self_p) {
  auto* self = static_cast<curl_multi*>(self_p);
  // curl wants one timer: a new request replaces the one pending.
  ++self->timer_generation_;
  if (self->armed_) self->armed_->cancel();
  if (ms >= 0) self->ctx_.start(self->fire_after(self->timer_generation_, ms));
  return 0;
}

int curl_multi::close_socket(void* self_p, curl_socket_t fd) {
  // Out of epoll before the descriptor goes, so its number can be reused safely.
  static_cast<curl_multi*>(self_p)->forget(fd);
  return ::close(fd);
}

curl_socket_t curl_multi::transfer::open_socket(void* self_p, curlsocktype,
                                                curl_sockaddr* address) {
  // The connection was made by vitnet; curl gets it once (a second connection is refused).
  auto* t = static_cast<transfer*>(self_p);
  if (t->h_.fd < 0) return CURL_SOCKET_BAD;
  const auto& to = t->h_.connect_to;
  if (!to.empty()) {
    // curl connects to the relay instead of the peer. Its address storage is a
    // sockaddr_storage, whatever the declared type says (curl documents this rewrite).
    if (to.size() > sizeof(sockaddr_storage)) return CURL_SOCKET_BAD;
    std::memcpy(&address->addr, to.data(), to.size());
    address->family = reinterpret_cast<const sockaddr*>(to.data())->sa_family;
    address->socktype = SOCK_STREAM;
    address->protocol = 0;
    address->addrlen = static_cast<unsigned int>(to.size());
  }
  return std::exchange(t->h_.fd, -1);
}

int curl_multi::transfer::socket_options(void* self_p, curl_socket_t, curlsocktype) {
  // A connected socket is declared so. libcurl 7.88 calls connect() on it all the same; a TCP
  // socket whose non-blocking connect asio saw complete answers that call with success (Linux
  // moves it to connected then), so both fixed and affected versions work.
  auto* t = static_cast<transfer*>(self_p);
  return t->h_.connect_to.empty() ? CURL_SOCKOPT_ALREADY_CONNECTED : CURL_SOCKOPT_OK;
}

// ---- driving curl
// ----------------------------------------------------------------------------------

void curl_multi::forget(curl_socket_t fd) {
  auto it = socks_.find(fd);
  if (it == socks_.end()) return;
  it->second->removed = true;
  it->second->watch->release();
  socks_.erase(it);
}

void curl_multi::action(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    auto it = transfers_.find(m->easy_handle);
    if (it == transfers_.end()) continue;
    it->second->done_ = true;
    it->second->result_ = m->data.result;
    it->second->poke();
  }
}

net::task<void> curl_multi::watch(std::shared_ptr<sock> s, bool write) {
  auto alive = alive_;
  int bit = write ? 2 : 1;
  auto event = write ? net::fd_watch::event::writable : net::fd_watch::event::readable;
  while (*alive && !s->removed && (s->want & bit)) {
    auto ec = co_await s->watch->wait(event);
    // The socket was forgotten, or the process ended, while waiting.
    if (!*alive || s->removed || net::is_cancelled(ec)) break;
    if (!(s->want & bit)) break;
    action(s->fd, ec ? CURL_CSELECT_ERR : (write ? CURL_CSELECT_OUT : CURL_CSELECT_IN));
  }
  s->waiting[write] = false;
}

net::task<void> curl_multi::fire_after(std::uint64_t generation, long ms) {
  auto alive = alive_;
  if (!*alive || generation != timer_generation_) co_return;  // replaced before it started
  auto t = ctx_.make_timer();
  t->expires_after(std::chrono::milliseconds(ms));
  armed_ = t.get();
  // Whoever goes first, this frame or the driver, the other never sees a dangling timer.
  struct disarm {
    curl_multi* m;
    net::timer* t;
    std::shared_ptr<bool> alive;
    ~disarm() {
      if (*alive && m->armed_ == t) m->armed_ = nullptr;
    }
  } guard{this, t.get(), alive};
  bool fired = co_await t->wait();
  if (fired && *alive && generation == timer_generation_) action(CURL_SOCKET_TIMEOUT, 0);
}

// ---- transfers
// -------------------------------------------------------------------------------------

curl_multi::transfer::transfer(curl_multi& m, CURL* easy, net::socket_handoff h)
    : m_(m), easy_(easy), h_(std::move(h)), wake_(std::make_unique<net::event>(m.ctx_)) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &transfer::open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &transfer::socket_options);
  curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &curl_multi::close_socket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, &m);
  m.transfers_[easy] = this;
  if (auto rc = curl_multi_add_handle(m.multi_, easy); rc != CURLM_OK) {
    m.transfers_.erase(easy);
    if (h_.fd >= 0) ::close(h_.fd);
    if (h_.abandon) h_.abandon();
    vitnet::fail(core::exit_code::internal, "curl: {}", curl_multi_strerror(rc));
  }
}

curl_multi::transfer::~transfer() {
  curl_multi_remove_handle(m_.multi_, easy_);
  m_.transfers_.erase(easy_);
  if (h_.fd >= 0) ::close(h_.fd);  // never handed to curl
  if (h_.abandon) h_.abandon();
}

net::task<void> curl_multi::transfer::wait() {
  while (!done_ && !poked_) {
    bool woken = co_await wake_->wait();
    if (!woken && !poked_ && !done_)
      throw vitnet::error(core::exit_code::interrupted, "interrupted");
  }
  poked_ = false;
}

void curl_multi::transfer::poke() {
  poked_ = true;
  wake_->notify();
}

}  // namespace net::http_client

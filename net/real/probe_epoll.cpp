// The real backend's probe driver: non-blocking connects watched by one epoll set per thread, with
// no coroutine, timer object or asio operation per probe. On loopback a connect's fate is usually
// settled before connect() returns, so it is read back at once and most probes never reach epoll.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <queue>
#include <vector>

#include "net/probe.hpp"

namespace net {

namespace {

socklen_t to_sockaddr(const ip_address& ip, std::uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (ip.is_v4()) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(ip.v4_value());
    return sizeof(sockaddr_in);
  }
  auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
  a->sin6_family = AF_INET6;
  a->sin6_port = htons(port);
  std::memcpy(&a->sin6_addr, ip.bytes().data(), 16);
  return sizeof(sockaddr_in6);
}

// A connect in flight. Slots are indexed by descriptor; `generation` tells a deadline in the heap
// that outlived its probe from one that belongs to the current occupant of the slot.
struct slot {
  probe_ticket ticket;
  clock::time_point started;
  std::uint64_t generation = 0;
  bool busy = false;
};

struct deadline {
  clock::time_point at;
  int fd;
  std::uint64_t generation;
  bool operator>(const deadline& o) const { return at > o.at; }
};

class epoll_driver {
 public:
  epoll_driver(probe_source& src, const std::atomic<bool>& stop) : src_(src), stop_(stop) {
    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) failure_ = std::string("epoll_create1: ") + std::strerror(errno);
  }
  const std::string& failure() const { return failure_; }
  ~epoll_driver() {
    for (std::size_t fd = 0; fd < slots_.size(); ++fd)
      if (slots_[fd].busy) ::close(static_cast<int>(fd));
    if (ep_ >= 0) ::close(ep_);
  }

  void run() {
    if (ep_ < 0) return;
    std::vector<epoll_event> events(256);
    while (!stop_.load(std::memory_order_relaxed)) {
      auto pull = start_what_we_can();
      if (pull.finished && in_flight_ == 0) return;
      int wait_ms = 50;  // at most, so `stop` is seen soon
      auto now = clock::now();
      auto until = pull.retry_at;
      if (!deadlines_.empty()) until = std::min(until, deadlines_.top().at);
      if (until != clock::time_point::max()) {
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
        wait_ms = static_cast<int>(std::clamp<long long>(ms, 0, 50));
      }
      int n = ::epoll_wait(ep_, events.data(), static_cast<int>(events.size()), wait_ms);
      for (int i = 0; i < n; ++i) settle(events[static_cast<std::size_t>(i)].data.fd, true);
      expire();
    }
  }

 private:
  probe_source::pull start_what_we_can() {
    for (;;) {
      auto pull = src_.next(clock::now(), in_flight_);
      if (!pull.ticket) return pull;
      start(*pull.ticket);
    }
  }

  void start(const probe_ticket& t) {
    auto t0 = clock::now();
    sockaddr_storage to{};
    socklen_t to_len = to_sockaddr(t.to.ip, t.to.port, to);
    int fd = ::socket(to.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return finish(t, t0, verdict_of(errno), errno);
    if (t.from) {
      // The port is picked at connect time, where the whole 4-tuple is known, instead of
      // reserving one per socket at bind time.
      int one = 1;
      ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      sockaddr_storage from{};
      socklen_t from_len = to_sockaddr(*t.from, 0, from);
      if (::bind(fd, reinterpret_cast<sockaddr*>(&from), from_len) != 0) {
        int e = errno;
        ::close(fd);
        return finish(t, t0, verdict_of(e), e);
      }
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), to_len) == 0) return connected(fd, t, t0);
    int e = errno;
    if (e != EINPROGRESS) {
      ::close(fd);
      return finish(t, t0, verdict_of(e), e);
    }
    // Already settled? (On loopback the answer usually came back inside connect().)
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      ::close(fd);
      return finish(t, t0, verdict_of(err), err);
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), to_len) == 0 || errno == EISCONN)
      return connected(fd, t, t0);
    auto idx = static_cast<std::size_t>(fd);
    if (idx >= slots_.size()) slots_.resize(idx + 1024);
    slot& s = slots_[idx];
    s.ticket = t;
    s.started = t0;
    s.busy = true;
    ++s.generation;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.fd = fd;
    if (::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      int e2 = errno;
      s.busy = false;
      ::close(fd);
      return finish(t, t0, verdict_of(e2), e2);
    }
    deadlines_.push({t0 + t.timeout, fd, s.generation});
    ++in_flight_;
  }

  // A connection stands: open, unless it met itself.
  void connected(int fd, const probe_ticket& t, clock::time_point t0) {
    auto verdict = probe_verdict::open;
    if (!t.from) {
      sockaddr_storage local{}, peer{};
      socklen_t ll = sizeof local, pl = sizeof peer;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) == 0 &&
          ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) == 0 && ll == pl &&
          std::memcmp(&local, &peer, ll) == 0)
        verdict = probe_verdict::self_connect;
    }
    // RST instead of FIN: no TIME_WAIT left behind, and the service sees a reset, not a request.
    linger lg{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::close(fd);
    finish(t, t0, verdict, 0);
  }

  void settle(int fd, bool from_epoll) {
    auto idx = static_cast<std::size_t>(fd);
    if (idx >= slots_.size() || !slots_[idx].busy) return;
    slot& s = slots_[idx];
    s.busy = false;
    --in_flight_;
    ::epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0 && from_epoll) return connected(fd, s.ticket, s.started);
    ::close(fd);
    if (!from_epoll) return finish(s.ticket, s.started, probe_verdict::timed_out, 0);
    finish(s.ticket, s.started, verdict_of(err), err);
  }

  void expire() {
    auto now = clock::now();
    while (!deadlines_.empty() && deadlines_.top().at <= now) {
      auto d = deadlines_.top();
      deadlines_.pop();
      auto idx = static_cast<std::size_t>(d.fd);
      if (idx < slots_.size() && slots_[idx].busy && slots_[idx].generation == d.generation)
        settle(d.fd, false);
    }
  }

  void finish(const probe_ticket& t, clock::time_point t0, probe_verdict v, int error) {
    auto now = clock::now();
    src_.done(t, probe_report{v, error, now - t0}, now);
  }

  probe_source& src_;
  const std::atomic<bool>& stop_;
  int ep_ = -1;
  std::string failure_;
  int in_flight_ = 0;
  std::vector<slot> slots_;
  std::priority_queue<deadline, std::vector<deadline>, std::greater<>> deadlines_;
};

}  // namespace

probe_verdict verdict_of(int e) {
  if (e == ECONNREFUSED || e == ECONNRESET) return probe_verdict::refused;
  if (e == ETIMEDOUT) return probe_verdict::timed_out;
  // Out of descriptors, buffers or local ports: not the probe's fault.
  if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM || e == EADDRNOTAVAIL ||
      e == EAGAIN || e == EADDRINUSE)
    return probe_verdict::no_resources;
  return probe_verdict::unreachable;
}

std::string drive_probes_epoll(probe_source& src, const std::atomic<bool>& stop) {
  epoll_driver d(src, stop);
  d.run();
  return d.failure();
}

}  // namespace net

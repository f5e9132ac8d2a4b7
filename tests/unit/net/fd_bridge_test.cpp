// Handing a simulated connection to code that wants a socket of its own (libcurl): the bridge
// and the descriptor watches it relies on, on the mock network's virtual clock.
#include "net/http_client/fd_bridge.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "two_hosts.hpp"

using namespace std::chrono_literals;

namespace {

using fixture = unit::two_hosts;
using unit::echo_once;

}  // namespace

TEST_CASE("a bridged simulated connection carries bytes in virtual time, no sooner and no later") {
  fixture f;
  f.w.default_link.latency = 10ms;
  f.spawn(echo_once(*f.cb));
  // A timer far away: had the loop missed a descriptor that was ready, the clock would jump here.
  f.spawn([](net::context& c) -> net::task<void> { co_await c.sleep(1h); }(*f.cb));
  std::string got;
  double at = -1;
  bool connected = false;
  f.spawn([](fixture& f, std::string& got, double& at, bool& connected) -> net::task<void> {
    net::endpoint b{net::transport::tcp, "b", 7, {}, false};
    auto conn = co_await net::dial(*f.ca, b);
    auto h = net::hand_off(*f.ca, std::move(conn));
    // What libcurl does with the handoff: connect its socket to the relay, then read and write.
    connected = !h.connect_to.empty() &&
                ::connect(h.fd, reinterpret_cast<const sockaddr*>(h.connect_to.data()),
                          static_cast<socklen_t>(h.connect_to.size())) == 0;
    auto watch = f.ca->watch_fd(h.fd);
    if (::write(h.fd, "ping", 4) != 4) connected = false;
    auto ec = co_await watch->wait(net::fd_watch::event::readable);
    char buf[16];
    auto n = ::read(h.fd, buf, sizeof buf);
    if (!ec && n > 0) got.assign(buf, static_cast<std::size_t>(n));
    at = std::chrono::duration<double>(f.w.elapsed()).count();
    watch->release();
    ::close(h.fd);
    h.abandon();
  }(f, got, at, connected));
  f.w.run(10s, 10s);
  CHECK(connected);
  CHECK(got == "ping");
  // A round trip to connect and one for the echo: the clock moved for the link, not past it.
  CHECK(at == doctest::Approx(0.04));
}

TEST_CASE("the end of a simulated process releases its descriptor watches, so waits return") {
  fixture f;
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  std::error_code ended;
  bool returned = false;
  auto watch = f.ca->watch_fd(pair[0]);
  f.spawn([](net::fd_watch& w, std::error_code& ended, bool& returned) -> net::task<void> {
    ended = co_await w.wait(net::fd_watch::event::readable);
    returned = true;
  }(*watch, ended, returned));
  f.w.at(f.w.now() + 1s, [&] { f.ca->kill(false); });
  f.w.run(10s, 10s);
  CHECK(returned);
  CHECK(net::is_cancelled(ended));
  watch.reset();
  ::close(pair[0]);
  ::close(pair[1]);
}

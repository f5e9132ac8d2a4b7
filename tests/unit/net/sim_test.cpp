// The mock network, tested directly: its clock, links and faults.
#include <doctest/doctest.h>

#include "two_hosts.hpp"

using namespace std::chrono_literals;
using net::sim::world;

namespace {

using fixture = unit::two_hosts;
using unit::echo_once;
using unit::tcp;

using unit::receive_all;
using unit::received;

}  // namespace

TEST_CASE("the virtual clock jumps straight to the next timer") {
  fixture f;
  bool woke = false;
  f.spawn([](net::context& c, bool& done) -> net::task<void> {
    co_await c.sleep(1h);
    done = true;
  }(*f.ca, woke));
  auto wall = std::chrono::steady_clock::now();
  auto outcome = f.w.run(2h, 10s);
  CHECK(outcome == world::outcome::idle);
  CHECK(woke);
  CHECK(f.w.elapsed() == 1h);
  CHECK(std::chrono::steady_clock::now() - wall < 1s);
}

TEST_CASE("a run stops at its virtual time limit") {
  fixture f;
  f.spawn([](net::context& c) -> net::task<void> { co_await c.sleep(10h); }(*f.ca));
  CHECK(f.w.run(1h, 10s) == world::outcome::time_limit);
  CHECK(f.w.elapsed() == 1h);
}

TEST_CASE("a link's latency delays a connection and its data by exactly that") {
  fixture f;
  f.w.default_link.latency = 10ms;
  f.spawn(echo_once(*f.cb));
  net::duration connected{}, answered{};
  f.spawn([](fixture& f, net::duration& connected, net::duration& answered) -> net::task<void> {
    net::socket_address to{f.b->address, 7};
    auto where = tcp("b", 7);
    auto [ec, s] = co_await f.ca->connect_once(where, &to, 5s);
    REQUIRE(!ec);
    connected = f.w.elapsed();
    co_await s.write_all(std::string_view("ping"));
    char buf[16];
    auto r = co_await s.read_some(buf);
    CHECK(std::string(buf, r.n) == "ping");
    answered = f.w.elapsed();
  }(f, connected, answered));
  f.w.run(1h, 10s);
  CHECK(f.secs(connected) == doctest::Approx(0.020));  // SYN there, SYN-ACK back
  CHECK(f.secs(answered) == doctest::Approx(0.040));   // data there and back
}

TEST_CASE("connecting to a port nobody listens on is refused after one round trip") {
  fixture f;
  f.w.default_link.latency = 5ms;
  std::error_code got;
  f.spawn([](fixture& f, std::error_code& got) -> net::task<void> {
    net::socket_address to{f.b->address, 9};
    auto where = tcp("b", 9);
    auto [ec, s] = co_await f.ca->connect_once(where, &to, 5s);
    got = ec;
  }(f, got));
  f.w.run(1h, 10s);
  CHECK(got == asio::error::connection_refused);
  CHECK(f.secs(f.w.elapsed()) == doctest::Approx(0.010));
}

TEST_CASE("a partition holds stream bytes until it heals and loses none") {
  fixture f;
  f.w.default_link.latency = 1ms;
  bool partitioned = false;
  f.w.hooks.link = [&](const net::sim::host&, const net::sim::host&, const net::sim::flow&,
                       net::sim::link_params& p) {
    if (partitioned) p.blocked = true;
  };
  received got;
  f.spawn(receive_all(*f.cb, got));
  std::string sent(200000, 'x');
  for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>('a' + i % 26);
  f.spawn([](fixture& f, const std::string& sent, bool& partitioned) -> net::task<void> {
    net::socket_address to{f.b->address, 7};
    auto where = tcp("b", 7);
    auto [ec, s] = co_await f.ca->connect_once(where, &to, 5s);
    REQUIRE(!ec);
    partitioned = true;
    f.w.at(f.w.now() + 3s, [&partitioned] { partitioned = false; });
    co_await s.write_all(sent);
    s.shutdown_send();
  }(f, sent, partitioned));
  f.w.run(1h, 10s);
  CHECK(got.data == sent);
  CHECK(f.w.elapsed() >= 3s);
}

TEST_CASE("a reset after N bytes reaches both ends") {
  fixture f;
  f.w.hooks.on_connect = [](net::sim::connection& c) { c.reset_after = 1000; };
  received server;
  f.spawn(receive_all(*f.cb, server));
  net::io_result last{};
  f.spawn([](fixture& f, net::io_result& last) -> net::task<void> {
    net::socket_address to{f.b->address, 7};
    auto where = tcp("b", 7);
    auto [ec, s] = co_await f.ca->connect_once(where, &to, 5s);
    std::string chunk(500, 'z');
    for (int i = 0; i < 20; ++i) {
      last = co_await s.write_all(chunk);
      if (last.ec) break;
      co_await f.ca->sleep(10ms);
    }
  }(f, last));
  f.w.run(1h, 10s);
  CHECK(server.ended == asio::error::connection_reset);
  CHECK(last.ec == asio::error::connection_reset);
}

TEST_CASE("bandwidth paces a transfer") {
  fixture f;
  f.w.default_link.bandwidth = 1'000'000;  // bytes per second
  received got;
  f.spawn(receive_all(*f.cb, got));
  f.spawn([](fixture& f) -> net::task<void> {
    net::socket_address to{f.b->address, 7};
    auto where = tcp("b", 7);
    auto [ec, s] = co_await f.ca->connect_once(where, &to, 5s);
    std::string data(2'000'000, 'b');
    co_await s.write_all(data);
    s.shutdown_send();
  }(f));
  f.w.run(1h, 10s);
  CHECK(got.data.size() == 2'000'000u);
  CHECK(f.secs(f.w.elapsed()) == doctest::Approx(2.0).epsilon(0.05));
}

namespace {
// Sends 1000 datagrams over a lossy, jittery link and returns how many arrived, and the trace.
std::pair<int, std::vector<std::string>> lossy_run(std::uint64_t seed) {
  fixture f(seed);
  f.w.default_link.loss = 0.3;
  f.w.default_link.latency = 5ms;
  f.w.default_link.jitter = 3ms;
  int received = 0;
  f.spawn([](fixture& f, int& received) -> net::task<void> {
    // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
    net::endpoint where{net::transport::udp, "", 53, {}, false};
    auto d = co_await f.cb->bind_datagram(where);
    char buf[64];
    for (;;) {
      auto r = co_await d.receive_from(buf);
      if (r.ec) break;
      ++received;
      f.w.trace("got " + std::string(buf, r.n));
    }
  }(f, received));
  f.spawn([](fixture& f) -> net::task<void> {
    auto d = co_await f.ca->connect_datagram(net::socket_address{f.b->address, 53});
    for (int i = 0; i < 1000; ++i) {
      std::string text = std::to_string(i);
      co_await d.send(text);
      co_await f.ca->sleep(1ms);
    }
  }(f));
  f.w.run(1h, 10s);
  return {received, f.w.trace_lines()};
}
}  // namespace

TEST_CASE("datagram loss drops about the given share, and the same seed drops the same ones") {
  auto [n1, t1] = lossy_run(42);
  auto [n2, t2] = lossy_run(42);
  auto [n3, t3] = lossy_run(43);
  CHECK(n1 > 600);
  CHECK(n1 < 800);
  CHECK(n1 == n2);
  CHECK(t1 == t2);
  CHECK(t1 != t3);
}

TEST_CASE("a datagram to a port nobody listens on makes a connected sender see refusal") {
  fixture f;
  std::error_code got;
  f.spawn([](fixture& f, std::error_code& got) -> net::task<void> {
    auto d = co_await f.ca->connect_datagram(net::socket_address{f.b->address, 99});
    co_await d.send(std::string_view("x"));
    char buf[8];
    auto r = co_await d.receive_from(buf);
    got = r.ec;
  }(f, got));
  f.w.run(1h, 10s);
  CHECK(got == asio::error::connection_refused);
}

TEST_CASE("a killed process's sockets close, so what waits on them returns") {
  fixture f;
  bool accept_returned = false;
  f.spawn([](fixture& f, bool& returned) -> net::task<void> {
    auto where = tcp("", 7);
    auto l = co_await static_cast<net::context&>(*f.cb).listen(where);
    auto [ec, s] = co_await l.accept();
    returned = true;
    CHECK(ec);
  }(f, accept_returned));
  f.w.at(f.w.now() + 5s, [&] { f.cb->kill(true); });
  f.w.run(1h, 10s);
  CHECK(accept_returned);
  CHECK(f.b->tcp.empty());
}

namespace {
// "ping" to an echo across 10 ms of latency, the world keeping its events or not: the text
// trace and the events.
std::pair<std::vector<std::string>, std::vector<net::wire_event>> ping_run(bool keep_events) {
  fixture f;
  f.w.record_events = keep_events;
  f.w.default_link.latency = 10ms;
  f.spawn(echo_once(*f.cb));
  f.spawn([](fixture& f) -> net::task<void> {
    net::socket_address to{f.b->address, 7};
    auto where = tcp("b", 7);
    auto [ec, s] = co_await f.ca->connect_once(where, &to, 5s);
    REQUIRE(!ec);
    co_await s.write_all(std::string_view("ping"));
    char buf[16];
    co_await s.read_some(buf);
  }(f));
  f.w.run(1h, 10s);
  return {f.w.trace_lines(), f.w.events()};
}
}  // namespace

TEST_CASE("the world keeps what crossed its links as events, and its text trace stays the same") {
  auto [plain, none] = ping_run(false);
  auto [trace, events] = ping_run(true);
  CHECK(plain == trace);
  CHECK(none.empty());
  using kind = net::wire_event::kind;
  auto first = [&](kind k, const std::string& from) -> const net::wire_event& {
    for (const auto& e : events)
      if (e.what == k && e.from == from) return e;
    FAIL("no such event");
    return events.front();
  };
  REQUIRE(events.size() >= 6);
  CHECK(events.front().what == kind::listen);
  CHECK(events.front().from == "b");
  const auto& connect = first(kind::connect, "a");
  const auto& accept = first(kind::accept, "a");  // the client's side is `from`
  CHECK(connect.to == "b");
  CHECK(connect.to_port == 7);
  CHECK(accept.conn == connect.conn);
  CHECK(accept.at - connect.at == 10ms);  // the SYN's way
  // The client's bytes leave once the SYN-ACK is back, and take 10 ms; the echo's come back.
  const auto& ping = first(kind::data, "a");
  CHECK(ping.bytes == 4);
  CHECK(ping.at == 20ms);
  CHECK(ping.arrives == 30ms);
  const auto& pong = first(kind::data, "b");
  CHECK(pong.to == "a");
  CHECK(pong.arrives == 40ms);
  CHECK(first(kind::fin, "a").conn == connect.conn);
}

TEST_CASE("the world keeps at most its limit of events and counts the others") {
  fixture f;
  f.w.record_events = true;
  f.w.event_limit = 2;
  f.spawn(echo_once(*f.cb));
  f.spawn([](fixture& f) -> net::task<void> {
    net::socket_address to{f.b->address, 7};
    auto where = tcp("b", 7);
    auto [ec, s] = co_await f.ca->connect_once(where, &to, 5s);
    co_await s.write_all(std::string_view("ping"));
  }(f));
  f.w.run(1h, 10s);
  CHECK(f.w.events().size() == 2);
  CHECK(f.w.events_not_kept() >= 3);
}

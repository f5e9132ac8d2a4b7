// The relay under serve, connect and proxy: what arrives is exactly what was sent, line ends
// converted on request even across chunks, the end of the source passed on (or not), errors
// reported on the side they happened. On the mock network, and on real pipes and sockets where
// the kernel's zero-copy paths (splice) are taken.
#include "net/copy.hpp"

#include <doctest/doctest.h>

#include "net/real/context.hpp"
#include "two_hosts.hpp"

using namespace std::chrono_literals;

namespace {

// Both ends of one connection from a to b's `port`.
struct connection {
  net::stream at_a, at_b;
};

net::task<connection> connect_pair(unit::two_hosts& f, std::uint16_t port) {
  auto here = unit::tcp("", port);
  auto l = co_await f.cb->listen(here, {});
  net::socket_address to{f.b->address, port};
  auto where = unit::tcp("b", port);
  auto [ec, a_end] = co_await f.ca->connect_once(where, &to, 5s);
  REQUIRE(!ec);
  auto [aec, b_end] = co_await l.accept();
  REQUIRE(!aec);
  co_return connection{std::move(a_end), std::move(b_end)};
}

using unit::read_all;
using unit::received;

// a writes `pieces` into one connection, a second apart; b copies that connection into a second
// one back to a with `opts`; a reads the second to its end.
struct relay_run {
  net::copy_result result;
  received arrived;
  bool ended_while_open = false;  // the reader saw the end before the streams were destroyed
};

relay_run relay(std::vector<std::string> pieces, net::copy_options opts, bool close_source = true) {
  unit::two_hosts f;
  relay_run run;
  f.spawn([](unit::two_hosts& f, std::vector<std::string> pieces, net::copy_options opts,
             bool close_source, relay_run& run) -> net::task<void> {
    auto in = co_await connect_pair(f, 7);
    auto out = co_await connect_pair(f, 8);
    f.ca->start([](unit::two_hosts& f, net::stream& s, std::vector<std::string> pieces,
                   bool close_source) -> net::task<void> {
      for (auto& p : pieces) {
        co_await s.write_all(p);
        co_await f.ca->sleep(1s);
      }
      if (close_source) s.shutdown_send();
    }(f, in.at_a, pieces, close_source));
    f.ca->start(read_all(out.at_a, run.arrived));
    run.result = co_await net::copy(in.at_b, out.at_b, opts);
    co_await f.ca->sleep(1h);  // keeps the streams alive while the reader finishes
    run.ended_while_open = run.arrived.done;
    // A reader still waiting (no end was passed on) is ended before its stream goes.
    out.at_a.cancel();
    co_await f.ca->sleep(1s);
  }(f, std::move(pieces), std::move(opts), close_source, run));
  f.w.run(10h, 10s);
  return run;
}

}  // namespace

TEST_CASE("copy delivers every byte in order, counts them and passes on the end") {
  std::string big(300 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 251);
  std::uint64_t counter = 0;
  auto run = relay({"first ", big, "last"}, {.counter = &counter});
  CHECK(run.arrived.data == "first " + big + "last");
  CHECK(run.result.bytes == run.arrived.data.size());
  CHECK(counter == run.result.bytes);
  CHECK(net::is_eof(run.result.read_ec));
  CHECK_FALSE(run.result.write_ec);
  CHECK(run.ended_while_open);
  CHECK(net::is_eof(run.arrived.ended));  // the half-close was passed on
}

TEST_CASE("copy without shutdown_after leaves the destination open") {
  auto run = relay({"abc"}, {.shutdown_after = false});
  CHECK(run.arrived.data == "abc");
  CHECK(net::is_eof(run.result.read_ec));
  CHECK_FALSE(run.ended_while_open);  // still waiting for more an hour later
}

TEST_CASE("copy with crlf turns bare line feeds into CRLF, also when a pair is split") {
  // "b\r" ends one chunk and "\n" starts the next: that pair is already CRLF.
  auto run = relay({"a\nb\r", "\nc\n\n", "\r\n"}, {.crlf = true});
  CHECK(run.arrived.data == "a\r\nb\r\nc\r\n\r\n\r\n");
  CHECK(run.result.bytes == 10);  // counted as read, before conversion
}

TEST_CASE("copy shows every chunk to its observer before it is written") {
  std::string seen;
  auto run = relay({"one", "two", "three"},
                   {.observe = [&](std::span<const char> c) { seen.append(c.data(), c.size()); }});
  CHECK(seen == "onetwothree");
  CHECK(run.arrived.data == "onetwothree");
}

TEST_CASE("copy touches its watchdog on every chunk, so a slow but steady flow is not idle") {
  unit::two_hosts f;
  bool fired = false;
  net::copy_result result;
  f.spawn([](unit::two_hosts& f, bool& fired, net::copy_result& result) -> net::task<void> {
    auto in = co_await connect_pair(f, 7);
    f.ca->start([](unit::two_hosts& f, net::stream& s) -> net::task<void> {
      for (int i = 0; i < 10; ++i) {  // 30 s of traffic, 3 s apart
        co_await s.write_all(std::string_view("tick"));
        co_await f.ca->sleep(3s);
      }
      s.shutdown_send();
    }(f, in.at_a));
    net::watchdog idle(*f.cb, 5s, [&] {
      fired = true;
      in.at_b.close();
    });
    result = co_await net::drain(in.at_b, {.activity = &idle});
  }(f, fired, result));
  f.w.run(1h, 10s);
  CHECK_FALSE(fired);
  CHECK(result.bytes == 40);
  CHECK(net::is_eof(result.read_ec));
}

TEST_CASE("a destination that goes away ends copy with a write error, not a read error") {
  unit::two_hosts f;
  net::copy_result result;
  f.spawn([](unit::two_hosts& f, net::copy_result& result) -> net::task<void> {
    auto in = co_await connect_pair(f, 7);
    auto out = co_await connect_pair(f, 8);
    out.at_a.abort();  // the reader resets its connection
    co_await f.ca->sleep(1s);
    f.ca->start([](unit::two_hosts& f, net::stream& s) -> net::task<void> {
      for (int i = 0; i < 5; ++i) {
        co_await s.write_all(std::string_view("data"));
        co_await f.ca->sleep(1s);
      }
    }(f, in.at_a));
    result = co_await net::copy(in.at_b, out.at_b);
    co_await f.ca->sleep(1h);
  }(f, result));
  f.w.run(2h, 10s);
  CHECK(result.write_ec);
  CHECK_FALSE(result.read_ec);
}

TEST_CASE("on real pipes and sockets the zero-copy paths carry the bytes exactly") {
  // seq's output through a pipe into a loopback socket (splice), and from the socket into cat's
  // stdin (splice again); what cat gives back is compared byte for byte.
  std::string expected;
  for (int i = 1; i <= 200000; ++i) expected += std::to_string(i) + "\n";
  net::real_context ctx;
  received back;
  net::copy_result there, onward;
  int status = ctx.run([&](net::context& c) -> net::task<int> {
    // Named, not temporaries: gcc 12 destroys a temporary in a co_await expression twice.
    net::endpoint any{.host = "127.0.0.1"};
    auto l = co_await c.listen(any, {});
    net::endpoint there_ep{.host = "127.0.0.1", .port = l.local_endpoint().port};
    auto seq = c.spawn({.command = "seq 1 200000"});
    auto cat = c.spawn({.command = "cat"});
    auto client = co_await net::dial(c, there_ep);
    auto [ec, server] = co_await l.accept();
    if (ec) co_return 1;
    auto forward = [](net::stream& from, net::stream& to, net::copy_result& r) -> net::task<void> {
      r = co_await net::copy(from, to);
    };
    co_await net::both(c, forward(seq->stdout_stream(), client, there),
                       net::both(c, forward(server, cat->stdin_stream(), onward),
                                 read_all(cat->stdout_stream(), back)));
    int a = co_await seq->wait();
    int b = co_await cat->wait();
    co_return a + b;
  });
  CHECK(status == 0);
  CHECK(there.bytes == expected.size());
  CHECK(onward.bytes == expected.size());
  CHECK(net::is_eof(onward.read_ec));
  CHECK(back.data.size() == expected.size());
  CHECK(back.data == expected);
}

// Waiting with a deadline, on the mock network's virtual clock: the watchdog, the wake-up event,
// and dialing with retries and backoff.
#include "net/deadline.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/exit_code.hpp"
#include "net/event.hpp"
#include "two_hosts.hpp"

using namespace std::chrono_literals;

namespace {

int code_of(const vitnet::error& e) {
  return core::to_int(e.code());
}

// How a dial ended: 0 connected, else the exit code; when, and the retries it announced.
struct dialed {
  int code = -1;
  std::string message;
  double at = 0;
  std::vector<std::pair<int, double>> retries;  // attempt number, the wait before it (seconds)
};

net::task<void> dial_b(unit::two_hosts& f, std::string host, net::dial_options o, dialed& out) {
  o.on_retry = [&out](int n, const std::string&, net::duration wait) {
    out.retries.emplace_back(n, std::chrono::duration<double>(wait).count());
  };
  try {
    auto where = unit::tcp(host, 7);
    auto s = co_await net::dial(*f.ca, where, o);
    out.code = 0;
  } catch (const vitnet::error& e) {
    out.code = code_of(e);
    out.message = e.what();
  }
  out.at = f.secs(f.w.elapsed());
}

}  // namespace

TEST_CASE("a watchdog fires once its limit passes without a touch, and not before") {
  unit::two_hosts f;
  std::vector<double> fired;
  f.spawn([](unit::two_hosts& f, std::vector<double>& fired) -> net::task<void> {
    net::watchdog wd(*f.ca, 10s, [&] { fired.push_back(f.secs(f.w.elapsed())); });
    co_await f.ca->sleep(6s);
    wd.touch();  // the deadline moves to 16 s
    co_await f.ca->sleep(6s);
    wd.touch();  // to 22 s
    co_await f.ca->sleep(1h);
    CHECK(wd.fired());
  }(f, fired));
  f.w.run(2h, 10s);
  REQUIRE(fired.size() == 1);
  CHECK(fired[0] == doctest::Approx(22.0));
}

TEST_CASE("a disarmed watchdog never fires, and one destroyed early leaves nothing behind") {
  unit::two_hosts f;
  int fired = 0;
  f.spawn([](net::context& c, int& fired) -> net::task<void> {
    {
      net::watchdog gone(c, 1s, [&] { ++fired; });
    }
    net::watchdog wd(c, 5s, [&] { ++fired; });
    co_await c.sleep(4s);
    wd.disarm();
    co_await c.sleep(1h);
    CHECK_FALSE(wd.fired());
  }(*f.ca, fired));
  CHECK(f.w.run(2h, 10s) == net::sim::world::outcome::idle);
  CHECK(fired == 0);
  CHECK(f.w.elapsed() == 4s + 1h);
}

TEST_CASE("an event wakes every coroutine waiting when it is notified, and only those") {
  unit::two_hosts f;
  net::event ready(*f.ca);
  std::vector<std::pair<int, double>> woke;
  auto waiter = [](unit::two_hosts& f, net::event& e, int id, net::duration start,
                   std::vector<std::pair<int, double>>& woke) -> net::task<void> {
    co_await f.ca->sleep(start);
    bool woken = co_await e.wait();
    if (woken) woke.emplace_back(id, f.secs(f.w.elapsed()));
  };
  f.spawn(waiter(f, ready, 1, 0s, woke));
  f.spawn(waiter(f, ready, 2, 1s, woke));
  f.spawn(waiter(f, ready, 3, 3s, woke));  // starts waiting after the first notify
  f.spawn([](unit::two_hosts& f, net::event& e) -> net::task<void> {
    co_await f.ca->sleep(2s);
    e.notify();
    co_await f.ca->sleep(3s);
    e.notify();
  }(f, ready));
  f.w.run(1h, 10s);
  REQUIRE(woke.size() == 3);
  CHECK(woke[0] == std::pair<int, double>{1, 2.0});
  CHECK(woke[1] == std::pair<int, double>{2, 2.0});
  CHECK(woke[2] == std::pair<int, double>{3, 5.0});
}

TEST_CASE("a waiter nobody will notify leaves the world idle, not busy") {
  unit::two_hosts f;
  net::event never(*f.ca);
  bool returned = false;
  f.spawn([](net::event& e, bool& returned) -> net::task<void> {
    co_await e.wait();
    returned = true;
  }(never, returned));
  CHECK(f.w.run(1h, 10s) == net::sim::world::outcome::idle);
  CHECK_FALSE(returned);
}

TEST_CASE("dial retries with doubling waits until the server starts listening") {
  unit::two_hosts f;
  f.spawn([](unit::two_hosts& f) -> net::task<void> {
    co_await f.cb->sleep(2500ms);
    co_await unit::echo_once(*f.cb);
  }(f));
  dialed d;
  f.spawn(dial_b(f, "b", {.retries = 5, .retry_delay = 1s}, d));
  f.w.run(1h, 10s);
  CHECK(d.code == 0);
  // Refused at 0 s and at 1 s; the third attempt, at 3 s, finds the listener.
  REQUIRE(d.retries.size() == 2);
  CHECK(d.retries[0] == std::pair<int, double>{1, 1.0});
  CHECK(d.retries[1] == std::pair<int, double>{2, 2.0});
  CHECK(d.at == doctest::Approx(3.0).epsilon(0.001));
}

TEST_CASE("dial gives up after its retries with the error of the last attempt") {
  unit::two_hosts f;
  SUBCASE("refused: 69") {
    dialed d;
    f.spawn(dial_b(f, "b", {.retries = 2, .retry_delay = 1s}, d));
    f.w.run(1h, 10s);
    CHECK(d.code == 69);
    CHECK(d.retries.size() == 2);
    CHECK(d.message.find("refused") != std::string::npos);
    CHECK(d.at == doctest::Approx(3.0).epsilon(0.001));
  }
  SUBCASE("no answer at all: 75 after each attempt's timeout") {
    f.w.default_link.blocked = true;
    dialed d;
    f.spawn(dial_b(f, "b", {.timeout = 2s, .retries = 1, .retry_delay = 1s}, d));
    f.w.run(1h, 10s);
    CHECK(d.code == 75);
    CHECK(d.message.find("timed out after 2s") != std::string::npos);
    CHECK(d.at == doctest::Approx(5.0).epsilon(0.001));  // 2 s, a 1 s wait, 2 s
  }
  SUBCASE("unknown host: 68") {
    dialed d;
    f.spawn(dial_b(f, "nowhere", {}, d));
    f.w.run(1h, 10s);
    CHECK(d.code == 68);
    CHECK(d.message.find("nowhere") != std::string::npos);
  }
}

TEST_CASE("dial's backoff stops doubling at 30 seconds") {
  unit::two_hosts f;
  dialed d;
  f.spawn(dial_b(f, "b", {.retries = 7, .retry_delay = 4s}, d));
  f.w.run(10h, 10s);
  std::vector<double> waits;
  for (auto& [n, w] : d.retries) waits.push_back(w);
  CHECK(waits == std::vector<double>{4, 8, 16, 30, 30, 30, 30});
}

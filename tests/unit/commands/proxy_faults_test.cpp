#include "commands/proxy/faults.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "core/error.hpp"

using namespace std::chrono_literals;
using commands::proxy::fault_draw;
using commands::proxy::way;
using net::fault_kind;

namespace {

// A fault file in the temp directory, removed when the test ends.
struct temp_file {
  std::string path;
  explicit temp_file(std::string_view text) {
    char name[] = "/tmp/vitnet-proxy-faults-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~temp_file() { std::remove(path.c_str()); }
};

int code_of(const std::string& path, std::string* message = nullptr) {
  try {
    commands::proxy::load_fault_file(path);
    return 0;
  } catch (const vitnet::error& e) {
    if (message) *message = e.what();
    return core::to_int(e.code());
  }
}

net::fault_spec fault(fault_kind k, std::string direction = "both") {
  net::fault_spec f;
  f.kind = k;
  f.direction = std::move(direction);
  return f;
}

}  // namespace

TEST_CASE("proxy rates read as the shared fault vocabulary reads them") {
  CHECK(commands::proxy::parse_rate("10Mbit") == 1250000u);
  CHECK(commands::proxy::parse_rate("1MB") == 1000000u);
  CHECK(commands::proxy::parse_rate("500K") == 512000u);
  CHECK(commands::proxy::parse_rate("2000") == 2000u);
  for (const char* bad : {"", "fast", "0", "-5", "10Mbit/x"})
    CHECK_MESSAGE(!commands::proxy::parse_rate(bad), bad);
}

TEST_CASE("proxy flags become one fault each, in the chosen direction") {
  commands::proxy_options o;
  o.latency = 200ms;
  o.jitter = 50ms;
  o.bandwidth = 1000;
  o.reset_after = 64;
  o.blackhole = true;
  o.slow_close = 1s;
  o.loss = 0.5;
  o.probability = 0.25;
  o.direction = "up";
  auto fs = commands::proxy::faults_from_flags(o);
  REQUIRE(fs.size() == 6);
  CHECK(fs[0].kind == fault_kind::latency);
  CHECK(fs[0].latency == 200ms);
  CHECK(fs[0].jitter == 50ms);
  CHECK(fs[0].origin == "--latency");
  for (auto& f : fs) {
    CHECK(f.direction == "up");
    CHECK(f.probability == 0.25);
  }
  CHECK(commands::proxy::faults_from_flags({}).empty());
}

TEST_CASE("a proxy fault file reads [[fault]] tables, a refuse needing no host") {
  temp_file f(
      "[[fault]]\nkind = \"latency\"\nlatency = \"100ms\"\ndirection = \"down\"\n"
      "[[fault]]\nkind = \"refuse\"\nat = \"1s\"\n");
  auto fs = commands::proxy::load_fault_file(f.path);
  REQUIRE(fs.size() == 2);
  CHECK(fs[0].latency == 100ms);
  CHECK(fs[0].direction == "down");
  CHECK(fs[1].kind == fault_kind::refuse);
  CHECK(fs[1].host.empty());
  CHECK(fs[1].origin == f.path + ":5");
}

TEST_CASE("a bad proxy fault file names its line and exits as the contract says") {
  std::string message;
  temp_file syntax("[[fault]\nkind = \"latency\"\n");
  CHECK(code_of(syntax.path, &message) == 65);
  CHECK(message.starts_with(syntax.path + ":1: "));
  CHECK(std::islower(static_cast<unsigned char>(message[syntax.path.size() + 4])));

  temp_file unknown(
      "[[fault]]\nkind = \"latency\"\nlatency = \"1s\"\n[[fault]]\nkind = \"wobble\"\n");
  CHECK(code_of(unknown.path, &message) == 65);
  CHECK(message.starts_with(unknown.path + ":5: unknown fault kind 'wobble'"));

  temp_file crash("\n[[fault]]\nkind = \"crash\"\nhost = \"db\"\n");
  CHECK(code_of(crash.path, &message) == 78);
  CHECK(message.starts_with(crash.path + ":2: a proxy cannot inject a crash fault"));

  temp_file stray("latency = \"1s\"\n");
  CHECK(code_of(stray.path, &message) == 65);
  CHECK(message.find("unknown key 'latency'") != std::string::npos);

  CHECK(code_of("/nonexistent/vitnet/faults.toml") == 66);
  temp_file empty("");
  CHECK(code_of(empty.path) == 0);
}

TEST_CASE("a fault is drawn for a connection by its window, its count and its probability") {
  commands::proxy::rng r(1);
  auto late = fault(fault_kind::latency);
  late.latency = 10ms;
  late.at = 5s;
  late.lasts = 1s;
  auto first_two = fault(fault_kind::blackhole);
  first_two.connections = 2;
  auto never = fault(fault_kind::bandwidth);
  never.bandwidth = 5;
  never.probability = 0;
  std::vector<net::fault_spec> all{late, first_two, never};

  CHECK(fault_draw::choose(all, 1, 0s, r).faults().size() == 2);  // latency still to come
  CHECK(fault_draw::choose(all, 3, 0s, r).faults().size() == 1);  // past the first two
  CHECK(fault_draw::choose(all, 3, 7s, r).empty());               // the latency is over
  // On udp a probability is rolled per datagram, so the draw keeps the fault.
  CHECK(fault_draw::choose(all, 3, 0s, r, true).faults().size() == 2);
}

TEST_CASE("a probability of one half applies to about half the connections") {
  commands::proxy::rng r(42);
  auto f = fault(fault_kind::latency);
  f.latency = 1ms;
  f.probability = 0.5;
  int kept = 0;
  for (int i = 1; i <= 1000; ++i) kept += !fault_draw::choose({f}, i, 0s, r).empty();
  CHECK(kept > 400);
  CHECK(kept < 600);
}

TEST_CASE("the shape of a direction adds latencies, takes the narrowest bandwidth") {
  commands::proxy::rng r(1);
  auto a = fault(fault_kind::latency), b = fault(fault_kind::latency, "down");
  a.latency = 100ms;
  b.latency = 50ms;
  b.jitter = 10ms;
  auto wide = fault(fault_kind::bandwidth), narrow = fault(fault_kind::bandwidth, "up");
  wide.bandwidth = 1000;
  narrow.bandwidth = 10;
  auto d = fault_draw::choose({a, b, wide, narrow}, 1, 0s, r);
  auto up = d.at(0s, way::up), down = d.at(0s, way::down);
  CHECK(up.latency == 100ms);
  CHECK(up.bandwidth == 10);
  CHECK(down.latency == 150ms);
  CHECK(down.jitter == 10ms);
  CHECK(down.bandwidth == 1000);
  for (int i = 0; i < 100; ++i) {
    auto delay = commands::proxy::draw_delay(down, r);
    CHECK(delay >= 150ms);
    CHECK(delay <= 160ms);
  }
}

TEST_CASE("a blackhole in force for good spares the dial; a timed one says when it lifts") {
  commands::proxy::rng r(1);
  auto hole = fault(fault_kind::blackhole);
  CHECK(fault_draw::choose({hole}, 1, 0s, r).blackhole_for_good(0s));
  CHECK(!fault_draw::choose({fault(fault_kind::blackhole, "up")}, 1, 0s, r).blackhole_for_good(0s));
  auto both = fault_draw::choose(
      {fault(fault_kind::partition, "up"), fault(fault_kind::blackhole, "down")}, 1, 0s, r);
  CHECK(both.blackhole_for_good(0s));

  auto brief = fault(fault_kind::partition);
  brief.at = 1s;
  brief.lasts = 2s;
  auto d = fault_draw::choose({brief}, 1, 0s, r);
  CHECK(!d.blackhole_for_good(1500ms));
  CHECK(!d.at(500ms, way::up).blocked);
  auto s = d.at(1500ms, way::up);
  CHECK(s.blocked);
  CHECK(s.blackhole_until == 3s);
  CHECK(d.touches(way::up));
}

TEST_CASE("resets at a time and refusals are told apart from byte faults") {
  commands::proxy::rng r(1);
  auto timed = fault(fault_kind::reset);
  timed.at = 2s;
  auto counted = fault(fault_kind::reset, "down");
  counted.after_bytes = 100;
  auto refuse = fault(fault_kind::refuse);
  refuse.lasts = 1s;
  auto d = fault_draw::choose({timed, counted, refuse}, 1, 0s, r);
  CHECK(d.refused_at(0s));
  CHECK(!d.refused_at(1s));
  CHECK(!d.reset_at(1s));
  CHECK(d.reset_at(2s));
  auto later = d.resets_after(0s);
  REQUIRE(later.size() == 1);
  CHECK(later[0].first == 2s);
  CHECK(!d.touches(way::up));
  CHECK(d.touches(way::down));
}

TEST_CASE("faults a kind of proxy cannot act on are named") {
  CHECK(!commands::proxy::ignored_because(fault(fault_kind::reorder), true).empty());
  CHECK(commands::proxy::ignored_because(fault(fault_kind::reorder), false).empty());
  CHECK(!commands::proxy::ignored_because(fault(fault_kind::slow_close), false).empty());
  CHECK(commands::proxy::ignored_because(fault(fault_kind::latency), true).empty());
}

TEST_CASE("a proxy fault describes itself in a line for -v") {
  auto f = fault(fault_kind::latency, "up");
  f.latency = 200ms;
  f.jitter = 50ms;
  f.at = 1s;
  f.lasts = 2s;
  CHECK(commands::proxy::describe(f) == "latency 200ms jitter 50ms up at 1s for 2s");
  auto r = fault(fault_kind::reset);
  r.after_bytes = 64;
  r.probability = 0.5;
  CHECK(commands::proxy::describe(r) == "reset after 64 bytes with probability 0.5");
}

TEST_CASE("only a refusal of every connection closes the listener, and its start is known") {
  auto all = fault(fault_kind::refuse);
  all.at = 2s;
  all.lasts = 1s;
  auto some = fault(fault_kind::refuse);
  some.probability = 0.5;
  auto first = fault(fault_kind::refuse);
  first.connections = 3;
  std::vector<net::fault_spec> fs{some, first, all};
  CHECK(!commands::proxy::refusing_all(fs, 0s));
  CHECK(commands::proxy::refusing_all(fs, 2500ms) == &fs[2]);
  CHECK(!commands::proxy::refusing_all(fs, 3s));
  CHECK(commands::proxy::next_refusal(fs, 0s) == 2s);
  CHECK(!commands::proxy::next_refusal(fs, 2s));
}

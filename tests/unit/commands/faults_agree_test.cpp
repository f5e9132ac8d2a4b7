// The proxy and the mock network compute what faults do to traffic by the same rule: the same
// faults give the same link effect on both backends.
#include <doctest/doctest.h>

#include "commands/proxy/faults.hpp"
#include "net/sim/faults.hpp"
#include "net/sim/objects.hpp"

using namespace std::chrono_literals;
using net::fault_kind;

namespace {

net::fault_spec make(fault_kind k) {
  net::fault_spec f;
  f.kind = k;
  f.origin = "test";
  return f;
}

// What the proxy applies to the upstream direction of a connection, at 1 s.
net::link_effect on_proxy(const std::vector<net::fault_spec>& faults) {
  commands::proxy::rng r(1);
  auto draw = commands::proxy::fault_draw::choose(faults, 1, 0s, r);
  return static_cast<const net::link_effect&>(draw.at(1s, commands::proxy::way::up, nullptr));
}

// What the mock network applies to one transmission from a to b, at 1 s of virtual time.
net::link_effect on_mock(const std::vector<net::fault_spec>& faults, bool fin = false) {
  net::sim::world w(1);
  auto& a = w.add_host("a");
  auto& b = w.add_host("b");
  net::sim::fault_injector inject(w, faults, {});
  net::link_effect e;
  w.at(w.now() + 1s, [&] { w.hooks.link(a, b, net::sim::flow{40000, 80, fin}, e); });
  w.run(2s, 10s);
  w.shutdown();
  return e;
}

}  // namespace

TEST_CASE("two loss faults combine as independent chances on both backends") {
  auto a = make(fault_kind::loss), b = make(fault_kind::loss);
  a.rate = 0.5;
  b.rate = 0.2;
  auto proxy = on_proxy({a, b}), mock = on_mock({a, b});
  CHECK(proxy.loss == doctest::Approx(0.6));
  CHECK(mock.loss == doctest::Approx(0.6));
  CHECK(proxy == mock);
}

TEST_CASE("latency, jitter, bandwidth, reorder, duplicate and partitions agree on both backends") {
  auto l1 = make(fault_kind::latency), l2 = make(fault_kind::latency);
  l1.latency = 100ms;
  l1.jitter = 10ms;
  l2.latency = 50ms;
  l2.distribution = "normal";
  auto bw1 = make(fault_kind::bandwidth), bw2 = make(fault_kind::bandwidth);
  bw1.bandwidth = 1000;
  bw2.bandwidth = 500;
  auto re = make(fault_kind::reorder), du = make(fault_kind::duplicate);
  re.rate = 0.1;
  du.rate = 0.3;
  std::vector<net::fault_spec> all{l1, l2, bw1, bw2, re, du};
  auto proxy = on_proxy(all), mock = on_mock(all);
  CHECK(proxy.latency == 150ms);
  CHECK(proxy.jitter == 10ms);
  CHECK(proxy.normal_jitter);
  CHECK(proxy.bandwidth == 500);
  CHECK(proxy == mock);

  auto cut = make(fault_kind::partition);
  CHECK(on_proxy({cut}).blocked);
  CHECK(on_proxy({cut}) == on_mock({cut}));
}

TEST_CASE("slow closes add up like latency on both backends") {
  auto s1 = make(fault_kind::slow_close), s2 = make(fault_kind::slow_close);
  s1.latency = 1s;
  s2.latency = 500ms;
  auto proxy = on_proxy({s1, s2});
  CHECK(proxy.fin_delay == 1500ms);
  CHECK(proxy == on_mock({s1, s2}, true));
}

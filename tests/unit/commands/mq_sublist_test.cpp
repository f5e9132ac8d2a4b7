// The broker's subscription index: literal and wildcard subjects, queue groups apart from plain
// subscribers, the cache that a subscribe or unsubscribe clears, and what removal leaves.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "commands/mq/sublist.hpp"
#include "commands/mq/url.hpp"
#include "core/error.hpp"

using commands::mq::sublist;
using commands::mq::subscription;

namespace {

subscription sub(std::string subject, std::string queue = {}) {
  subscription s;
  s.subject = std::move(subject);
  s.queue = std::move(queue);
  return s;
}

bool has(const std::vector<subscription*>& v, const subscription* s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("sublist finds literal and wildcard subscriptions for a subject") {
  sublist l;
  auto exact = sub("orders.eu.new"), star = sub("orders.*.new"), tail = sub("orders.>"),
       other = sub("orders.us.new"), shallow = sub("orders.*");
  for (auto* s : {&exact, &star, &tail, &other, &shallow}) l.insert(s);
  const auto& m = l.match("orders.eu.new");
  CHECK(m.plain.size() == 3);
  CHECK(has(m.plain, &exact));
  CHECK(has(m.plain, &star));
  CHECK(has(m.plain, &tail));
  CHECK(m.groups.empty());
  CHECK(l.match("orders").plain.empty());
  CHECK(l.size() == 5);
}

TEST_CASE("sublist puts each queue group apart, with every member") {
  sublist l;
  auto a1 = sub("work", "a"), a2 = sub("work", "a"), b1 = sub("work.>", "b"), p = sub("work");
  for (auto* s : {&a1, &a2, &b1, &p}) l.insert(s);
  const auto& m = l.match("work");
  CHECK(m.plain.size() == 1);
  REQUIRE(m.groups.size() == 1);  // work.> does not match "work"
  CHECK(m.groups[0].size() == 2);
  const auto& deeper = l.match("work.x");
  CHECK(deeper.plain.empty());
  REQUIRE(deeper.groups.size() == 1);
  CHECK(deeper.groups[0].front() == &b1);
}

TEST_CASE("sublist caches a match until the next subscribe or unsubscribe") {
  sublist l;
  auto a = sub("a.b"), w = sub("a.*");
  l.insert(&a);
  CHECK(l.match("a.b").plain.size() == 1);
  CHECK(l.match("a.b").plain.size() == 1);
  CHECK(l.cache_hits() == 1);
  l.insert(&w);
  CHECK(l.cached() == 0);
  CHECK(l.match("a.b").plain.size() == 2);
  l.remove(&a);
  CHECK(l.match("a.b").plain.size() == 1);
  l.remove(&a);  // twice: nothing happens
  CHECK(l.size() == 1);
  CHECK(l.removes() == 1);
}

TEST_CASE("mq URLs give the system, the port it defaults to and the credentials") {
  using commands::mq::parse_mq_url;
  using commands::mq::system;
  auto n = parse_mq_url("nats://alice:s%40cret@127.0.0.1");
  CHECK(n.system == system::nats);
  CHECK(n.where.port == 4222);
  CHECK(n.user == "alice");
  CHECK(n.password == "s@cret");
  CHECK(n.text.find("s@cret") == std::string::npos);
  auto t = parse_mq_url("nats://t0k@localhost:4333/calc");
  CHECK(t.token == "t0k");
  CHECK(t.where.port == 4333);
  CHECK(t.path == "calc");
  CHECK(parse_mq_url("tls://h").where.tls);
  CHECK(parse_mq_url("mqtts://h").where.port == 8883);
  CHECK(parse_mq_url("mqtt://h").where.port == 1883);
  CHECK(parse_mq_url("redis://h/2").path == "2");
  CHECK_THROWS_AS(parse_mq_url("kafka://h:9092"), vitnet::error);
  CHECK_THROWS_AS(parse_mq_url("127.0.0.1:4222"), vitnet::error);
}

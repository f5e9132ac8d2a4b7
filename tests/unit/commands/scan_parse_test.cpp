#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "commands/scan/scan.hpp"

using namespace commands;

namespace {

scan_target_spec target(const char* text) {
  std::string message;
  auto t = parse_scan_target(text, message);
  REQUIRE_MESSAGE(t, text, ": ", message);
  return *t;
}

std::vector<std::uint16_t> ports(const char* text) {
  std::string message;
  auto p = parse_scan_ports(text, message);
  REQUIRE_MESSAGE(p, text, ": ", message);
  return *p;
}

}  // namespace

TEST_CASE("scan targets: addresses, blocks, ranges and names") {
  auto a = target("127.0.0.1");
  CHECK(a.host.empty());
  CHECK(a.first.to_string() == "127.0.0.1");
  CHECK(a.last == a.first);

  auto b = target("10.0.0.0/30");
  CHECK(b.first.to_string() == "10.0.0.0");
  CHECK(b.last.to_string() == "10.0.0.3");

  auto r = target("10.0.0.1-20");
  CHECK(r.first.to_string() == "10.0.0.1");
  CHECK(r.last.to_string() == "10.0.0.20");

  auto full = target("10.0.0.250-10.0.1.2");
  CHECK(*range_size(full.first, full.last, 1000) == 9);

  auto v6 = target("[::1]");
  CHECK(v6.first.is_v6());
  auto v6r = target("fd00::1-fd00::3");
  CHECK(*range_size(v6r.first, v6r.last, 1000) == 3);

  auto n = target("localhost");
  CHECK(n.host == "localhost");
  CHECK(target("my-host.example.com").host == "my-host.example.com");
}

TEST_CASE("scan targets: malformed ones are refused with the text at fault") {
  for (const char* bad : {"", "10.0.0.300", "1.2.3", "10.0.0.1-300", "10.0.0.0/33", "a b",
                          "10.0.0.1-::2", "-host", "host!", "[::1"}) {
    std::string message;
    CHECK_MESSAGE(!parse_scan_target(bad, message), bad);
    CHECK_MESSAGE(message.find("invalid target") != std::string::npos, message);
  }
  std::string message;
  CHECK(!parse_scan_target("10.0.0.9-1", message));
  CHECK(message == "empty range '10.0.0.9-1': it ends before it starts");
}

TEST_CASE("scan target lists split on commas, spaces, newlines and skip comments") {
  std::vector<scan_target_spec> out;
  std::string message;
  REQUIRE(parse_scan_targets("127.0.0.1, 127.0.0.2\n# a comment 1.2.3\n::1 # trailing\n", out,
                             message));
  REQUIRE(out.size() == 3);
  CHECK(out[2].first.to_string() == "::1");
  CHECK(!parse_scan_targets("127.0.0.1 999.1.1.1", out, message));
  CHECK(message.find("999.1.1.1") != std::string::npos);
}

TEST_CASE("range sizes saturate at the limit") {
  auto all6 = target("::/0");
  CHECK(!range_size(all6.first, all6.last, 1u << 20));
  auto big = target("10.0.0.0/8");
  CHECK(!range_size(big.first, big.last, 1u << 20));
  CHECK(*range_size(big.first, big.last, 1u << 24) == (1u << 24));
}

TEST_CASE("scan ports: lists, ranges, open ends and all") {
  CHECK(ports("22,80,8000-8002") == std::vector<std::uint16_t>{22, 80, 8000, 8001, 8002});
  CHECK(ports("80,22,80") == std::vector<std::uint16_t>{22, 80});
  CHECK(ports("-").size() == 65535);
  CHECK(ports("65530-").size() == 6);
  CHECK(ports("-3") == std::vector<std::uint16_t>{1, 2, 3});
}

TEST_CASE("scan ports: service names come from the services database") {
  auto ssh = service_port("ssh");
  if (!ssh) return;  // no /etc/services here
  CHECK(*ssh == 22);
  CHECK(ports("ssh,http") == std::vector<std::uint16_t>{22, 80});
  CHECK(service_name(22) == "ssh");
}

TEST_CASE("scan ports: malformed lists are refused naming the item") {
  for (const char* bad : {"", "0", "65536", "1-70000", "80,", ",80", "x?y", "9-3", "no-such-svc"}) {
    std::string message;
    CHECK_MESSAGE(!parse_scan_ports(bad, message), bad);
    CHECK(!message.empty());
  }
  std::string message;
  parse_scan_ports("22,9-3", message);
  CHECK(message == "invalid port '9-3' in '22,9-3': empty range: it ends before it starts");
}

TEST_CASE("the curated top ports are unique and valid") {
  std::set<std::uint16_t> seen(top_ports().begin(), top_ports().end());
  CHECK(seen.size() == top_ports().size());
  CHECK(top_ports().size() >= 100);
  CHECK(top_ports().front() == 80);
  CHECK(!seen.contains(0));
}

TEST_CASE("the scan permutation is a bijection fixed by its seed") {
  for (std::uint64_t n : {1ull, 2ull, 7ull, 100ull, 65535ull, 65536ull}) {
    scan_permutation p(n, 42);
    std::vector<bool> hit(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto v = p(i);
      REQUIRE(v < n);
      CHECK(!hit[v]);
      hit[v] = true;
    }
  }
  scan_permutation a(1000, 7), b(1000, 7), c(1000, 8);
  bool differs = false;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    CHECK(a(i) == b(i));
    differs = differs || a(i) != c(i);
  }
  CHECK(differs);
}

TEST_CASE("shards cover every probe exactly once") {
  const std::uint64_t n = 1000;
  scan_permutation p(n, 1);
  std::vector<int> owner(n, 0);
  for (int shard = 1; shard <= 3; ++shard)
    for (std::uint64_t pos = shard - 1; pos < n; pos += 3) owner[p(pos)] += 1;
  for (auto o : owner) CHECK(o == 1);
}

TEST_CASE("shard syntax is I/N with 1 <= I <= N") {
  int i = 0, n = 0;
  std::string message;
  CHECK(parse_shard("2/4", i, n, message));
  CHECK(i == 2);
  CHECK(n == 4);
  for (const char* bad : {"0/4", "5/4", "1/0", "1", "a/b", "1/", "/2", "-1/2"})
    CHECK_MESSAGE(!parse_shard(bad, i, n, message), bad);
}

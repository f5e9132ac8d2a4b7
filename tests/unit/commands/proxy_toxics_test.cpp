#include <doctest/doctest.h>

#include <chrono>

#include "commands/proxy/toxics.hpp"

using namespace commands::proxy;
using namespace std::chrono_literals;

namespace {

toxic make(std::string type, const char* attributes, std::string stream = "downstream") {
  toxic t;
  t.name = type + "_" + stream;
  t.type = type;
  t.stream = stream;
  t.attributes = *toxic_defaults(type);
  auto why = set_attributes(t, nlohmann::json::parse(attributes));
  REQUIRE_MESSAGE(!why, *why);
  return t;
}

}  // namespace

TEST_CASE("toxics: latency is toxiproxy's latency ± jitter, on the toxic's stream") {
  auto f = toxic_faults(make("latency", R"({"latency":100,"jitter":10})"), 2s);
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == net::fault_kind::latency);
  CHECK(f[0].latency == 90ms);
  CHECK(f[0].jitter == 20ms);
  CHECK(f[0].direction == "down");
  CHECK(f[0].at == 2s);
  auto up = toxic_faults(make("latency", R"({"latency":5,"jitter":50})", "upstream"), 0s);
  CHECK(up[0].direction == "up");
  CHECK(up[0].latency == 0ms);  // never below zero
  CHECK(up[0].jitter == 55ms);
}

TEST_CASE("toxics: bandwidth, slow_close, slicer and the byte limits") {
  auto bw = toxic_faults(make("bandwidth", R"({"rate":100})"), 0s);
  REQUIRE(bw.size() == 1);
  CHECK(bw[0].bandwidth == 100000);
  CHECK(toxic_faults(make("bandwidth", R"({"rate":0})"), 0s).empty());  // 0: no limit

  auto sc = toxic_faults(make("slow_close", R"({"delay":250})"), 0s);
  CHECK(sc[0].kind == net::fault_kind::slow_close);
  CHECK(sc[0].latency == 250ms);

  auto sl =
      toxic_faults(make("slicer", R"({"average_size":8,"size_variation":3,"delay":150})"), 0s);
  CHECK(sl[0].slice_size == 8);
  CHECK(sl[0].slice_variation == 3);
  CHECK(sl[0].slice_delay == 150us);

  auto limit = toxic_faults(make("limit_data", R"({"bytes":5})"), 0s);
  CHECK(limit[0].kind == net::fault_kind::reset);
  CHECK(limit[0].after_bytes == 5u);
  CHECK(limit[0].graceful);
  auto reset = toxic_faults(make("reset_after", R"({"bytes":5})"), 0s);
  CHECK_FALSE(reset[0].graceful);
}

TEST_CASE("toxics: timeout blocks, then closes; reset_peer resets, timed from each connection") {
  auto t = toxic_faults(make("timeout", R"({"timeout":300})", "upstream"), 1s);
  REQUIRE(t.size() == 2);
  CHECK(t[0].kind == net::fault_kind::blackhole);
  CHECK(t[0].direction == "up");
  CHECK(t[1].kind == net::fault_kind::reset);
  CHECK(t[1].graceful);
  CHECK(t[1].after == 300ms);
  CHECK(toxic_faults(make("timeout", R"({"timeout":0})"), 0s).size() == 1);  // held for ever

  auto r = toxic_faults(make("reset_peer", R"({"timeout":0})"), 0s);
  REQUIRE(r.size() == 1);
  CHECK(r[0].after == 0ms);
  CHECK_FALSE(r[0].graceful);
}

TEST_CASE("toxics: toxicity is each connection's chance; attributes are checked") {
  auto t = make("latency", R"({"latency":1})");
  t.toxicity = 0.25;
  CHECK(toxic_faults(t, 0s)[0].probability == 0.25);

  toxic bad = make("latency", "{}");
  CHECK(set_attributes(bad, nlohmann::json::parse(R"({"latency":1.5})")) ==
        "bad request body: attribute 'latency' must be a whole number, 0 or more");
  CHECK(set_attributes(bad, nlohmann::json::parse(R"({"latency":"1"})")).has_value());
  CHECK(set_attributes(bad, nlohmann::json::parse(R"({"latency":999999999999})")).has_value());
  CHECK(set_attributes(bad, nlohmann::json::parse("[1]")) ==
        "bad request body: attributes must be an object");
  CHECK(bad.attributes == nlohmann::ordered_json::parse(R"({"latency":0,"jitter":0})"));
  // Unknown attributes are ignored, as toxiproxy ignores them.
  CHECK_FALSE(set_attributes(bad, nlohmann::json::parse(R"({"latency":7,"colour":"red"})")));
  CHECK(bad.attributes["latency"] == 7);

  toxic loss = make("loss", R"({"rate":0.5})");
  CHECK(toxic_faults(loss, 0s)[0].rate == 0.5);
  CHECK(set_attributes(loss, nlohmann::json::parse(R"({"rate":2})")).has_value());
  CHECK_FALSE(toxic_defaults("earthquake"));
}

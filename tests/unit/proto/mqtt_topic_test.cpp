// MQTT topic names and filters (what PUBLISH and SUBSCRIBE may carry) and how a filter matches a
// topic, on the examples of section 4.7 of the 3.1.1 and 5.0 specifications.
#include <doctest/doctest.h>

#include <string>

#include "proto/mqtt/packet.hpp"

namespace mqtt = proto::mqtt;

TEST_CASE("mqtt topic names and filters") {
  struct row {
    const char* topic;
    bool name;    // valid as a topic name
    bool filter;  // valid as a topic filter
  };
  const row rows[] = {
      {"sport/tennis/player1", true, true},
      {"/", true, true},
      {"/finance", true, true},
      {"$SYS/monitor", true, true},
      {"caf\xc3\xa9", true, true},
      {"a b", true, true},
      {"#", false, true},
      {"sport/#", false, true},
      {"sport/tennis/#", false, true},
      {"+", false, true},
      {"+/tennis/#", false, true},
      {"sport/+/player1", false, true},
      {"/+", false, true},
      {"sport/tennis#", false, false},
      {"sport/tennis/#/ranking", false, false},
      {"sport+", false, false},
      {"sport/+x", false, false},
      {"##", false, false},
      {"", false, false},
      {"a\xff", false, false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.topic);
    CHECK(mqtt::valid_topic_name(r.topic) == r.name);
    CHECK(mqtt::valid_topic_filter(r.topic) == r.filter);
  }
  CHECK(!mqtt::valid_topic_name(std::string("a\0b", 3)));
  CHECK(mqtt::valid_topic_name(std::string(65535, 'a')));
  CHECK(!mqtt::valid_topic_name(std::string(65536, 'a')));
}

TEST_CASE("mqtt filters match topics level by level, and wildcards skip $ topics") {
  struct row {
    const char* filter;
    const char* topic;
    bool matches;
  };
  const row rows[] = {
      {"sport/tennis/player1/#", "sport/tennis/player1", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
      {"sport/tennis/player1/#", "sport/tennis/player2", false},
      {"sport/#", "sport", true},
      {"#", "sport/tennis", true},
      {"#", "/", true},
      {"sport/tennis/+", "sport/tennis/player1", true},
      {"sport/tennis/+", "sport/tennis/player1/ranking", false},
      {"sport/+", "sport", false},
      {"sport/+", "sport/", true},
      {"+/+", "/finance", true},
      {"/+", "/finance", true},
      {"+", "/finance", false},
      {"+", "finance", true},
      {"+/#", "a", true},
      {"a/b", "a/b", true},
      {"a/b", "a/b/", false},
      {"a/b/", "a/b", false},
      {"A", "a", false},
      {"#", "$SYS/monitor/Clients", false},
      {"+/monitor/Clients", "$SYS/monitor/Clients", false},
      {"$SYS/#", "$SYS/monitor/Clients", true},
      {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
      {"a/#", "$a", false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.filter);
    CAPTURE(r.topic);
    CHECK(mqtt::topic_matches(r.filter, r.topic) == r.matches);
  }
}

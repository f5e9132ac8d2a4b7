// Fuzzes MQTT from a peer. The first byte chooses the version the parser starts at (its low bit:
// 3.1.1 or 5.0) and where the rest is cut in two; the rest is the byte stream, switching to 5.0
// after a CONNECT of level 5 as a server does. No crash; the same packets and outcome as when the
// stream comes whole; the parser holds no more than its limit allows; every packet read is
// written out in its version and read back the same, and written again as the same bytes; topics
// and filters read are checked and matched against themselves.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "proto/mqtt/packet.hpp"

namespace mqtt = proto::mqtt;

namespace {

constexpr std::size_t small = 1024;

struct read_packet {
  mqtt::packet p;
  int version;  // the parser's version when it was read
};

struct outcome {
  std::vector<read_packet> packets;
  mqtt::fault failure = mqtt::fault::none;
};

void drain(mqtt::parser& p, outcome& out) {
  while (auto pk = p.next()) {
    const int version = pk->type == mqtt::packet_type::connect ? pk->protocol_level : p.version();
    if (pk->type == mqtt::packet_type::connect) p.set_version(pk->protocol_level);
    out.packets.push_back({std::move(*pk), version});
  }
  if (p.failure() == mqtt::fault::none && p.pending() >= 5 + small) std::abort();
  if (p.failure() != mqtt::fault::none && p.pending() != 0) std::abort();
}

outcome read(int version, std::string_view first, std::string_view second) {
  mqtt::parser p(version, small);
  outcome out;
  p.feed(first);
  drain(p, out);
  p.feed(second);
  drain(p, out);
  out.failure = p.failure();
  return out;
}

bool same(const outcome& a, const outcome& b) {
  if (a.failure != b.failure || a.packets.size() != b.packets.size()) return false;
  for (std::size_t i = 0; i < a.packets.size(); ++i)
    if (!(a.packets[i].p == b.packets[i].p) || a.packets[i].version != b.packets[i].version)
      return false;
  return true;
}

void round_trip(const read_packet& r) {
  const std::string bytes = mqtt::write(r.p, r.version);
  // Written with the default limit: a packet written back can be longer than the one read
  // (a 5.0 acknowledgement's long form of success is written short, but nothing grows past
  // 1 MiB from 1 KiB).
  mqtt::parser p(r.version);
  p.feed(bytes);
  auto back = p.next();
  if (!back || !(*back == r.p) || p.next() || p.failure() != mqtt::fault::none || p.pending() != 0)
    std::abort();
  if (mqtt::write(*back, r.version) != bytes) std::abort();
}

void check_topic(std::string_view t) {
  const bool name = mqtt::valid_topic_name(t), filter = mqtt::valid_topic_filter(t);
  if (name && !filter) std::abort();
  if (name && !mqtt::topic_matches(t, t)) std::abort();
  if (name && t.front() != '$' && !mqtt::topic_matches("#", t)) std::abort();
  if (name && t.front() == '$' && mqtt::topic_matches("#", t)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int version = (data[0] & 1) ? 5 : 4;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t cut = (data[0] >> 1) % (in.size() + 1);
  auto split = read(version, in.substr(0, cut), in.substr(cut));
  auto whole = read(version, in, {});
  if (!same(split, whole)) std::abort();
  for (const auto& r : whole.packets) {
    round_trip(r);
    if (!r.p.topic.empty()) check_topic(r.p.topic);
    for (const auto& s : r.p.subscriptions) check_topic(s.filter);
    for (const auto& f : r.p.filters) check_topic(f);
    if (r.p.will) check_topic(r.p.will->topic);
  }
  check_topic(in.substr(0, 64));
  return 0;
}

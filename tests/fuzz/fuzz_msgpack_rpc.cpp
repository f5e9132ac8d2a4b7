// Fuzzes MessagePack-RPC from a peer: the input as a byte stream in two pieces, cut where its
// first byte says. No crash and no exception; the same messages, skips and outcome as when the
// input comes whole; every message read is written out and read back as the same kind, id and
// method, and written again as the same bytes; the decoder never holds more than its limit allows.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "proto/msgpack_rpc/codec.hpp"

namespace rpc = proto::msgpack_rpc;

namespace {

constexpr std::size_t max_message = 1024;
constexpr std::size_t max_depth = 32;

struct outcome {
  std::vector<rpc::message> messages;
  std::size_t skipped = 0;
  rpc::fault failure = rpc::fault::none;
};

void drain(rpc::decoder& d, outcome& out) {
  while (auto m = d.next()) out.messages.push_back(std::move(*m));
  // What waits is one partial value (no more than the limit, plus one) and nothing else.
  if (d.error().empty() && d.pending() > max_message) std::abort();
  if (d.error().empty() != (d.failure() == rpc::fault::none)) std::abort();
  out.skipped += d.skipped().size();
  d.skipped().clear();
}

outcome read(std::string_view first, std::string_view second) {
  rpc::decoder d(max_message, max_depth);
  outcome out;
  d.feed(first);
  drain(d, out);
  d.feed(second);
  drain(d, out);
  out.skipped += d.skipped_uncounted();
  out.failure = d.failure();
  return out;
}

void round_trip(const rpc::message& m) {
  const std::string bytes = rpc::encode(m);
  // Written out, a message can grow (float32 as float64, a key as its JSON text); the limits
  // here are the defaults, not the fuzzed ones.
  rpc::decoder d;
  d.feed(bytes);
  auto back = d.next();
  if (!back || back->type != m.type || back->id != m.id || back->method != m.method) std::abort();
  if (!d.error().empty() || !d.skipped().empty() || d.pending() != 0 || d.next()) std::abort();
  if (rpc::encode(*back) != bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  auto split = read(in.substr(0, cut), in.substr(cut));
  auto whole = read(in, {});
  if (split.messages.size() != whole.messages.size() || split.skipped != whole.skipped ||
      split.failure != whole.failure)
    std::abort();
  for (std::size_t i = 0; i < split.messages.size(); ++i) {
    const auto& a = split.messages[i];
    const auto& b = whole.messages[i];
    if (a.type != b.type || a.id != b.id || a.method != b.method) std::abort();
    round_trip(a);
  }
  rpc::unpack_one(in, max_message, max_depth);
  return 0;
}

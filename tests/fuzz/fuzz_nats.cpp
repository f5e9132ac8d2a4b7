// Fuzzes the NATS client protocol from a peer: the input as a byte stream in two pieces, cut where
// its first byte says. No crash; the same operations and outcome as when the input comes whole;
// the parser holds no more than its limits allow; every operation read is written out and read
// back the same, and written again as the same bytes; header blocks that parse are written and
// parsed back the same; subjects read are checked and matched against themselves.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "proto/nats/protocol.hpp"

namespace nats = proto::nats;

namespace {

constexpr nats::limits small{.max_control_line = 256, .max_payload = 1024};

struct outcome {
  std::vector<nats::operation> ops;
  nats::fault failure = nats::fault::none;
};

void drain(nats::parser& p, outcome& out) {
  while (auto op = p.next()) out.ops.push_back(std::move(*op));
  if (p.failure() == nats::fault::none &&
      p.pending() > small.max_control_line + 2 + small.max_payload + 2)
    std::abort();
  if (p.failure() != nats::fault::none && p.pending() != 0) std::abort();
}

outcome read(std::string_view first, std::string_view second) {
  nats::parser p(small);
  outcome out;
  p.feed(first);
  drain(p, out);
  p.feed(second);
  drain(p, out);
  out.failure = p.failure();
  return out;
}

void round_trip(const nats::operation& op) {
  std::string bytes;
  nats::write(op, bytes);
  // Written with the defaults: a line written back can be a little longer than the one read.
  nats::parser p;
  p.feed(bytes);
  auto back = p.next();
  if (!back || !(*back == op) || p.next() || p.failure() != nats::fault::none || p.pending() != 0)
    std::abort();
  std::string again;
  nats::write(*back, again);
  if (again != bytes) std::abort();
}

void check_headers(std::string_view block) {
  auto h = nats::parse_headers(block);
  if (!h) return;
  auto back = nats::parse_headers(nats::write_headers(*h));
  if (!back || !(*back == *h)) std::abort();
}

void check_subject(const std::string& s) {
  const bool literal = nats::valid_subject(s, false);
  const bool pattern = nats::valid_subject(s, true);
  if (literal && !pattern) std::abort();
  if (literal && (!nats::subject_matches(s, s) || !nats::subject_matches(">", s))) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  auto split = read(in.substr(0, cut), in.substr(cut));
  auto whole = read(in, {});
  if (split.failure != whole.failure || !(split.ops == whole.ops)) std::abort();
  for (const auto& op : whole.ops) {
    round_trip(op);
    if (!op.headers.empty()) check_headers(op.headers);
    if (!op.subject.empty()) check_subject(op.subject);
    if (!op.reply.empty()) check_subject(op.reply);
  }
  check_headers(in);
  return 0;
}

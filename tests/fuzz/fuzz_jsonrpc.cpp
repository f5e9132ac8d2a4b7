// Fuzzes JSON-RPC 2.0 from a peer: the input as one text (a message or a batch) and as a byte
// stream in both framings. No crash; every request or response read is written out and read back
// as the same kind with the same id; an error is owed exactly when the text is not JSON or an
// empty batch; the deframers never hand out more than their limit and give the same bodies
// however the bytes are split.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "proto/jsonrpc/framing.hpp"
#include "proto/jsonrpc/message.hpp"

namespace rpc = proto::jsonrpc;

namespace {

void round_trip(const rpc::message& m) {
  if (auto* r = std::get_if<rpc::request>(&m)) {
    auto back = rpc::decode(rpc::dump(rpc::to_json(*r)));
    if (back.messages.size() != 1) std::abort();
    auto* again = std::get_if<rpc::request>(&back.messages[0]);
    if (!again || again->id.has_value() != r->id.has_value()) std::abort();
    // A name in UTF-8 comes back as it went; other bytes come back replaced.
    if (core::valid_utf8(r->method) == r->method && again->method != r->method) std::abort();
  } else if (auto* s = std::get_if<rpc::response>(&m)) {
    auto back = rpc::decode(rpc::dump(rpc::to_json(*s)));
    auto* again = back.messages.empty() ? nullptr : std::get_if<rpc::response>(&back.messages[0]);
    if (!again || again->failure.has_value() != s->failure.has_value()) std::abort();
    if (!rpc::valid_id(again->id)) std::abort();
  } else {
    const auto& reply = std::get<rpc::invalid>(m).reply;
    if (!reply.failure || reply.failure->code != rpc::invalid_request || !rpc::valid_id(reply.id))
      std::abort();
    rpc::dump(rpc::to_json(reply));
  }
}

std::vector<std::string> bodies(rpc::framing f, std::string_view data, std::size_t step) {
  rpc::deframer d(f, 1024);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < data.size(); i += step) {
    d.feed(data.substr(i, step));
    while (auto b = d.next()) {
      if (b->size() > 1024) std::abort();
      out.push_back(std::move(*b));
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto in = rpc::decode(text, 64);
  if (in.whole) {
    if (!in.messages.empty() || !in.whole->failure) std::abort();
  } else {
    if (in.messages.empty() || (!in.batch && in.messages.size() != 1)) std::abort();
    for (const auto& m : in.messages) round_trip(m);
  }
  for (auto f : {rpc::framing::ndjson, rpc::framing::lsp}) {
    auto whole = bodies(f, text, size ? size : 1);
    auto bytewise = bodies(f, text, 1);
    // Split finer, a stream can only fail sooner (a limit seen before a boundary), never differ.
    if (bytewise.size() > whole.size()) std::abort();
    for (std::size_t i = 0; i < bytewise.size(); ++i)
      if (bytewise[i] != whole[i]) std::abort();
    for (const auto& b : whole) rpc::decode(b, 64);
  }
  return 0;
}

// Fuzzes the HTTP/1.1 request parser: no crash; the same bytes give the same requests and the
// same error whether fed whole, in two pieces or byte by byte; errors carry a status a server can
// send; and every parsed request, serialised and parsed again, comes back the same.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http1/parser.hpp"

namespace {

struct outcome {
  std::vector<proto::request> requests;
  std::optional<proto::http_error> error;
  bool paused = false;
  std::string rest;
};

bool same(const proto::request& a, const proto::request& b) {
  return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query &&
         a.version_minor == b.version_minor && a.headers.fields() == b.headers.fields() &&
         a.body == b.body;
}

bool same(const outcome& a, const outcome& b) {
  if (a.requests.size() != b.requests.size() || a.paused != b.paused || a.rest != b.rest)
    return false;
  for (std::size_t i = 0; i < a.requests.size(); ++i)
    if (!same(a.requests[i], b.requests[i])) return false;
  if (a.error.has_value() != b.error.has_value()) return false;
  return !a.error || (a.error->status == b.error->status && a.error->message == b.error->message);
}

outcome run(const std::vector<std::string_view>& pieces, const proto::http_limits& limits) {
  proto::request_parser p(limits);
  outcome out;
  for (auto piece : pieces) {
    p.feed(piece);
    if (out.paused) continue;
    for (auto ev = p.poll(); ev != proto::http_event::need_more; ev = p.poll()) {
      if (ev == proto::http_event::message) {
        out.requests.push_back(p.take());
      } else if (ev == proto::http_event::error) {
        out.error = p.error();
        return out;
      } else if (ev == proto::http_event::paused) {
        out.paused = true;
        break;
      }
    }
  }
  if (out.paused) out.rest = p.take_buffered();
  return out;
}

proto::header_list without_framing(const proto::header_list& h) {
  proto::header_list out;
  for (const auto& [name, value] : h.fields())
    if (!proto::iequals(name, "Content-Length") && !proto::iequals(name, "Transfer-Encoding"))
      out.add(name, value);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first byte picks the options below; the rest is the stream.
  if (size == 0) return 0;
  std::uint8_t knob = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  size = text.size();
  // Small limits, so the fuzzer reaches them.
  proto::http_limits limits;
  if (knob & 1) {
    limits.max_start_line = 64;
    limits.max_header_bytes = 128;
    limits.max_headers = 4;
    limits.max_body = 32;
    limits.max_chunk_line = 16;
  }
  std::size_t cut = (knob * 131u) % (size + 1);
  auto whole = run({text}, limits);
  if (!same(whole, run({text.substr(0, cut), text.substr(cut)}, limits))) std::abort();
  if (size <= 2048) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < size; ++i) bytes.push_back(text.substr(i, 1));
    if (!same(whole, run(bytes, limits))) std::abort();
  }
  if (whole.error) {
    int s = whole.error->status;
    if (s != 400 && s != 413 && s != 414 && s != 431 && s != 501 && s != 505) std::abort();
    if (whole.error->message.empty()) std::abort();
  }
  for (const auto& r : whole.requests) {
    if (r.body.size() > limits.max_body || r.method.empty() || r.target.empty()) std::abort();
    // The serialiser adds a Content-Length the original may not have had: leave room for it.
    auto roomy = limits;
    roomy.max_headers += 1;
    roomy.max_header_bytes += 64;
    auto again = run({proto::serialize_request(r)}, roomy);
    if (again.error || again.requests.size() != 1) std::abort();
    auto a = r, b = again.requests[0];
    a.headers = without_framing(a.headers);
    b.headers = without_framing(b.headers);
    if (!same(a, b)) std::abort();
  }
  return 0;
}

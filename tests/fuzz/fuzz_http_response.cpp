// Fuzzes the HTTP/1.1 response parser: no crash; the same bytes give the same responses whether
// fed whole, in two pieces or byte by byte; every error is a 502; interim responses never come
// out; bodyless responses have no body; and a response serialised and parsed again comes back
// with the same status, fields and body.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http1/parser.hpp"

namespace {

struct outcome {
  std::vector<proto::response> responses;
  std::optional<proto::http_error> error;
  bool paused = false, ended = false;
};

bool same(const proto::response& a, const proto::response& b) {
  return a.status == b.status && a.reason == b.reason && a.headers.fields() == b.headers.fields() &&
         a.body == b.body;
}

bool same(const outcome& a, const outcome& b) {
  if (a.responses.size() != b.responses.size() || a.paused != b.paused || a.ended != b.ended)
    return false;
  for (std::size_t i = 0; i < a.responses.size(); ++i)
    if (!same(a.responses[i], b.responses[i])) return false;
  if (a.error.has_value() != b.error.has_value()) return false;
  return !a.error || a.error->message == b.error->message;
}

outcome run(const std::vector<std::string_view>& pieces, std::string_view method, bool eof,
            const proto::http_limits& limits) {
  proto::response_parser p(limits);
  p.set_request_method(method);
  outcome out;
  auto drain = [&] {
    for (auto ev = p.poll(); ev != proto::http_event::need_more; ev = p.poll()) {
      if (ev == proto::http_event::message) {
        out.responses.push_back(p.take());
      } else {
        out.error = ev == proto::http_event::error ? std::optional(p.error()) : std::nullopt;
        out.paused = ev == proto::http_event::paused;
        out.ended = ev == proto::http_event::end;
        return false;
      }
    }
    return true;
  };
  for (auto piece : pieces) {
    p.feed(piece);
    if (!drain()) return out;
  }
  if (eof) {
    p.feed_eof();
    drain();
  }
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
  static constexpr std::string_view methods[] = {"GET", "HEAD", "CONNECT", "POST"};
  auto method = methods[knob & 3];
  bool eof = knob & 4;
  proto::http_limits limits;
  if (knob & 8) {
    limits.max_start_line = 64;
    limits.max_header_bytes = 128;
    limits.max_headers = 4;
    limits.max_body = 32;
    limits.max_chunk_line = 16;
  }
  std::size_t cut = (knob * 131u) % (size + 1);
  auto whole = run({text}, method, eof, limits);
  if (!same(whole, run({text.substr(0, cut), text.substr(cut)}, method, eof, limits))) std::abort();
  if (size <= 2048) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < size; ++i) bytes.push_back(text.substr(i, 1));
    if (!same(whole, run(bytes, method, eof, limits))) std::abort();
  }
  if (whole.error && (whole.error->status != 502 || whole.error->message.empty())) std::abort();
  for (const auto& r : whole.responses) {
    if (r.status < 200 && r.status != 101) std::abort();
    if (r.status > 599 || r.body.size() > limits.max_body) std::abort();
    bool bodyless = method == "HEAD" || r.status == 204 || r.status == 304 || r.status == 101;
    if (bodyless && !r.body.empty()) std::abort();
    auto roomy = limits;
    roomy.max_headers += 1;
    roomy.max_header_bytes += 64;
    auto again = run({proto::serialize_response(r)}, "GET", false, roomy);
    if (again.error || again.responses.size() != 1) std::abort();
    const auto& b = again.responses[0];
    if (b.status != r.status || b.body != r.body) std::abort();
    if (!r.reason.empty() && b.reason != r.reason) std::abort();
    if (without_framing(r.headers).fields() != without_framing(b.headers).fields()) std::abort();
  }
  return 0;
}

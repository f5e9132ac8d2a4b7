// Fuzzes both sides of the WebSocket opening handshake on the same bytes: read as a client's
// requests, each is judged by the server (accept_upgrade, and the Origin check that comes
// with it); read as a server's response, it is judged by a client that sent an upgrade request
// of its own (check_upgrade_response). No crash; a server that accepts answers 101 with the
// Accept value of the one key the client sent and a subprotocol both speak; a refusal is a 400,
// or a 426 naming version 13; a client accepts only a 101 answering its own key; and the two
// sides agree: a client accepts what a server answers to that client's request.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "commands/serve/ws/origin.hpp"
#include "core/base64.hpp"
#include "proto/http1/parser.hpp"
#include "proto/ws/handshake.hpp"

namespace ws = proto::ws;

namespace {

const std::string server_speaks[] = {"chat.v2", "chat.v1"};
const std::string client_offers[] = {"chat.v1", "chat.v2", "x"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Every comma-separated item of every field `name`, trimmed, empty ones left out.
std::vector<std::string> items(const proto::header_list& h, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : h.fields()) {
    if (!proto::iequals(k, name)) continue;
    std::size_t start = 0;
    while (start <= v.size()) {
      auto comma = v.find(',', start);
      auto end = comma == std::string::npos ? v.size() : comma;
      auto item = trim(std::string_view(v).substr(start, end - start));
      if (!item.empty()) out.emplace_back(item);
      start = end + 1;
    }
  }
  return out;
}

void server_side(const proto::request& req) {
  auto verdict = ws::accept_upgrade(req, server_speaks);
  if (!verdict.ok) {
    if (verdict.reply.status == 426) {
      if (verdict.reply.headers.get("Sec-WebSocket-Version") != "13") std::abort();
    } else if (verdict.reply.status != 400) {
      std::abort();
    }
    if (verdict.reply.body.empty()) std::abort();
    return;
  }
  if (req.method != "GET" || req.version_minor != 1 || verdict.reply.status != 101) std::abort();
  auto keys = items(req.headers, "Sec-WebSocket-Key");
  if (keys.size() != 1) std::abort();
  auto nonce = core::base64_decode(keys[0]);
  if (!nonce || nonce->size() != 16) std::abort();
  if (verdict.reply.headers.get("Sec-WebSocket-Accept") != ws::accept_key(keys[0])) std::abort();
  auto offered = items(req.headers, "Sec-WebSocket-Protocol");
  if (!verdict.protocol.empty()) {
    if (std::find(std::begin(server_speaks), std::end(server_speaks), verdict.protocol) ==
            std::end(server_speaks) ||
        std::find(offered.begin(), offered.end(), verdict.protocol) == offered.end())
      std::abort();
    if (verdict.reply.headers.get("Sec-WebSocket-Protocol") != verdict.protocol) std::abort();
  } else {
    for (const auto& mine : server_speaks)
      if (std::find(offered.begin(), offered.end(), mine) != offered.end()) std::abort();
  }
}

void origin_check(const proto::request& req) {
  auto origin = req.headers.get("Origin").value_or("");
  auto host = req.headers.get("Host").value_or("");
  static const std::vector<std::string> allowed = {"https://app.example:443"};
  bool ok = commands::origin_allowed(origin, host, allowed);
  if (origin.empty() && !ok) std::abort();
  auto normal = commands::normal_origin(origin);
  if (normal) {
    // Normal forms are fixed points, lowercase, with an explicit port.
    if (commands::normal_origin(*normal) != normal) std::abort();
    if (std::any_of(normal->begin(), normal->end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
      std::abort();
    if (*normal == allowed[0] && !ok) std::abort();
  } else if (ok && !origin.empty()) {
    std::abort();  // what is not an origin is never admitted
  }
}

void client_side(std::string_view text, const std::array<std::uint8_t, 16>& nonce) {
  auto req = ws::make_upgrade_request("example.com:8080", "/chat?room=1", nonce, client_offers);
  // The server's answer to this very request must satisfy the client.
  auto answer = ws::accept_upgrade(req, server_speaks);
  if (!answer.ok) std::abort();
  auto agreed = ws::check_upgrade_response(req, answer.reply);
  if (!agreed.ok || agreed.protocol != answer.protocol) std::abort();

  proto::response_parser p;
  p.feed(text);
  p.feed_eof();
  auto ev = p.poll();
  while (ev == proto::http_event::head) ev = p.poll();
  if (ev != proto::http_event::message) return;
  auto resp = p.take();
  auto verdict = ws::check_upgrade_response(req, resp);
  if (!verdict.ok) {
    if (verdict.error.empty()) std::abort();
    return;
  }
  if (resp.status != 101) std::abort();
  auto accept = items(resp.headers, "Sec-WebSocket-Accept");
  auto key = req.headers.get("Sec-WebSocket-Key");
  if (accept.size() != 1 || !key || accept[0] != ws::accept_key(*key)) std::abort();
  if (!verdict.protocol.empty() && std::find(std::begin(client_offers), std::end(client_offers),
                                             verdict.protocol) == std::end(client_offers))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  proto::request_parser p;
  p.feed(text);
  for (int n = 0; n < 8; ++n) {
    auto ev = p.poll();
    if (ev == proto::http_event::paused) {
      p.resume();
      continue;
    }
    if (ev != proto::http_event::message && ev != proto::http_event::head) break;
    if (ev == proto::http_event::head) continue;
    auto req = p.take();
    server_side(req);
    origin_check(req);
  }
  std::array<std::uint8_t, 16> nonce{};
  for (std::size_t i = 0; i < nonce.size() && i < size; ++i) nonce[i] = data[size - 1 - i];
  client_side(text, nonce);
  return 0;
}

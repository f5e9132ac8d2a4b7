// The WebSocket opening handshake. SHA-1 comes from OpenSSL's libcrypto.
#include "proto/ws/handshake.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/base64.hpp"

namespace proto::ws {

namespace {

constexpr std::string_view handshake_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// 16 bytes in canonical base64 (RFC 6455 §4.1): "dGhlIHNhbXBsZSBub25jZU==" carries stray bits in
// its last character and is no key.
bool is_key(std::string_view k) {
  auto nonce = core::base64_decode(k);
  return nonce && nonce->size() == 16;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The items of every field named `name`, split on commas: Sec-WebSocket-Protocol may be sent as
// one list or as several fields.
std::vector<std::string_view> list_items(const header_list& h, std::string_view name) {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : h.fields()) {
    if (!iequals(n, name)) continue;
    std::string_view rest = v;
    for (;;) {
      auto comma = rest.find(',');
      auto item = trim(rest.substr(0, comma));
      if (!item.empty()) out.push_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

server_handshake refuse(int status, std::string_view why) {
  server_handshake h;
  h.reply.status = status;
  h.reply.headers.add("Content-Type", "text/plain; charset=utf-8");
  if (status == 426) h.reply.headers.add("Sec-WebSocket-Version", "13");
  h.reply.body = fmt::format("{}\n", why);
  return h;
}

}  // namespace

std::string accept_key(std::string_view client_key) {
  std::string input(client_key);
  input += handshake_guid;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha1(), nullptr);
  return core::base64_encode({reinterpret_cast<const char*>(digest), size});
}

server_handshake accept_upgrade(const request& req, std::span<const std::string> server_protocols) {
  const auto& h = req.headers;
  if (req.method != "GET") return refuse(400, "a websocket handshake is a GET request");
  if (req.version_minor != 1) return refuse(400, "a websocket handshake needs HTTP/1.1");
  if (!h.has_token("Upgrade", "websocket")) return refuse(400, "missing upgrade: websocket");
  if (!h.has_token("Connection", "upgrade")) return refuse(400, "missing connection: upgrade");
  auto version = h.get("Sec-WebSocket-Version");
  if (!version || trim(*version) != "13") return refuse(426, "unsupported websocket version");
  auto keys = list_items(h, "Sec-WebSocket-Key");
  if (keys.size() != 1 || !is_key(keys.front()))
    return refuse(400, "sec-websocket-key is not 16 bytes in base64");

  server_handshake ok;
  ok.ok = true;
  auto offered = list_items(h, "Sec-WebSocket-Protocol");
  for (const auto& mine : server_protocols) {
    if (std::find(offered.begin(), offered.end(), mine) != offered.end()) {
      ok.protocol = mine;
      break;
    }
  }
  ok.reply.status = 101;
  ok.reply.headers.add("Upgrade", "websocket");
  ok.reply.headers.add("Connection", "Upgrade");
  ok.reply.headers.add("Sec-WebSocket-Accept", accept_key(keys.front()));
  if (!ok.protocol.empty()) ok.reply.headers.add("Sec-WebSocket-Protocol", ok.protocol);
  return ok;
}

request make_upgrade_request(std::string_view host, std::string_view target,
                             const std::array<std::uint8_t, 16>& nonce,
                             std::span<const std::string> protocols, const header_list& extra) {
  request r;
  r.method = "GET";
  r.target = target.empty() ? "/" : std::string(target);
  auto q = r.target.find('?');
  auto raw_path = std::string_view(r.target).substr(0, q);
  r.path = percent_decode(raw_path).value_or(std::string(raw_path));
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  r.version_minor = 1;
  r.headers.add("Host", std::string(host));
  r.headers.add("Upgrade", "websocket");
  r.headers.add("Connection", "Upgrade");
  r.headers.add("Sec-WebSocket-Key",
                core::base64_encode({reinterpret_cast<const char*>(nonce.data()), nonce.size()}));
  r.headers.add("Sec-WebSocket-Version", "13");
  if (!protocols.empty())
    r.headers.add("Sec-WebSocket-Protocol", fmt::format("{}", fmt::join(protocols, ", ")));
  for (const auto& [name, value] : extra.fields()) r.headers.add(name, value);
  return r;
}

client_handshake check_upgrade_response(const request& req, const response& resp) {
  client_handshake out;
  const auto& h = resp.headers;
  auto fail = [&](std::string why) {
    out.error = std::move(why);
    return out;
  };
  if (resp.status != 101) return fail(fmt::format("expected status 101, got {}", resp.status));
  if (!h.has_token("Upgrade", "websocket")) return fail("response lacks upgrade: websocket");
  if (!h.has_token("Connection", "upgrade")) return fail("response lacks connection: upgrade");
  auto key = req.headers.get("Sec-WebSocket-Key");
  // Exactly one value: a second field (a proxy's, a forgery's) makes the answer ambiguous.
  auto accept = list_items(h, "Sec-WebSocket-Accept");
  if (!key || accept.size() != 1 || accept.front() != accept_key(trim(*key)))
    return fail("sec-websocket-accept does not match the key");
  auto chosen = list_items(h, "Sec-WebSocket-Protocol");
  if (chosen.size() > 1) return fail("server chose more than one subprotocol");
  if (!chosen.empty()) {
    auto offered = list_items(req.headers, "Sec-WebSocket-Protocol");
    if (std::find(offered.begin(), offered.end(), chosen.front()) == offered.end())
      return fail(
          fmt::format("server chose subprotocol '{}', which was not offered", chosen.front()));
    out.protocol = chosen.front();
  }
  if (!list_items(h, "Sec-WebSocket-Extensions").empty())
    return fail("server chose an extension, which was not offered");
  out.ok = true;
  return out;
}

}  // namespace proto::ws

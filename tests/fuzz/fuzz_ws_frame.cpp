// Fuzzes the WebSocket frame decoder: no crash; the same bytes give the same events whether fed
// whole, in two pieces or byte by byte; a text message is never invalid UTF-8 (checked against
// a second, deliberately different, UTF-8 check); close and error codes are ones a peer may
// send; nothing follows a close or an error; and every event re-encoded decodes to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "proto/ws/frame.hpp"

namespace ws = proto::ws;

namespace {

// Decodes code points and checks each against the Unicode scalar value range and the shortest
// form for its value, where ws::is_valid_utf8 works from byte ranges.
bool reference_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<std::uint8_t>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (std::size_t k = 1; k < n; ++k) {
      auto d = static_cast<std::uint8_t>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    static constexpr std::uint32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < shortest[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

bool same(const ws::event& a, const ws::event& b) {
  return a.type == b.type && a.code == b.code && a.data == b.data;
}

std::vector<ws::event> run(const std::vector<std::string_view>& pieces, ws::role side,
                           std::size_t max) {
  ws::decoder d(side, max);
  std::vector<ws::event> out;
  for (auto piece : pieces) {
    d.feed(piece);
    while (auto ev = d.next()) out.push_back(std::move(*ev));
  }
  return out;
}

bool same(const std::vector<ws::event>& a, const std::vector<ws::event>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first byte picks the options below; the rest is the stream.
  if (size == 0) return 0;
  std::uint8_t knob = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  size = text.size();
  auto side = knob & 1 ? ws::role::server : ws::role::client;
  std::size_t max = knob & 2 ? 64 : 1 << 20;
  if (ws::is_valid_utf8(text) != reference_utf8(text)) std::abort();

  std::size_t cut = (knob * 131u) % (size + 1);
  auto whole = run({text}, side, max);
  if (!same(whole, run({text.substr(0, cut), text.substr(cut)}, side, max))) std::abort();
  if (size <= 4096) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < size; ++i) bytes.push_back(text.substr(i, 1));
    if (!same(whole, run(bytes, side, max))) std::abort();
  }

  const ws::mask_key key{knob, 0x5a, 0xa5, 0x3c};
  auto mask = [&] { return key; };
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const auto& ev = whole[i];
    bool last = ev.type == ws::event::kind::close || ev.type == ws::event::kind::error;
    if (last && i + 1 != whole.size()) std::abort();
    std::string again;
    switch (ev.type) {
      case ws::event::kind::text:
        if (!reference_utf8(ev.data)) std::abort();
        [[fallthrough]];
      case ws::event::kind::binary:
        if (ev.data.size() > max) std::abort();
        again = ws::encode_message(
            ev.type == ws::event::kind::text ? ws::opcode::text : ws::opcode::binary, ev.data,
            1 + knob % 50,
            side == ws::role::server ? std::function<ws::mask_key()>(mask) : nullptr);
        break;
      case ws::event::kind::ping:
      case ws::event::kind::pong:
        if (ev.data.size() > 125) std::abort();
        again = ws::encode_frame(
            ev.type == ws::event::kind::ping ? ws::opcode::ping : ws::opcode::pong, ev.data, true,
            side == ws::role::server ? std::optional(key) : std::nullopt);
        break;
      case ws::event::kind::close:
        if (ev.code != ws::close_code::no_status && !ws::is_valid_close_code(ev.code)) std::abort();
        if (!reference_utf8(ev.data) || ev.data.size() > 123) std::abort();
        again = ws::encode_close(ev.code, ev.data,
                                 side == ws::role::server ? std::optional(key) : std::nullopt);
        break;
      case ws::event::kind::error:
        if (ev.code != 1002 && ev.code != 1007 && ev.code != 1009) std::abort();
        continue;
    }
    auto back = run({again}, side, max);
    if (back.size() != 1 || !same(back[0], ev)) std::abort();
  }
  return 0;
}

// Fuzzes what a QUIC client reads back from its --session-file: the session record (a PEM block
// of length-prefixed fields) and the 0-RTT transport parameters inside it. The input is read as
// a whole file, and as the parameter bytes alone. No crash; a record that parses writes out and
// parses again to the same fields; parameters are taken in a record exactly when they parse on
// their own (the record adds no check and skips none).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/quic/compat.hpp"
#include "net/quic/session_file.hpp"

namespace {

bool same(const net::quic_session_record& a, const net::quic_session_record& b) {
  return a.server == b.server && a.alpn == b.alpn && a.tls == b.tls && a.params == b.params;
}

void record(std::string_view text) {
  auto r = net::parse_session_record(text);
  if (!r) return;
  auto back = net::parse_session_record(net::write_session_record(*r));
  if (!back || !same(*r, *back)) std::abort();
}

void params(std::string_view bytes) {
  ngtcp2_transport_params p;
  bool alone = net::quic_compat::parse_0rtt_params(bytes, &p);
  if (bytes.size() > 1024) return;  // a record holds at most 1 KiB of parameters
  net::quic_session_record r{.server = "localhost", .alpn = "vitnet", .tls = "t", .params = {}};
  r.params.assign(bytes);
  auto in_record = net::parse_session_record(net::write_session_record(r));
  // Empty parameters mean "no 0-RTT", which a record allows.
  bool want = bytes.empty() || alone;
  if (in_record.has_value() != want) std::abort();
  if (in_record && in_record->params != bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  record(text);
  params(text);
  return 0;
}

// The 0-RTT parameter record of the session file (net/quic/compat.hpp). ngtcp2 1.x encodes it
// itself; with 0.12 the application keeps the fields RFC 9000 7.4.1 names, and this is where.
#include "net/quic/compat.hpp"

#include <array>

namespace net::quic_compat {

namespace {
// The remembered fields, in this order, each as 8 bytes big-endian after a 4-byte tag.
constexpr std::string_view tag = "V0P1";
constexpr std::size_t fields = 8;

void put(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint64_t get(std::string_view in, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}
}  // namespace

#if NGTCP2_VERSION_NUM >= 0x010000
std::string encode_0rtt_params(ngtcp2_conn* c) {
  std::array<std::uint8_t, 256> buf;
  auto n = ngtcp2_conn_encode_0rtt_transport_params(c, buf.data(), buf.size());
  if (n < 0) return {};
  std::string out(tag);
  out.append(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
  return out;
}
bool parse_0rtt_params(std::string_view bytes, ngtcp2_transport_params* out) {
  if (!bytes.starts_with(tag)) return false;
  bytes.remove_prefix(tag.size());
  return ngtcp2_transport_params_decode(out, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                        bytes.size()) == 0;
}
bool set_0rtt_params(ngtcp2_conn* c, std::string_view bytes) {
  if (!bytes.starts_with(tag)) return false;
  bytes.remove_prefix(tag.size());
  return ngtcp2_conn_decode_and_set_0rtt_transport_params(
             c, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0;
}
#else
std::string encode_0rtt_params(ngtcp2_conn* c) {
  const ngtcp2_transport_params* p = ngtcp2_conn_get_remote_transport_params(c);
  if (!p) return {};
  std::string out(tag);
  put(out, p->initial_max_stream_data_bidi_local);
  put(out, p->initial_max_stream_data_bidi_remote);
  put(out, p->initial_max_stream_data_uni);
  put(out, p->initial_max_data);
  put(out, p->initial_max_streams_bidi);
  put(out, p->initial_max_streams_uni);
  put(out, p->active_connection_id_limit);
  put(out, p->max_datagram_frame_size);
  return out;
}
bool parse_0rtt_params(std::string_view bytes, ngtcp2_transport_params* out) {
  if (bytes.size() != tag.size() + 8 * fields || !bytes.starts_with(tag)) return false;
  ngtcp2_transport_params_default(out);
  std::size_t at = tag.size();
  auto next = [&] {
    auto v = get(bytes, at);
    at += 8;
    return v;
  };
  out->initial_max_stream_data_bidi_local = next();
  out->initial_max_stream_data_bidi_remote = next();
  out->initial_max_stream_data_uni = next();
  out->initial_max_data = next();
  out->initial_max_streams_bidi = next();
  out->initial_max_streams_uni = next();
  out->active_connection_id_limit = next();
  out->max_datagram_frame_size = next();
  // Values RFC 9000 does not allow: stream counts above 2^60, a connection-id limit below 2.
  constexpr std::uint64_t max_streams = std::uint64_t{1} << 60;
  if (out->initial_max_streams_bidi > max_streams || out->initial_max_streams_uni > max_streams ||
      out->active_connection_id_limit < 2)
    return false;
  return true;
}
bool set_0rtt_params(ngtcp2_conn* c, std::string_view bytes) {
  ngtcp2_transport_params p;
  if (!parse_0rtt_params(bytes, &p)) return false;
  ngtcp2_conn_set_early_remote_transport_params(c, &p);
  return true;
}
#endif

}  // namespace net::quic_compat

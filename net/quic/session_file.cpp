// The session file's text: a PEM block ("VITNET QUIC SESSION") around length-prefixed fields.
#include "net/quic/session_file.hpp"

#include <gnutls/gnutls.h>

#include <cstdint>

#include "net/quic/compat.hpp"

namespace net {

namespace {
constexpr std::string_view pem_begin = "-----BEGIN VITNET QUIC SESSION-----\n";
constexpr std::string_view pem_end = "-----END VITNET QUIC SESSION-----\n";

void put_field(std::string& out, std::string_view v) {
  auto n = static_cast<std::uint32_t>(v.size());
  for (int i = 3; i >= 0; --i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  out += v;
}

bool get_field(std::string_view& in, std::string& v, std::size_t max) {
  if (in.size() < 4) return false;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(4);
  if (n > max || n > in.size()) return false;
  v.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}
}  // namespace

std::string write_session_record(const quic_session_record& r) {
  std::string bin = "VQS1";
  put_field(bin, r.server);
  put_field(bin, r.alpn);
  put_field(bin, r.tls);
  put_field(bin, r.params);
  gnutls_datum_t d{reinterpret_cast<unsigned char*>(bin.data()), static_cast<unsigned>(bin.size())};
  gnutls_datum_t b64{};
  std::string out;
  if (gnutls_pem_base64_encode2("VITNET QUIC SESSION", &d, &b64) == 0) {
    out.assign(reinterpret_cast<char*>(b64.data), b64.size);
    gnutls_free(b64.data);
  }
  return out;
}

std::optional<quic_session_record> parse_session_record(std::string_view text) {
  // Bounded: a session file is a few KiB; anything much bigger is not one.
  if (text.size() > (256 << 10)) return std::nullopt;
  auto b = text.find(pem_begin.substr(0, pem_begin.size() - 1));
  if (b == std::string_view::npos) return std::nullopt;
  auto e = text.find(pem_end.substr(0, pem_end.size() - 1), b);
  if (e == std::string_view::npos) return std::nullopt;
  std::string pem(text.substr(b, e + pem_end.size() - 1 - b));
  pem += '\n';
  gnutls_datum_t in{reinterpret_cast<unsigned char*>(pem.data()),
                    static_cast<unsigned>(pem.size())};
  gnutls_datum_t bin{};
  if (gnutls_pem_base64_decode2("VITNET QUIC SESSION", &in, &bin) < 0) return std::nullopt;
  std::string data(reinterpret_cast<char*>(bin.data), bin.size);
  gnutls_free(bin.data);
  std::string_view v = data;
  if (!v.starts_with("VQS1")) return std::nullopt;
  v.remove_prefix(4);
  quic_session_record r;
  if (!get_field(v, r.server, 1024) || !get_field(v, r.alpn, 255) ||
      !get_field(v, r.tls, 64 << 10) || !get_field(v, r.params, 1024) || !v.empty())
    return std::nullopt;
  if (!r.params.empty()) {
    ngtcp2_transport_params p;
    if (!quic_compat::parse_0rtt_params(r.params, &p)) return std::nullopt;
  }
  return r;
}

}  // namespace net

// PKCS#12 export with modern protection: AES-256-CBC under PBKDF2 for the key and the
// certificates, and an HMAC-SHA-256 MAC, which OpenSSL 3 reads without its legacy provider (the
// defaults of older tools, RC2 and 3DES with a SHA-1 MAC, need it).
#include <openssl/err.h>

#include "core/error.hpp"
#include "net/x509/ossl.hpp"

namespace net::x509 {

using core::exit_code;
using namespace detail;

namespace {
// OpenSSL's own default for `openssl pkcs12 -export` (PKCS12_DEFAULT_ITER).
constexpr int iterations = 2048;
}  // namespace

std::string to_pkcs12(const std::string& cert_pem, const std::string& key_pem,
                      const std::string& chain_pem, const std::string& password,
                      const std::string& friendly_name) {
  auto cert = read_cert(cert_pem, "certificate");
  auto key = read_private_key(key_pem, "key");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw vitnet::error(exit_code::data, "the key does not match the certificate");
  }
  cert_stack chain;
  for (auto& c : read_certs(chain_pem, "chain")) chain.push(std::move(c));
  // mac_iter -1: no MAC yet; the one added below uses SHA-256 instead of PKCS12_create's SHA-1.
  p12_ptr p12(PKCS12_create_ex(password.c_str(),
                               friendly_name.empty() ? nullptr : friendly_name.c_str(), key.get(),
                               cert.get(), chain.size() ? chain.get() : nullptr, NID_aes_256_cbc,
                               NID_aes_256_cbc, iterations, -1, 0, nullptr, nullptr));
  if (!p12) fail_openssl(exit_code::protocol, "pkcs12");
  if (PKCS12_set_mac(p12.get(), password.c_str(), -1, nullptr, 0, iterations, EVP_sha256()) != 1)
    fail_openssl(exit_code::protocol, "pkcs12 mac");
  unsigned char* der = nullptr;
  int len = i2d_PKCS12(p12.get(), &der);
  if (len <= 0) fail_openssl(exit_code::internal, "pkcs12 encoding");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace net::x509

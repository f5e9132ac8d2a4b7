// Helpers shared by the X.509 files: OpenSSL errors as vitnet errors, PEM in and out, keys,
// fingerprints, times and names as text.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cctype>
#include <ctime>

#include "core/error.hpp"
#include "net/x509/ossl.hpp"

namespace net::x509 {

using core::exit_code;

namespace detail {

std::string openssl_reason() {
  unsigned long e = ERR_peek_last_error();
  std::string r;
  if (e != 0) {
    const char* s = ERR_reason_error_string(e);
    r = s ? s : fmt::format("error {:#x}", e);
  }
  ERR_clear_error();
  if (r.empty()) r = "unknown error";
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

void fail_openssl(exit_code code, std::string_view what) {
  throw vitnet::error(code, fmt::format("{}: {}", what, openssl_reason()));
}

bio_ptr read_bio(std::string_view data) {
  bio_ptr b(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!b) fail_openssl(exit_code::internal, "memory");
  return b;
}

std::string bio_text(BIO* b) {
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

namespace {
bool looks_pem(std::string_view data) {
  return data.find("-----BEGIN ") != std::string_view::npos;
}
}  // namespace

std::vector<cert_ptr> read_certs(std::string_view data, std::string_view what) {
  std::vector<cert_ptr> out;
  if (!looks_pem(data)) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    if (cert_ptr c{d2i_X509(nullptr, &p, static_cast<long>(data.size()))})
      out.push_back(std::move(c));
    ERR_clear_error();
    return out;
  }
  auto b = read_bio(data);
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long len = 0;
    if (PEM_read_bio(b.get(), &name, &header, &der, &len) != 1) break;
    std::string_view n = name;
    if (n == "CERTIFICATE" || n == "X509 CERTIFICATE" || n == "TRUSTED CERTIFICATE") {
      const unsigned char* p = der;
      cert_ptr c{n == "TRUSTED CERTIFICATE" ? d2i_X509_AUX(nullptr, &p, len)
                                            : d2i_X509(nullptr, &p, len)};
      OPENSSL_free(name), OPENSSL_free(header), OPENSSL_free(der);
      if (!c) fail_openssl(exit_code::data, fmt::format("{}: malformed certificate", what));
      out.push_back(std::move(c));
      continue;
    }
    OPENSSL_free(name), OPENSSL_free(header), OPENSSL_free(der);
  }
  ERR_clear_error();
  return out;
}

cert_ptr read_cert(std::string_view data, std::string_view what) {
  auto certs = read_certs(data, what);
  if (certs.empty())
    throw vitnet::error(exit_code::data, fmt::format("{}: no certificate found", what));
  return std::move(certs.front());
}

pkey_ptr read_private_key(std::string_view data, std::string_view what) {
  pkey_ptr k;
  if (looks_pem(data)) {
    if (data.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos)
      throw vitnet::error(exit_code::data, fmt::format("{}: the key is encrypted; decrypt it first "
                                                       "(openssl pkey -in KEY -out PLAIN)",
                                                       what));
    auto b = read_bio(data);
    // No password callback: an encrypted key fails instead of prompting.
    k.reset(PEM_read_bio_PrivateKey(
        b.get(), nullptr, [](char*, int, int, void*) { return -1; }, nullptr));
  } else {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    k.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(data.size())));
  }
  if (!k) {
    ERR_clear_error();
    throw vitnet::error(exit_code::data, fmt::format("{}: no private key found", what));
  }
  return k;
}

std::string cert_to_pem(X509* c) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_X509(b.get(), c) != 1) fail_openssl(exit_code::internal, "pem");
  return bio_text(b.get());
}

std::string key_to_pem(EVP_PKEY* k) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  // PKCS#8, unencrypted: the file's mode (0600) is its protection.
  if (!b || PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail_openssl(exit_code::internal, "pem");
  return bio_text(b.get());
}

pkey_ptr generate_key(key_type t) {
  EVP_PKEY* k = nullptr;
  switch (t) {
    case key_type::ec_p256:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case key_type::ec_p384:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case key_type::ed25519:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case key_type::rsa2048:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case key_type::rsa3072:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072));
      break;
    case key_type::rsa4096:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(4096));
      break;
  }
  if (!k) fail_openssl(exit_code::protocol, "key generation");
  return pkey_ptr(k);
}

const EVP_MD* digest_for(EVP_PKEY* k) {
  int id = EVP_PKEY_get_base_id(k);
  if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) return nullptr;
  if (id == EVP_PKEY_EC && EVP_PKEY_get_bits(k) > 256) return EVP_sha384();
  return EVP_sha256();
}

std::string describe_key(EVP_PKEY* k) {
  switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_ED25519:
      return "ed25519";
    case EVP_PKEY_ED448:
      return "ed448";
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return fmt::format("rsa {}", EVP_PKEY_get_bits(k));
    case EVP_PKEY_EC: {
      char curve[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof curve, &len) == 1) {
        std::string_view c = curve;
        if (c == "prime256v1" || c == "P-256") return "ec p256";
        if (c == "secp384r1" || c == "P-384") return "ec p384";
        if (c == "secp521r1" || c == "P-521") return "ec p521";
        return fmt::format("ec {}", c);
      }
      ERR_clear_error();
      return fmt::format("ec {} bits", EVP_PKEY_get_bits(k));
    }
    default: {
      const char* n = EVP_PKEY_get0_type_name(k);
      return n ? std::string(n) : std::string("unknown");
    }
  }
}

std::string hex_colons(const unsigned char* p, std::size_t n) {
  std::string s;
  s.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i) s += fmt::format("{}{:02X}", i ? ":" : "", p[i]);
  return s;
}

std::string cert_fingerprint(X509* c) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (X509_digest(c, EVP_sha256(), md, &n) != 1) fail_openssl(exit_code::internal, "digest");
  return hex_colons(md, n);
}

std::int64_t unix_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string iso_time(std::int64_t s) {
  std::time_t t = static_cast<std::time_t>(s);
  struct tm tm {};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string name_text(const X509_NAME* n) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  // RFC 2253 escaping, most significant RDN last as people read it; UTF-8 kept.
  X509_NAME_print_ex(
      b.get(), n, 0,
      (XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC);
  return bio_text(b.get());
}

}  // namespace detail

std::optional<key_type> parse_key_type(std::string_view t) {
  if (t == "p256" || t == "ec" || t == "ecdsa") return key_type::ec_p256;
  if (t == "p384") return key_type::ec_p384;
  if (t == "ed25519") return key_type::ed25519;
  if (t == "rsa2048" || t == "rsa") return key_type::rsa2048;
  if (t == "rsa3072") return key_type::rsa3072;
  if (t == "rsa4096") return key_type::rsa4096;
  return std::nullopt;
}

std::string_view key_type_name(key_type t) {
  switch (t) {
    case key_type::ec_p256:
      return "p256";
    case key_type::ec_p384:
      return "p384";
    case key_type::ed25519:
      return "ed25519";
    case key_type::rsa2048:
      return "rsa2048";
    case key_type::rsa3072:
      return "rsa3072";
    case key_type::rsa4096:
      return "rsa4096";
  }
  return "p256";
}

std::string fingerprint_sha256_der(std::string_view der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_Digest(der.data(), der.size(), md, &n, EVP_sha256(), nullptr) != 1)
    detail::fail_openssl(exit_code::internal, "digest");
  return detail::hex_colons(md, n);
}

std::string fingerprint_sha256(const std::string& cert_pem) {
  auto c = detail::read_cert(cert_pem, "certificate");
  return detail::cert_fingerprint(c.get());
}

std::string format_time(time_point t) {
  return detail::iso_time(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

}  // namespace net::x509

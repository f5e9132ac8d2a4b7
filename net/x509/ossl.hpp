#pragma once
// Internal to net/x509_*.cpp: owning handles for OpenSSL's objects and the helpers the X.509
// files share. Nothing outside net/x509_*.cpp includes this (OpenSSL stays out of commands/).
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/exit_code.hpp"
#include "net/x509/x509.hpp"

namespace net::x509::detail {

template <auto Free>
struct deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free_all>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using cert_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using req_ptr = std::unique_ptr<X509_REQ, deleter<X509_REQ_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, deleter<BN_free>>;
using name_ptr = std::unique_ptr<X509_NAME, deleter<X509_NAME_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>>;
using gens_ptr = std::unique_ptr<GENERAL_NAMES, deleter<GENERAL_NAMES_free>>;
using gen_ptr = std::unique_ptr<GENERAL_NAME, deleter<GENERAL_NAME_free>>;
using p12_ptr = std::unique_ptr<PKCS12, deleter<PKCS12_free>>;
using store_ptr = std::unique_ptr<X509_STORE, deleter<X509_STORE_free>>;
using store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, deleter<X509_STORE_CTX_free>>;
using nc_ptr = std::unique_ptr<NAME_CONSTRAINTS, deleter<NAME_CONSTRAINTS_free>>;
using octet_ptr = std::unique_ptr<ASN1_OCTET_STRING, deleter<ASN1_OCTET_STRING_free>>;

/// An owned STACK_OF(X509), freeing its certificates with it.
class cert_stack {
 public:
  cert_stack() : s_(sk_X509_new_null()) {}
  ~cert_stack() { sk_X509_pop_free(s_, X509_free); }
  cert_stack(const cert_stack&) = delete;
  cert_stack& operator=(const cert_stack&) = delete;
  /// Takes ownership of `c`.
  void push(cert_ptr c) {
    if (sk_X509_push(s_, c.get()) > 0) c.release();
  }
  STACK_OF(X509) * get() const { return s_; }
  int size() const { return sk_X509_num(s_); }

 private:
  STACK_OF(X509) * s_;
};

/// The reason at the top of OpenSSL's error queue in lowercase ("bad decrypt"), or "unknown
/// error"; clears the queue.
std::string openssl_reason();

/// Throws vitnet::error(code, "what: <openssl reason>").
[[noreturn]] void fail_openssl(core::exit_code code, std::string_view what);

/// A read-only memory BIO over `data` (which must outlive it).
bio_ptr read_bio(std::string_view data);
/// Everything written to a memory BIO so far.
std::string bio_text(BIO* b);

/// Every certificate in PEM `data` (other blocks skipped). Throws 65 on a malformed one.
std::vector<cert_ptr> read_certs(std::string_view data, std::string_view what);
/// The first certificate; throws 65 naming `what` when there is none.
cert_ptr read_cert(std::string_view data, std::string_view what);
/// A private key from PEM (PKCS#8, SEC1 or PKCS#1) or DER. Throws 65.
pkey_ptr read_private_key(std::string_view data, std::string_view what);

std::string cert_to_pem(X509* c);
std::string key_to_pem(EVP_PKEY* k);

/// A new key of the given type. Throws 76 when OpenSSL cannot make one.
pkey_ptr generate_key(key_type t);
/// The digest to sign with for a key: SHA-384 for P-384, none for Ed25519, else SHA-256.
const EVP_MD* digest_for(EVP_PKEY* k);
/// "ec p256", "ed25519", "rsa 2048".
std::string describe_key(EVP_PKEY* k);

/// "AB:CD:..." for bytes.
std::string hex_colons(const unsigned char* p, std::size_t n);
/// The SHA-256 fingerprint of a certificate's DER.
std::string cert_fingerprint(X509* c);

/// GENERAL_NAMES for SAN entries.
gens_ptr make_general_names(const std::vector<san>& names);
/// SAN entries as text ("DNS:x", "IP:1.2.3.4", ...).
std::vector<std::string> general_names_text(const GENERAL_NAMES* g);

/// Seconds since the epoch of an ASN1_TIME.
std::int64_t unix_time(const ASN1_TIME* t);
/// "2025-01-31T12:00:00Z".
std::string iso_time(std::int64_t unix_seconds);

/// A distinguished name as people read it: "CN=localhost, O=vitnet".
std::string name_text(const X509_NAME* n);

}  // namespace net::x509::detail

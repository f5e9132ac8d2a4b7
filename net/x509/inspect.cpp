// Inspection: what a PEM or DER file holds (certificates, CSRs, keys, PKCS#12), as plain structs
// that commands print as text or JSON.
#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/error.hpp"
#include "net/x509/ossl.hpp"

namespace net::x509 {

using core::exit_code;
using namespace detail;

namespace {

// A PKCS#12 whose MAC asks for more work than this is refused rather than ground through.
constexpr int max_p12_iterations = 10'000'000;

std::vector<std::string> key_usage_names(std::uint32_t ku) {
  static const std::pair<std::uint32_t, const char*> bits[] = {
      {KU_DIGITAL_SIGNATURE, "digitalSignature"},
      {KU_NON_REPUDIATION, "nonRepudiation"},
      {KU_KEY_ENCIPHERMENT, "keyEncipherment"},
      {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
      {KU_KEY_AGREEMENT, "keyAgreement"},
      {KU_KEY_CERT_SIGN, "keyCertSign"},
      {KU_CRL_SIGN, "cRLSign"},
      {KU_ENCIPHER_ONLY, "encipherOnly"},
      {KU_DECIPHER_ONLY, "decipherOnly"}};
  std::vector<std::string> out;
  for (auto& [bit, name] : bits)
    if (ku & bit) out.emplace_back(name);
  return out;
}

std::string object_name(const ASN1_OBJECT* o) {
  int nid = OBJ_obj2nid(o);
  if (nid != NID_undef) return OBJ_nid2sn(nid);
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, o, 1);
  return buf;
}

std::string octets_hex(const ASN1_OCTET_STRING* s) {
  if (!s) return {};
  return hex_colons(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string spki_sha256(EVP_PKEY* k) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(k, &der);
  if (len <= 0) return {};
  std::string fp = fingerprint_sha256_der(
      std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  return fp;
}

cert_info describe(X509* c) {
  cert_info i;
  i.version = static_cast<int>(X509_get_version(c)) + 1;
  i.subject = name_text(X509_get_subject_name(c));
  i.issuer = name_text(X509_get_issuer_name(c));
  bn_ptr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), nullptr));
  if (serial) {
    char* hex = BN_bn2hex(serial.get());
    i.serial = hex ? hex : "";
    OPENSSL_free(hex);
  }
  i.not_before_unix = unix_time(X509_get0_notBefore(c));
  i.not_after_unix = unix_time(X509_get0_notAfter(c));
  i.not_before = iso_time(i.not_before_unix);
  i.not_after = iso_time(i.not_after_unix);
  if (EVP_PKEY* k = X509_get0_pubkey(c)) i.key = describe_key(k);
  i.signature_algorithm = OBJ_nid2ln(X509_get_signature_nid(c));
  i.self_signed = X509_self_signed(c, 1) == 1;
  std::uint32_t flags = X509_get_extension_flags(c);
  i.is_ca = (flags & EXFLAG_CA) != 0;
  long pl = X509_get_pathlen(c);
  if (pl >= 0) i.path_len = static_cast<int>(pl);
  if (flags & EXFLAG_KUSAGE) i.key_usage = key_usage_names(X509_get_key_usage(c));
  if (auto* eku = static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(c, NID_ext_key_usage, nullptr, nullptr))) {
    for (int n = 0; n < sk_ASN1_OBJECT_num(eku); ++n)
      i.ext_key_usage.push_back(object_name(sk_ASN1_OBJECT_value(eku, n)));
    EXTENDED_KEY_USAGE_free(eku);
  }
  gens_ptr sans(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(c, NID_subject_alt_name, nullptr, nullptr)));
  i.names = general_names_text(sans.get());
  if (auto* nc = static_cast<NAME_CONSTRAINTS*>(
          X509_get_ext_d2i(c, NID_name_constraints, nullptr, nullptr))) {
    auto subtrees = [](STACK_OF(GENERAL_SUBTREE) * s, std::vector<std::string> & out) {
      for (int n = 0; s && n < sk_GENERAL_SUBTREE_num(s); ++n) {
        gens_ptr one(GENERAL_NAMES_new());
        sk_GENERAL_NAME_push(one.get(), GENERAL_NAME_dup(sk_GENERAL_SUBTREE_value(s, n)->base));
        for (auto& t : general_names_text(one.get())) out.push_back(t);
      }
    };
    subtrees(nc->permittedSubtrees, i.permitted);
    subtrees(nc->excludedSubtrees, i.excluded);
    NAME_CONSTRAINTS_free(nc);
  }
  i.subject_key_id = octets_hex(X509_get0_subject_key_id(c));
  i.authority_key_id = octets_hex(X509_get0_authority_key_id(c));
  for (int n = 0; n < X509_get_ext_count(c); ++n) {
    X509_EXTENSION* e = X509_get_ext(c, n);
    if (X509_EXTENSION_get_critical(e))
      i.critical.push_back(object_name(X509_EXTENSION_get_object(e)));
  }
  i.sha256 = cert_fingerprint(c);
  ERR_clear_error();
  return i;
}

csr_info describe(X509_REQ* r) {
  csr_info i;
  i.subject = name_text(X509_REQ_get_subject_name(r));
  pkey_ptr pub(X509_REQ_get_pubkey(r));
  if (pub) i.key = describe_key(pub.get());
  i.signature_algorithm = OBJ_nid2ln(X509_REQ_get_signature_nid(r));
  i.signature_valid = pub && X509_REQ_verify(r, pub.get()) == 1;
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(r);
  for (int n = 0; n < sk_X509_EXTENSION_num(exts); ++n) {
    X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, n);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) != NID_subject_alt_name) continue;
    gens_ptr g(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(e)));
    for (auto& t : general_names_text(g.get())) i.names.push_back(t);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  ERR_clear_error();
  return i;
}

key_info describe(EVP_PKEY* k) {
  key_info i;
  i.type = describe_key(k);
  i.bits = EVP_PKEY_get_bits(k);
  i.public_key_sha256 = spki_sha256(k);
  return i;
}

// What inspect collects: the structs, and the first key and certificate to match them.
struct collected {
  inspection result;
  cert_ptr first_cert;
  pkey_ptr first_key;
  void add(cert_ptr c) {
    result.certs.push_back(describe(c.get()));
    if (!first_cert) first_cert = std::move(c);
  }
  void add(pkey_ptr k) {
    result.keys.push_back(describe(k.get()));
    if (!first_key) first_key = std::move(k);
  }
};

void read_pem(std::string_view data, collected& out) {
  auto b = read_bio(data);
  for (;;) {
    char* name_p = nullptr;
    char* header_p = nullptr;
    unsigned char* der = nullptr;
    long len = 0;
    if (PEM_read_bio(b.get(), &name_p, &header_p, &der, &len) != 1) break;
    std::string name = name_p, header = header_p ? header_p : "";
    std::string body(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(name_p), OPENSSL_free(header_p), OPENSSL_free(der);
    const unsigned char* p = reinterpret_cast<const unsigned char*>(body.data());
    long n = static_cast<long>(body.size());
    if (name == "CERTIFICATE" || name == "X509 CERTIFICATE" || name == "TRUSTED CERTIFICATE") {
      cert_ptr c{name == "TRUSTED CERTIFICATE" ? d2i_X509_AUX(nullptr, &p, n)
                                               : d2i_X509(nullptr, &p, n)};
      if (!c) fail_openssl(exit_code::data, "malformed certificate");
      out.add(std::move(c));
    } else if (name == "CERTIFICATE REQUEST" || name == "NEW CERTIFICATE REQUEST") {
      req_ptr r(d2i_X509_REQ(nullptr, &p, n));
      if (!r) fail_openssl(exit_code::data, "malformed certificate request");
      out.result.csrs.push_back(describe(r.get()));
    } else if (name == "ENCRYPTED PRIVATE KEY" ||
               (name.ends_with("PRIVATE KEY") && header.find("ENCRYPTED") != std::string::npos)) {
      key_info k;
      k.type = "encrypted";
      k.encrypted = true;
      out.result.keys.push_back(k);
    } else if (name.ends_with("PRIVATE KEY")) {
      pkey_ptr k(d2i_AutoPrivateKey(nullptr, &p, n));
      if (!k) fail_openssl(exit_code::data, "malformed private key");
      out.add(std::move(k));
    }
  }
  ERR_clear_error();
}

void read_pkcs12(PKCS12* p12, const std::string* password, collected& out) {
  int iter = 0;
  const ASN1_INTEGER* piter = nullptr;
  PKCS12_get0_mac(nullptr, nullptr, nullptr, &piter, p12);
  if (piter) iter = static_cast<int>(ASN1_INTEGER_get(piter));
  if (iter > max_p12_iterations)
    throw vitnet::error(exit_code::data,
                        fmt::format("pkcs12: {} MAC iterations is more than vitnet will do", iter));
  std::string pass = password ? *password : std::string();
  if (PKCS12_mac_present(p12) && PKCS12_verify_mac(p12, pass.c_str(), -1) != 1 &&
      !(pass.empty() && PKCS12_verify_mac(p12, nullptr, 0) == 1)) {
    ERR_clear_error();
    throw vitnet::error(exit_code::data,
                        password ? "pkcs12: wrong password (its MAC does not verify)"
                                 : "pkcs12: the file has a password; give it with --p12-pass-file");
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12, pass.c_str(), &key, &cert, &ca) != 1) {
    std::string why = openssl_reason();
    if (why.find("unsupported") != std::string::npos)
      why += " (a legacy algorithm such as RC2 or 3DES; re-export with AES-256)";
    throw vitnet::error(exit_code::data, "pkcs12: " + why);
  }
  if (cert) out.add(cert_ptr(cert));
  for (int n = 0; ca && n < sk_X509_num(ca); ++n) out.add(cert_ptr(sk_X509_value(ca, n)));
  sk_X509_free(ca);
  if (key) out.add(pkey_ptr(key));
  out.result.kind = "pkcs12";
}

bool read_der(std::string_view data, const std::string* password, collected& out) {
  auto as_bytes = [&] { return reinterpret_cast<const unsigned char*>(data.data()); };
  long n = static_cast<long>(data.size());
  const unsigned char* p = as_bytes();
  if (cert_ptr c{d2i_X509(nullptr, &p, n)}) {
    out.add(std::move(c));
    return true;
  }
  p = as_bytes();
  if (req_ptr r{d2i_X509_REQ(nullptr, &p, n)}) {
    out.result.csrs.push_back(describe(r.get()));
    return true;
  }
  p = as_bytes();
  if (p12_ptr p12{d2i_PKCS12(nullptr, &p, n)}) {
    ERR_clear_error();
    read_pkcs12(p12.get(), password, out);
    return true;
  }
  p = as_bytes();
  if (pkey_ptr k{d2i_AutoPrivateKey(nullptr, &p, n)}) {
    out.add(std::move(k));
    return true;
  }
  ERR_clear_error();
  return false;
}

}  // namespace

inspection inspect(std::string_view data, const std::string* password) {
  collected out;
  if (data.find("-----BEGIN ") != std::string_view::npos)
    read_pem(data, out);
  else
    read_der(data, password, out);
  auto& r = out.result;
  std::size_t kinds = !r.certs.empty() + !r.csrs.empty() + !r.keys.empty();
  if (kinds == 0)
    throw vitnet::error(exit_code::data,
                        "no certificate, certificate request, key or PKCS#12 found");
  if (r.kind.empty()) {
    if (kinds > 1 || r.csrs.size() > 1 || r.keys.size() > 1)
      r.kind = "bundle";
    else if (!r.certs.empty())
      r.kind = r.certs.size() == 1 ? "certificate" : "chain";
    else if (!r.csrs.empty())
      r.kind = "csr";
    else
      r.kind = "key";
  }
  if (out.first_cert && out.first_key) {
    r.key_matches_cert = X509_check_private_key(out.first_cert.get(), out.first_key.get()) == 1;
    ERR_clear_error();
  }
  return r;
}

cert_info describe_cert(const std::string& cert_pem) {
  auto c = read_cert(cert_pem, "certificate");
  return describe(c.get());
}

}  // namespace net::x509

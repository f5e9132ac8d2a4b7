// Issuing certificates with the profiles strict verifiers expect (RFC 5280, the CA/Browser
// Forum's baseline, and what OpenSSL's X509_V_FLAG_X509_STRICT and GnuTLS's "high" profile check):
//   CA:   critical basicConstraints CA:TRUE (pathlen:0 on intermediates only), critical keyUsage
//         keyCertSign+cRLSign, no EKU on a root, SKI; AKI unless self-signed.
//   leaf: critical basicConstraints CA:FALSE, critical keyUsage digitalSignature
//         (+keyEncipherment for RSA, whose TLS 1.2 key exchange may need it), EKU by purpose,
//         the names in the SAN (the first also as CN), SKI and AKI.
//   all:  version 3, 128 random bits of positive serial.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>

#include "core/error.hpp"
#include "net/ip.hpp"
#include "net/x509/ossl.hpp"

namespace net::x509 {

using core::exit_code;
using namespace detail;

namespace {

constexpr std::size_t max_common_name = 64;  // ub-common-name, RFC 5280

void set_random_serial(X509* x) {
  unsigned char buf[16];
  do {
    if (RAND_bytes(buf, sizeof buf) != 1) fail_openssl(exit_code::protocol, "random serial");
  } while (std::all_of(std::begin(buf), std::end(buf), [](unsigned char c) { return c == 0; }));
  // Unsigned bytes make a non-negative BIGNUM; DER adds a leading zero when the top bit is set,
  // so the serial is positive and at most 17 octets (RFC 5280 allows 20).
  bn_ptr bn(BN_bin2bn(buf, sizeof buf, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x)))
    fail_openssl(exit_code::internal, "serial");
}

name_ptr make_name(const std::string& common_name, const std::string& organization) {
  name_ptr n(X509_NAME_new());
  auto add = [&](const char* field, const std::string& value) {
    if (!X509_NAME_add_entry_by_txt(n.get(), field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0))
      fail_openssl(exit_code::usage, fmt::format("subject {}='{}'", field, value));
  };
  if (!organization.empty()) add("O", organization);
  if (!common_name.empty() && common_name.size() <= max_common_name) add("CN", common_name);
  return n;
}

void add_conf_ext(X509* x, X509V3_CTX* ctx, int nid, const char* value) {
  ext_ptr e(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!e || X509_add_ext(x, e.get(), -1) != 1)
    fail_openssl(exit_code::internal, fmt::format("extension {}", OBJ_nid2sn(nid)));
}

void add_name_constraints(X509* x, const std::vector<name_constraint>& permitted) {
  nc_ptr nc(NAME_CONSTRAINTS_new());
  nc->permittedSubtrees = sk_GENERAL_SUBTREE_new_null();
  for (const auto& c : permitted) {
    GENERAL_SUBTREE* st = GENERAL_SUBTREE_new();
    sk_GENERAL_SUBTREE_push(nc->permittedSubtrees, st);
    if (c.ip) {
      auto block = cidr::parse(c.value);
      int len = block->first().is_v4() ? 4 : 16;
      unsigned char buf[32] = {};
      std::copy_n(block->first().bytes().begin(), len, buf);
      for (int bit = 0; bit < block->prefix(); ++bit)
        buf[len + bit / 8] |= static_cast<unsigned char>(0x80 >> (bit % 8));
      ASN1_OCTET_STRING* os = ASN1_OCTET_STRING_new();
      ASN1_OCTET_STRING_set(os, buf, 2 * len);
      GENERAL_NAME_set0_value(st->base, GEN_IPADD, os);
    } else {
      ASN1_IA5STRING* s = ASN1_IA5STRING_new();
      ASN1_STRING_set(s, c.value.data(), static_cast<int>(c.value.size()));
      GENERAL_NAME_set0_value(st->base, GEN_DNS, s);
    }
  }
  // RFC 5280 4.2.1.10: conforming CAs MUST mark this extension critical.
  if (X509_add1_ext_i2d(x, NID_name_constraints, nc.get(), 1, X509V3_ADD_DEFAULT) != 1)
    fail_openssl(exit_code::internal, "name constraints");
}

std::vector<san> classify_all(const std::vector<std::string>& names) {
  std::vector<san> out;
  for (const auto& n : names) {
    san s = classify_name(n);
    bool dup = std::any_of(out.begin(), out.end(),
                           [&](const san& o) { return o.type == s.type && o.value == s.value; });
    if (!dup) out.push_back(std::move(s));
  }
  return out;
}

void set_time(ASN1_TIME* field, time_point t) {
  // ASN1_TIME_set picks UTCTime through 2049 and GeneralizedTime after, as RFC 5280 requires.
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  if (!ASN1_TIME_set(field, static_cast<time_t>(secs)))
    fail_openssl(exit_code::usage, "validity time");
}

// The issuer's checks: its key is its certificate's, it may sign certificates, and (for a CA
// below it) its path length allows one.
void check_authority(X509* ca, EVP_PKEY* ca_key, profile kind) {
  if (X509_check_private_key(ca, ca_key) != 1) {
    ERR_clear_error();
    throw vitnet::error(exit_code::data, "the CA key does not match the CA certificate");
  }
  if (X509_check_ca(ca) < 1)
    throw vitnet::error(exit_code::data,
                        fmt::format("'{}' is not a CA certificate (basicConstraints CA:FALSE)",
                                    name_text(X509_get_subject_name(ca))));
  if ((X509_get_key_usage(ca) & KU_KEY_CERT_SIGN) == 0)
    throw vitnet::error(exit_code::data,
                        fmt::format("'{}' may not sign certificates (no keyCertSign key usage)",
                                    name_text(X509_get_subject_name(ca))));
  if (kind == profile::intermediate_ca && X509_get_pathlen(ca) == 0)
    throw vitnet::error(
        exit_code::data,
        fmt::format("'{}' has pathlen 0: it may issue leaf certificates only, not another CA",
                    name_text(X509_get_subject_name(ca))));
}

// The certificate for `subject_key` signed by `signer` (issuer_cert null: self-signed).
cert_ptr build(const cert_spec& spec, const std::vector<san>& sans, const std::string& cn,
               EVP_PKEY* subject_key, X509* issuer_cert, EVP_PKEY* signer) {
  bool ca = spec.kind == profile::root_ca || spec.kind == profile::intermediate_ca;
  cert_ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1)
    fail_openssl(exit_code::internal, "certificate");
  set_random_serial(x.get());
  auto subject = make_name(cn, spec.organization);
  bool empty_subject = X509_NAME_entry_count(subject.get()) == 0;
  if (empty_subject && (ca || sans.empty()))
    throw vitnet::error(exit_code::usage,
                        fmt::format("a common name has at most {} characters", max_common_name));
  X509_set_subject_name(x.get(), subject.get());
  X509_set_issuer_name(x.get(), issuer_cert ? X509_get_subject_name(issuer_cert) : subject.get());
  if (spec.not_after <= spec.not_before)
    throw vitnet::error(exit_code::usage, "the certificate would expire before it is valid");
  set_time(X509_getm_notBefore(x.get()), spec.not_before);
  set_time(X509_getm_notAfter(x.get()), spec.not_after);
  if (X509_set_pubkey(x.get(), subject_key) != 1) fail_openssl(exit_code::internal, "public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer_cert ? issuer_cert : x.get(), x.get(), nullptr, nullptr, 0);

  const char* bc = spec.kind == profile::intermediate_ca ? "critical,CA:TRUE,pathlen:0"
                   : ca                                  ? "critical,CA:TRUE"
                                                         : "critical,CA:FALSE";
  add_conf_ext(x.get(), &ctx, NID_basic_constraints, bc);
  bool rsa = EVP_PKEY_get_base_id(subject_key) == EVP_PKEY_RSA;
  const char* ku = ca    ? "critical,keyCertSign,cRLSign"
                   : rsa ? "critical,digitalSignature,keyEncipherment"
                         : "critical,digitalSignature";
  add_conf_ext(x.get(), &ctx, NID_key_usage, ku);
  switch (spec.kind) {
    case profile::root_ca:
      break;  // a root is trusted for whatever its subordinates are
    case profile::intermediate_ca:
      add_conf_ext(x.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
      break;
    case profile::server:
      add_conf_ext(x.get(), &ctx, NID_ext_key_usage, "serverAuth");
      break;
    case profile::client:
      add_conf_ext(x.get(), &ctx, NID_ext_key_usage, "clientAuth");
      break;
  }
  add_conf_ext(x.get(), &ctx, NID_subject_key_identifier, "hash");
  if (issuer_cert) {
    ext_ptr aki(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!aki) {
      // An issuer without a key identifier of its own: name it by issuer and serial instead.
      ERR_clear_error();
      aki.reset(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "issuer:always"));
    }
    if (!aki || X509_add_ext(x.get(), aki.get(), -1) != 1)
      fail_openssl(exit_code::internal, "extension authorityKeyIdentifier");
  }
  if (!sans.empty()) {
    auto gens = make_general_names(sans);
    // With an empty subject the SAN carries the identity and must be critical (RFC 5280 4.2.1.6).
    if (X509_add1_ext_i2d(x.get(), NID_subject_alt_name, gens.get(), empty_subject ? 1 : 0,
                          X509V3_ADD_DEFAULT) != 1)
      fail_openssl(exit_code::internal, "subjectAltName");
  }
  if (ca && !spec.permitted.empty()) add_name_constraints(x.get(), spec.permitted);

  if (X509_sign(x.get(), signer, digest_for(signer)) <= 0)
    fail_openssl(exit_code::protocol, "signing the certificate");
  return x;
}

issued finish(X509* cert, EVP_PKEY* key) {
  return {cert_to_pem(cert), key ? key_to_pem(key) : std::string(), cert_fingerprint(cert)};
}

std::string common_name_for(const cert_spec& spec) {
  if (!spec.common_name.empty()) return spec.common_name;
  return spec.names.empty() ? std::string() : spec.names.front();
}

cert_ptr issue_for_key(const cert_spec& spec, EVP_PKEY* subject_key, const authority* by) {
  bool ca = spec.kind == profile::root_ca || spec.kind == profile::intermediate_ca;
  auto sans = classify_all(spec.names);
  std::string cn = common_name_for(spec);
  if (!ca && sans.empty()) throw vitnet::error(exit_code::usage, "a leaf certificate needs a name");
  if (cn.empty()) throw vitnet::error(exit_code::usage, "the certificate needs a common name");
  if (!by) return build(spec, sans, cn, subject_key, nullptr, subject_key);
  auto ca_cert = read_cert(by->cert_pem, "CA certificate");
  auto ca_key = read_private_key(by->key_pem, "CA key");
  check_authority(ca_cert.get(), ca_key.get(), spec.kind);
  return build(spec, sans, cn, subject_key, ca_cert.get(), ca_key.get());
}

req_ptr read_csr(std::string_view data) {
  req_ptr r;
  if (data.find("-----BEGIN") != std::string_view::npos) {
    auto b = read_bio(data);
    r.reset(PEM_read_bio_X509_REQ(b.get(), nullptr, nullptr, nullptr));
  } else {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    r.reset(d2i_X509_REQ(nullptr, &p, static_cast<long>(data.size())));
  }
  ERR_clear_error();
  return r;
}

}  // namespace

issued issue(const cert_spec& spec, key_type type, const authority* by) {
  auto key = generate_key(type);
  auto cert = issue_for_key(spec, key.get(), by);
  return finish(cert.get(), key.get());
}

issued self_signed_server(const std::vector<std::string>& names, key_type type,
                          std::chrono::seconds validity) {
  cert_spec spec;
  spec.kind = profile::server;
  spec.names = names;
  auto now = std::chrono::system_clock::now();
  spec.not_before = now - std::chrono::minutes(1);
  spec.not_after = now + validity;
  return issue(spec, type, nullptr);
}

issued make_csr(const std::vector<std::string>& names, key_type type,
                const std::string& common_name) {
  auto sans = classify_all(names);
  std::string cn = !common_name.empty() ? common_name : names.empty() ? "" : names.front();
  if (sans.empty() && cn.empty()) throw vitnet::error(exit_code::usage, "a CSR needs a name");
  auto key = generate_key(type);
  req_ptr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1)
    fail_openssl(exit_code::internal, "csr");
  auto subject = make_name(cn, "");
  X509_REQ_set_subject_name(req.get(), subject.get());
  X509_REQ_set_pubkey(req.get(), key.get());
  if (!sans.empty()) {
    STACK_OF(X509_EXTENSION)* exts = nullptr;
    auto gens = make_general_names(sans);
    bool critical = X509_NAME_entry_count(subject.get()) == 0;
    if (X509V3_add1_i2d(&exts, NID_subject_alt_name, gens.get(), critical ? 1 : 0,
                        X509V3_ADD_DEFAULT) != 1 ||
        X509_REQ_add_extensions(req.get(), exts) != 1) {
      sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
      fail_openssl(exit_code::internal, "csr extensions");
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  if (X509_REQ_sign(req.get(), key.get(), digest_for(key.get())) <= 0)
    fail_openssl(exit_code::protocol, "signing the csr");
  bio_ptr b(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(b.get(), req.get());
  return {bio_text(b.get()), key_to_pem(key.get()), std::string()};
}

issued sign_csr(const std::string& csr_pem, const cert_spec& spec_in, const authority& by) {
  auto req = read_csr(csr_pem);
  if (!req) throw vitnet::error(exit_code::data, "not a certificate signing request");
  pkey_ptr pub(X509_REQ_get_pubkey(req.get()));
  if (!pub || X509_REQ_verify(req.get(), pub.get()) != 1) {
    ERR_clear_error();
    throw vitnet::error(exit_code::data,
                        "the CSR's signature does not verify (corrupt, or not signed by its key)");
  }
  cert_spec spec = spec_in;
  if (spec.names.empty()) {
    STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req.get());
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
      X509_EXTENSION* e = sk_X509_EXTENSION_value(exts, i);
      if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) != NID_subject_alt_name) continue;
      gens_ptr gens(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(e)));
      for (auto& text : general_names_text(gens.get())) {
        auto colon = text.find(':');
        if (colon != std::string::npos && text.substr(0, colon) != "DirName" &&
            text.substr(0, colon) != "othername")
          spec.names.push_back(text.substr(colon + 1));
      }
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  std::string csr_cn;
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx >= 0) {
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)));
    if (n > 0) csr_cn.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
  }
  if (spec.common_name.empty()) spec.common_name = csr_cn;
  bool ca = spec.kind == profile::root_ca || spec.kind == profile::intermediate_ca;
  if (!ca && spec.names.empty()) {
    if (csr_cn.empty())
      throw vitnet::error(exit_code::data, "the CSR names no host (no subjectAltName, no CN)");
    spec.names.push_back(csr_cn);
  }
  ERR_clear_error();
  auto cert = issue_for_key(spec, pub.get(), &by);
  return finish(cert.get(), nullptr);
}

std::vector<std::string> split_certificates(std::string_view data) {
  std::vector<std::string> out;
  for (auto& c : read_certs(data, "certificate")) out.push_back(cert_to_pem(c.get()));
  return out;
}

bool key_matches(const std::string& cert_pem, const std::string& key_pem) {
  auto cert = read_cert(cert_pem, "certificate");
  auto key = read_private_key(key_pem, "key");
  bool ok = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace net::x509

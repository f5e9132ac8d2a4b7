// Verification of a certificate chain with OpenSSL's X509_STORE_CTX, strict (RFC 5280) checks on,
// and the failure put in the words a user acts on: expired, untrusted, name mismatch, ...
#include <openssl/err.h>

#include "core/error.hpp"
#include "net/x509/ossl.hpp"

namespace net::x509 {

using core::exit_code;
using namespace detail;

std::string_view verify_reason(long e) {
  switch (e) {
    case X509_V_OK:
      return "";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CRL_HAS_EXPIRED:
      return "expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return "not yet valid";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
      return "untrusted";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH:
      return "name mismatch";
    case X509_V_ERR_INVALID_PURPOSE:
      return "wrong purpose";
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
    case X509_V_ERR_SUBTREE_MINMAX:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
    case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
      return "name-constraint violation";
    default:
      return "invalid";
  }
}

namespace {

std::string names_of(X509* c) {
  gens_ptr sans(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(c, NID_subject_alt_name, nullptr, nullptr)));
  std::string out;
  for (auto& n : general_names_text(sans.get())) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "no subjectAltName" : out;
}

// What to add to OpenSSL's words so the user sees the fact behind the reason.
std::string detail_for(long err, X509* at_fault, const verify_options& o) {
  std::string what = X509_verify_cert_error_string(err);
  if (!at_fault) return what;
  std::string subject = name_text(X509_get_subject_name(at_fault));
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return fmt::format("'{}' expired at {}", subject,
                         iso_time(unix_time(X509_get0_notAfter(at_fault))));
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return fmt::format("'{}' is valid from {}", subject,
                         iso_time(unix_time(X509_get0_notBefore(at_fault))));
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return fmt::format("the certificate is for {}, not '{}'", names_of(at_fault), o.host);
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return fmt::format("the certificate is for {}, not {}", names_of(at_fault), o.ip);
    case X509_V_ERR_INVALID_PURPOSE:
      return fmt::format("'{}' may not be used for {} authentication ({})", subject,
                         o.use == purpose::client ? "client" : "server", what);
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      return fmt::format("no trusted issuer '{}' for '{}'",
                         name_text(X509_get_issuer_name(at_fault)), subject);
    default:
      return fmt::format("{} ('{}')", what, subject);
  }
}

}  // namespace

verify_result verify(const std::string& chain_pem, const verify_options& o) {
  auto certs = read_certs(chain_pem, "certificate");
  if (certs.empty()) throw vitnet::error(exit_code::data, "no certificate found");

  store_ptr store(X509_STORE_new());
  if (!store) fail_openssl(exit_code::internal, "store");
  if (o.trusted_pem.empty()) {
    X509_STORE_set_default_paths(store.get());
  } else {
    auto trusted = read_certs(o.trusted_pem, "CA");
    if (trusted.empty()) throw vitnet::error(exit_code::data, "no CA certificate found");
    for (auto& c : trusted) X509_STORE_add_cert(store.get(), c.get());
  }
  ERR_clear_error();

  cert_stack untrusted;
  for (std::size_t i = 1; i < certs.size(); ++i) untrusted.push(std::move(certs[i]));
  for (auto& c : read_certs(o.untrusted_pem, "untrusted")) untrusted.push(std::move(c));

  store_ctx_ptr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), certs[0].get(), untrusted.get()) != 1)
    fail_openssl(exit_code::internal, "verify");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  if (o.use == purpose::server) X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  if (o.use == purpose::client) X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  if (!o.host.empty()) {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, o.host.c_str(), o.host.size()) != 1)
      fail_openssl(exit_code::usage, fmt::format("--host '{}'", o.host));
  }
  if (!o.ip.empty() && X509_VERIFY_PARAM_set1_ip_asc(param, o.ip.c_str()) != 1) {
    ERR_clear_error();
    throw vitnet::error(exit_code::usage, fmt::format("--ip '{}': not an IP address", o.ip));
  }
  if (o.at) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(o.at->time_since_epoch()).count();
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(secs));
  }

  verify_result r;
  r.valid = X509_verify_cert(ctx.get()) == 1;
  if (STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get()))
    for (int i = 0; i < sk_X509_num(chain); ++i)
      r.chain.push_back(name_text(X509_get_subject_name(sk_X509_value(chain, i))));
  if (!r.valid) {
    long err = X509_STORE_CTX_get_error(ctx.get());
    r.depth = X509_STORE_CTX_get_error_depth(ctx.get());
    r.reason = verify_reason(err);
    if (r.reason.empty()) r.reason = "invalid";
    r.detail = detail_for(err, X509_STORE_CTX_get_current_cert(ctx.get()), o);
  }
  ERR_clear_error();
  return r;
}

}  // namespace net::x509

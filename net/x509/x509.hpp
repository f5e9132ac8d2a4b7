#pragma once
// X.509 for developers and CI: keys, certificates with correct profiles (root and intermediate
// CAs, server and client leaves), CSRs, PKCS#12, inspection and verification. All of it through
// OpenSSL 3's API, none of whose types appear here: callers (commands/, net/tls) see PEM strings
// and plain structs. Failures throw vitnet::error: 65 for bad input data (a malformed PEM, a key
// that does not match its certificate), 64 for a bad name, 76 when OpenSSL itself fails.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace net::x509 {

using time_point = std::chrono::system_clock::time_point;

enum class key_type { ec_p256, ec_p384, ed25519, rsa2048, rsa3072, rsa4096 };

/// "p256", "p384", "ed25519", "rsa2048", "rsa3072", "rsa4096" (as --key-type takes them).
std::optional<key_type> parse_key_type(std::string_view text);
std::string_view key_type_name(key_type t);

/// A certificate and the private key made for it (PKCS#8 PEM), with the SHA-256 fingerprint of
/// the certificate's DER as "AB:CD:...". key_pem is empty when the key stayed with its owner
/// (a signed CSR).
struct issued {
  std::string cert_pem, key_pem;
  std::string sha256;
};

/// An in-memory server leaf for `names` (DNS names and IP addresses, auto-typed into the SAN;
/// the first is also the subject CN): CA:FALSE, keyUsage digitalSignature (+keyEncipherment for
/// RSA), EKU serverAuth, SKI, a 128-bit random positive serial, valid from a minute ago for
/// `validity`. Self-signed, so a client trusts it by its fingerprint, not by a CA.
/// Example: auto c = net::x509::self_signed_server({"localhost", "127.0.0.1"});
issued self_signed_server(const std::vector<std::string>& names, key_type type = key_type::ec_p256,
                          std::chrono::seconds validity = std::chrono::hours(24 * 7));

/// SHA-256 of the DER of the first certificate in `cert_pem`, as "AB:CD:...".
/// Throws 65 when there is no certificate.
std::string fingerprint_sha256(const std::string& cert_pem);
/// The same for one DER-encoded certificate (no parsing: the hash of the bytes).
std::string fingerprint_sha256_der(std::string_view der);

// ---- names --------------------------------------------------------------------------------

/// One subjectAltName entry.
struct san {
  enum class kind { dns, ip, email, uri };
  kind type = kind::dns;
  std::string value;  ///< normalised: lowercase DNS without a final dot, canonical IP text
};

/// Types a name as people give it: "127.0.0.1" and "::1" ("[::1]") are IP addresses,
/// "ops@example.com" an email, "spiffe://corp/api" a URI (scheme://), "*.example.com" a wildcard
/// DNS name, anything else a DNS name. Throws vitnet::error 64 naming the name when it is none
/// of them ("exa mple.com", "*.com", "foo.*.example.com", non-ASCII).
san classify_name(std::string_view name);

/// "DNS:localhost", "IP:127.0.0.1", "email:ops@example.com", "URI:spiffe://corp/api".
std::string to_string(const san& s);

/// A permitted subtree for a CA's name constraints: "DNS:example.com" or "IP:10.0.0.0/8"
/// (a bare address is a /32 or /128). Throws 64 when malformed.
struct name_constraint {
  bool ip = false;
  std::string value;  ///< the DNS name, or the CIDR block as text
};
name_constraint parse_name_constraint(std::string_view text);

// ---- issuing -------------------------------------------------------------------------------

enum class profile { root_ca, intermediate_ca, server, client };

/// What to put in a certificate besides its key.
struct cert_spec {
  profile kind = profile::server;
  std::string common_name;                 ///< subject CN; empty: the first name
  std::vector<std::string> names;          ///< SANs, auto-typed (leaves)
  std::vector<name_constraint> permitted;  ///< name constraints (CAs)
  std::string organization;                ///< subject O, when not empty
  time_point not_before, not_after;
};

/// An issuing CA: its certificate (the first in the PEM; any others are its chain) and its key.
struct authority {
  std::string cert_pem;
  std::string key_pem;
};

/// Issues a certificate with the profile of `spec.kind` for a new key of `type`, signed by `by`
/// (nullptr: self-signed, which only a root CA should be). Throws 65 when the authority's key
/// does not match its certificate, when it is not a CA (basicConstraints, keyCertSign), or when
/// its path length forbids another CA below it.
issued issue(const cert_spec& spec, key_type type, const authority* by);

/// A certificate signing request for `names` (SANs, auto-typed; CN the first, or `common_name`)
/// and its new key: cert_pem holds the CSR.
issued make_csr(const std::vector<std::string>& names, key_type type,
                const std::string& common_name = {});

/// Signs a CSR with the profile `spec.kind`: the subject CN and SANs come from the CSR (unless
/// `spec` names them), nothing else it asks for is copied. Throws 65 for a malformed CSR or a
/// bad self-signature. The result has no key_pem.
issued sign_csr(const std::string& csr_pem, const cert_spec& spec, const authority& by);

/// Each certificate in `data` (PEM with other blocks skipped, or one DER certificate) as PEM.
/// Throws 65 on a malformed certificate.
std::vector<std::string> split_certificates(std::string_view data);

/// True when `key_pem` is the private key of the first certificate in `cert_pem`.
/// Throws 65 when either does not parse.
bool key_matches(const std::string& cert_pem, const std::string& key_pem);

/// PKCS#12 (DER) holding the key, the certificate and `chain_pem`'s certificates, encrypted with
/// AES-256-CBC under PBKDF2 (key and certificates) and a SHA-256 MAC, readable by OpenSSL 3
/// without its legacy provider.
std::string to_pkcs12(const std::string& cert_pem, const std::string& key_pem,
                      const std::string& chain_pem, const std::string& password,
                      const std::string& friendly_name);

// ---- inspection ----------------------------------------------------------------------------

struct cert_info {
  int version = 3;
  std::string subject, issuer;        ///< RFC 2253 order reversed as people read it: "CN=x, O=y"
  std::string serial;                 ///< hex, uppercase, no separators
  std::string not_before, not_after;  ///< "2025-01-31T12:00:00Z"
  std::int64_t not_before_unix = 0, not_after_unix = 0;
  std::string key;                  ///< "ec p256", "ed25519", "rsa 2048"
  std::string signature_algorithm;  ///< "ecdsa-with-SHA256"
  bool self_signed = false;
  bool is_ca = false;
  std::optional<int> path_len;
  std::vector<std::string> key_usage;            ///< "digitalSignature", "keyCertSign", ...
  std::vector<std::string> ext_key_usage;        ///< "serverAuth", "clientAuth", ...
  std::vector<std::string> names;                ///< SANs as to_string(san) writes them
  std::vector<std::string> permitted, excluded;  ///< name constraints, "DNS:x" / "IP:10.0.0.0/8"
  std::string subject_key_id, authority_key_id;  ///< hex with colons; empty when absent
  std::vector<std::string> critical;  ///< extensions marked critical ("basicConstraints", ...)
  std::string sha256;                 ///< fingerprint of the DER
};

struct csr_info {
  std::string subject;
  std::string key;
  std::string signature_algorithm;
  std::vector<std::string> names;
  bool signature_valid = false;
};

struct key_info {
  std::string type;  ///< "ec p256", "ed25519", "rsa 2048"
  int bits = 0;
  bool encrypted = false;         ///< an ENCRYPTED PRIVATE KEY we did not open
  std::string public_key_sha256;  ///< SHA-256 of the DER SubjectPublicKeyInfo, "AB:CD:..."
};

/// What a file holds. `kind`: "certificate", "chain" (several certificates), "csr", "key",
/// "pkcs12", or "bundle" (a PEM mixing several kinds).
struct inspection {
  std::string kind;
  std::vector<cert_info> certs;
  std::vector<csr_info> csrs;
  std::vector<key_info> keys;
  /// With a key and a certificate together (PKCS#12, a bundle): whether the key is the first
  /// certificate's.
  std::optional<bool> key_matches_cert;
};

/// Inspects PEM (any number of blocks) or DER (certificate, CSR, key, PKCS#12). `password`
/// opens a PKCS#12 (nullptr: try the empty password). Throws 65 when nothing in `data` is
/// recognised, or a PKCS#12 does not open with the password.
inspection inspect(std::string_view data, const std::string* password = nullptr);

/// Details of one certificate PEM (the first in `cert_pem`).
cert_info describe_cert(const std::string& cert_pem);

/// "2025-01-31T12:00:00Z".
std::string format_time(time_point t);

// ---- verification --------------------------------------------------------------------------

enum class purpose { any, server, client };

struct verify_options {
  std::string trusted_pem;    ///< CA certificates to trust; empty: the system's store
  std::string untrusted_pem;  ///< more intermediates, besides those after the leaf
  std::string host;           ///< check the certificate is valid for this DNS name
  std::string ip;             ///< ... or this IP address
  purpose use = purpose::any;
  std::optional<time_point> at;  ///< verify as of this time instead of now
};

struct verify_result {
  bool valid = false;
  /// When invalid: "expired", "not yet valid", "untrusted", "name mismatch", "wrong purpose",
  /// "name-constraint violation", or "invalid" for anything else.
  std::string reason;
  std::string detail;              ///< OpenSSL's words and the certificate at fault
  int depth = -1;                  ///< which certificate failed (0 the leaf)
  std::vector<std::string> chain;  ///< subjects of the chain that was built, leaf first
};

/// Verifies the first certificate of `chain_pem` (the others are untrusted intermediates)
/// with strict RFC 5280 checks (X509_V_FLAG_X509_STRICT). Throws 65 when `chain_pem` or the
/// trusted PEM holds no certificate, 64 for a malformed --ip.
verify_result verify(const std::string& chain_pem, const verify_options& opts);

/// The reason vitnet gives for an OpenSSL X509_V_ERR_* code (see verify_result::reason).
std::string_view verify_reason(long x509_error);

}  // namespace net::x509

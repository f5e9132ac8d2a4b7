#pragma once
// vitnet tls gen | sign | inspect | verify: certificates that strict verifiers accept, made in
// one command (a CA, an intermediate, server and client leaves, a development pair in the style
// of mkcert, CSRs), and a look inside or a check of any certificate. The X.509 work is
// net::x509's; these commands choose files, defaults and words.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "commands/tls/time.hpp"
#include "core/io.hpp"
#include "net/context.hpp"
#include "net/x509/x509.hpp"

namespace commands {

enum class tls_gen_kind { ca, cert, client, dev, csr };

/// Where generated files go and how.
struct tls_output_options {
  std::string out_dir;  ///< --out-dir; empty: the current directory
  std::string base;     ///< --out: the files' base name instead of the first name's
  bool force = false;   ///< overwrite existing files
  bool p12 = false;     ///< also write NAME.p12
  std::string p12_pass_file;
  bool p12_empty_password = false;
};

/// Validity: --days or --not-after (neither: the kind's default).
struct tls_validity {
  int days = 0;  ///< 0: unset
  std::optional<wall_time> not_after;
};

struct tls_gen_options {
  tls_gen_kind kind = tls_gen_kind::cert;
  std::vector<std::string> names;  ///< SANs (leaves, CSRs)
  net::x509::key_type key = net::x509::key_type::ec_p256;
  tls_validity validity;
  std::string ca, ca_key;     ///< the issuer (cert, client, intermediate ca)
  bool intermediate = false;  ///< ca: signed by --ca
  std::string common_name;    ///< ca: --name
  std::vector<net::x509::name_constraint> permitted;  ///< ca: --name-constraint
  std::string data_dir;  ///< dev: the CA's directory (default $XDG_DATA_HOME/vitnet/ca)
  tls_output_options output;
};

struct tls_sign_options {
  std::string csr;
  std::string ca, ca_key;
  net::x509::purpose use = net::x509::purpose::server;
  tls_validity validity;
  tls_output_options output;
};

struct tls_inspect_options {
  std::string target;  ///< a file (PEM or DER), or HOST:PORT (a live endpoint)
  std::string p12_pass_file;
  std::string ca;                 ///< endpoint: verify its chain against these (default: system)
  std::vector<std::string> alpn;  ///< endpoint: protocols to offer
};

struct tls_verify_options {
  std::string cert;
  std::string ca;         ///< trusted CA certificates; empty: the system store
  std::string untrusted;  ///< intermediates besides those in `cert`
  std::string host, ip;
  net::x509::purpose use = net::x509::purpose::any;
  std::optional<wall_time> at;
};

/// Writes the files of `tls gen`. Exit 0, or throws vitnet::error: 64 for a bad validity or
/// name, 65 for an unusable CA, 66/77 for unreadable inputs, 74 when a file exists (without
/// --force) or cannot be written.
net::task<int> run_tls_gen(net::context& ctx, const tls_gen_options& opts, core::io& io);
net::task<int> run_tls_sign(net::context& ctx, const tls_sign_options& opts, core::io& io);
/// Prints what a file holds, or what a live endpoint's handshake settled and its chain (text,
/// or one JSON document with --json). The endpoint's chain is verified and the verdict shown,
/// but a chain that does not verify is still shown, with exit 0.
net::task<int> run_tls_inspect(net::context& ctx, const tls_inspect_options& opts, core::io& io);
/// Exit 0 when valid; 1 with "vitnet: verify: CERT: <reason>: <detail>" when not.
net::task<int> run_tls_verify(net::context& ctx, const tls_verify_options& opts, core::io& io);

/// A file's base name for a certificate name: "*.example.com" -> "_wildcard.example.com",
/// '/' and other awkward characters -> '_'.
std::string file_base_for(std::string_view name);

// ---- files (commands/tls/files.cpp) ---------------------------------------------------------

/// One file to write: private ones (keys, PKCS#12) get mode 0600, others 0644 less the umask.
struct output_file {
  std::string path;
  std::string data;
  bool secret = false;
  bool keep_existing = false;  ///< never replaced, even with --force (a development CA)
};

/// Writes every file or none: each goes to a new temporary file beside it (O_EXCL), all are
/// synced, then each is linked into place (refused, exit 74, when the path exists) or, with
/// `force`, renamed over it. Paths that exist are reported before anything is written.
void write_outputs(const std::vector<output_file>& files, bool force);

/// Reads an input file as core::read_file does (66 missing, 77 denied), the message led by
/// `role`: "--ca-key k.pem: no such file or directory", "verify: c.pem: ...".
std::string read_input(const std::string& path, std::string_view role);

}  // namespace commands

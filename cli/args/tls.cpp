#include "commands/tls/tls.hpp"

#include <charconv>
#include <memory>

#include "cli/command_table.hpp"
#include "net/tls/parse.hpp"

namespace cli {

namespace {

namespace x509 = net::x509;

const std::vector<std::string> key_types = {"p256",    "p384",    "ed25519",
                                            "rsa2048", "rsa3072", "rsa4096"};

// Options every generator shares: key type, validity and where the files go.
struct common_texts {
  std::string key_type = "p256";
  std::string not_after;
};

void add_key_type(CLI::App& a, common_texts& t) {
  a.add_option("--key-type", t.key_type,
               "key: p256 (ECDSA P-256, the default), p384, ed25519, rsa2048, rsa3072, rsa4096")
      ->check(CLI::IsMember(key_types))
      ->type_name("TYPE");
}

void add_validity(CLI::App& a, commands::tls_validity& v, common_texts& t, bool leaf) {
  // The limit is stated once, in the description; the check names its reason when it refuses.
  int most = leaf ? 825 : 36500;
  auto in_range = [most, leaf](std::string& text) -> std::string {
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1)
      return "'" + text + "' is not a number of days (1 or more)";
    if (n > most)
      return leaf ? "a leaf certificate may be valid for at most 825 days (browsers and Apple "
                    "platforms refuse longer ones)"
                  : "at most 36500 days";
    return {};
  };
  auto* days = a.add_option("--days", v.days,
                            leaf ? "valid for N days (default 397, at most 825: browsers and Apple "
                                   "platforms refuse longer TLS certificates)"
                                 : "valid for N days (default 3650, at most 36500)")
                   ->type_name("N")
                   ->check(CLI::Validator(in_range, ""));
  a.add_option("--not-after", t.not_after,
               "valid until TIME: 2030-01-31, 2030-01-31T12:00:00Z, @UNIX or +90d")
      ->type_name("TIME")
      ->excludes(days);
}

void add_output(CLI::App& a, commands::tls_output_options& o, bool p12) {
  a.add_option("--out-dir", o.out_dir, "write the files into DIR (made if missing)")
      ->type_name("DIR");
  a.add_option("--out", o.base, "name the files BASE.pem and BASE-key.pem instead")
      ->type_name("BASE");
  a.add_flag("--force", o.force, "overwrite files that exist");
  if (!p12) return;
  a.add_flag("--p12", o.p12, "also write NAME.p12 (PKCS#12, AES-256, mode 0600)");
  auto* pass = a.add_option("--p12-pass-file", o.p12_pass_file,
                            "the PKCS#12 password is the first line of FILE")
                   ->type_name("FILE");
  a.add_flag("--p12-empty-password", o.p12_empty_password,
             "write the PKCS#12 with an empty password")
      ->excludes(pass);
}

void finish_common(const common_texts& t, x509::key_type& key, commands::tls_validity& v,
                   const commands::tls_output_options* out) {
  key = *x509::parse_key_type(t.key_type);
  if (!t.not_after.empty()) {
    v.not_after = commands::parse_time(t.not_after, std::chrono::system_clock::now());
    if (!v.not_after)
      throw CLI::ValidationError("--not-after", "'" + t.not_after +
                                                    "' is not a time (2030-01-31, "
                                                    "2030-01-31T12:00:00Z, @UNIX, +90d)");
  }
  if (out && out->p12 && out->p12_pass_file.empty() && !out->p12_empty_password)
    throw CLI::ValidationError("--p12",
                               "give the password with --p12-pass-file FILE, or say "
                               "--p12-empty-password");
  if (out && !out->p12 && (!out->p12_pass_file.empty() || out->p12_empty_password))
    throw CLI::ValidationError("--p12-pass-file", "only with --p12");
}

x509::purpose purpose_arg(const std::string& text) {
  if (text == "server") return x509::purpose::server;
  if (text == "client") return x509::purpose::client;
  return x509::purpose::any;
}

void define_gen_kind(CLI::App& gen, commands::tls_gen_kind kind, runner& chosen) {
  using commands::tls_gen_kind;
  static const std::map<tls_gen_kind, std::pair<const char*, const char*>> what = {
      {tls_gen_kind::ca, {"ca", "a root CA, or with --intermediate one signed by --ca"}},
      {tls_gen_kind::cert, {"cert", "a server certificate for NAME... signed by --ca"}},
      {tls_gen_kind::client, {"client", "a client certificate (clientAuth) signed by --ca"}},
      {tls_gen_kind::dev,
       {"dev", "a server certificate from a development CA made on first use (like mkcert)"}},
      {tls_gen_kind::csr, {"csr", "a key and a certificate signing request for NAME..."}}};
  auto* a = gen.add_subcommand(what.at(kind).first, what.at(kind).second);
  a->fallthrough();
  auto o = std::make_shared<commands::tls_gen_options>();
  auto t = std::make_shared<common_texts>();
  auto constraints = std::make_shared<std::vector<std::string>>();
  o->kind = kind;
  bool leaf = kind != tls_gen_kind::ca;
  if (leaf)
    a->add_option("names", o->names,
                  "names for the SAN, auto-typed: DNS name, *.wildcard, IP address, email, URI; "
                  "the first is also the CN and the file name")
        ->required()
        ->type_name("NAME");
  add_key_type(*a, *t);
  if (kind != tls_gen_kind::csr) add_validity(*a, o->validity, *t, leaf);
  if (kind == tls_gen_kind::ca) {
    a->add_flag("--intermediate", o->intermediate,
                "an intermediate CA (pathlen 0) signed by --ca, instead of a root");
    a->add_option("--name", o->common_name, "the CA's common name (default 'vitnet root CA')")
        ->type_name("CN");
    a->add_option("--name-constraint", *constraints,
                  "permit only names under DNS:NAME or IP:BLOCK (repeatable)")
        ->type_name("CONSTRAINT")
        ->allow_extra_args(false);
  }
  if (kind == tls_gen_kind::ca || kind == tls_gen_kind::cert || kind == tls_gen_kind::client) {
    a->add_option("--ca", o->ca, "the issuing CA's certificate (PEM; a chain file is fine)")
        ->type_name("FILE");
    a->add_option("--ca-key", o->ca_key, "the issuing CA's key (default: CA-key.pem beside --ca)")
        ->type_name("FILE");
  }
  add_output(*a, o->output, kind != tls_gen_kind::ca && kind != tls_gen_kind::csr);
  a->callback([o, t, constraints, &chosen] {
    finish_common(*t, o->key, o->validity, &o->output);
    if (o->kind == tls_gen_kind::ca) {
      o->permitted.clear();
      for (const auto& c : *constraints) o->permitted.push_back(x509::parse_name_constraint(c));
      if (o->intermediate && o->ca.empty())
        throw CLI::ValidationError("--intermediate", "needs --ca (and --ca-key) to sign with");
      if (!o->intermediate && !o->ca.empty())
        throw CLI::ValidationError("--ca", "signs an intermediate CA: add --intermediate");
    }
    if ((o->kind == tls_gen_kind::cert || o->kind == tls_gen_kind::client) && o->ca.empty())
      throw CLI::ValidationError(
          "--ca", "needed to sign with ('vitnet tls gen dev' makes and reuses a development CA)");
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_tls_gen(ctx, *o, io); };
  });
}

}  // namespace

void define_tls(CLI::App& sub, runner& chosen) {
  sub.require_subcommand(1);
  auto* gen = sub.add_subcommand(
      "gen", "make a key and a certificate: ca, cert, client, dev (one shot) or csr");
  gen->fallthrough();
  gen->require_subcommand(1);
  for (auto k :
       {commands::tls_gen_kind::ca, commands::tls_gen_kind::cert, commands::tls_gen_kind::client,
        commands::tls_gen_kind::dev, commands::tls_gen_kind::csr})
    define_gen_kind(*gen, k, chosen);

  {
    auto* a = sub.add_subcommand("sign", "sign a certificate signing request with a CA");
    a->fallthrough();
    auto o = std::make_shared<commands::tls_sign_options>();
    auto t = std::make_shared<common_texts>();
    auto use = std::make_shared<std::string>("server");
    a->add_option("csr", o->csr, "the request (PEM or DER)")->required()->type_name("CSR_FILE");
    a->add_option("--ca", o->ca, "the issuing CA's certificate (PEM; a chain file is fine)")
        ->required()
        ->type_name("FILE");
    a->add_option("--ca-key", o->ca_key, "the issuing CA's key (default: CA-key.pem beside --ca)")
        ->type_name("FILE");
    a->add_option("--purpose", *use, "server (the default) or client")
        ->check(CLI::IsMember({"server", "client"}))
        ->type_name("USE");
    add_validity(*a, o->validity, *t, true);
    add_output(*a, o->output, false);
    a->callback([o, t, use, &chosen] {
      x509::key_type unused;
      finish_common(*t, unused, o->validity, nullptr);
      o->use = purpose_arg(*use);
      chosen = [o](net::context& ctx, core::io& io) { return commands::run_tls_sign(ctx, *o, io); };
    });
  }
  {
    auto* a = sub.add_subcommand("inspect",
                                 "show what a certificate, chain, CSR, key or PKCS#12 file holds");
    a->fallthrough();
    auto o = std::make_shared<commands::tls_inspect_options>();
    auto alpn = std::make_shared<std::string>();
    a->add_option("target", o->target,
                  "a file (PEM or DER), or HOST:PORT of a TLS server to connect to")
        ->required()
        ->type_name("FILE|ENDPOINT");
    a->add_option("--p12-pass-file", o->p12_pass_file,
                  "open a PKCS#12 with the password on the first line of FILE")
        ->type_name("FILE");
    a->add_option("--ca", o->ca,
                  "HOST:PORT: verify the server's chain against these CA certificates "
                  "(default: the system's store)")
        ->type_name("FILE");
    a->add_option("--alpn", *alpn, "HOST:PORT: offer these protocols (h2,http/1.1)")
        ->type_name("LIST");
    a->callback([o, alpn, &chosen] {
      o->alpn = net::split_alpn_list(*alpn);
      chosen = [o](net::context& ctx, core::io& io) {
        return commands::run_tls_inspect(ctx, *o, io);
      };
    });
  }
  {
    auto* a = sub.add_subcommand(
        "verify", "check a certificate chain: trust, validity, name and purpose (exit 1 if not)");
    a->fallthrough();
    auto o = std::make_shared<commands::tls_verify_options>();
    auto use = std::make_shared<std::string>();
    auto at = std::make_shared<std::string>();
    a->add_option("cert", o->cert, "the certificate, followed by its intermediates (PEM)")
        ->required()
        ->type_name("CERT_FILE");
    a->add_option("--ca", o->ca, "trust these CA certificates (default: the system's store)")
        ->type_name("FILE");
    a->add_option("--untrusted", o->untrusted, "intermediate certificates to build the chain")
        ->type_name("FILE");
    auto* host = a->add_option("--host", o->host, "the certificate must be valid for this name")
                     ->type_name("NAME");
    a->add_option("--ip", o->ip, "the certificate must be valid for this IP address")
        ->type_name("ADDR")
        ->excludes(host);
    a->add_option("--purpose", *use, "the certificate must allow server or client authentication")
        ->check(CLI::IsMember({"server", "client"}))
        ->type_name("USE");
    a->add_option("--at", *at, "verify as of TIME: 2030-01-31, 2030-01-31T12:00:00Z, @UNIX, +90d")
        ->type_name("TIME");
    a->callback([o, use, at, &chosen] {
      o->use = purpose_arg(*use);
      if (!at->empty()) {
        o->at = commands::parse_time(*at, std::chrono::system_clock::now());
        if (!o->at)
          throw CLI::ValidationError(
              "--at",
              "'" + *at + "' is not a time (2030-01-31, 2030-01-31T12:00:00Z, @UNIX, +90d)");
      }
      // An address given to --host is checked as one.
      if (!o->host.empty() && net::ip_address::parse(o->host)) std::swap(o->host, o->ip);
      chosen = [o](net::context& ctx, core::io& io) {
        return commands::run_tls_verify(ctx, *o, io);
      };
    });
  }
}

}  // namespace cli

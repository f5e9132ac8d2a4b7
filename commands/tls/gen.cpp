// vitnet tls gen (ca, cert, client, dev, csr) and vitnet tls sign: keys and certificates written
// as NAME.pem and NAME-key.pem (0600), with a chain file when an intermediate signed, and
// PKCS#12 on request.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "commands/tls/tls.hpp"
#include "core/error.hpp"

namespace commands {

using core::exit_code;
namespace x509 = net::x509;
using namespace std::chrono_literals;

namespace {

constexpr int leaf_default_days = 397;
// Apple platforms refuse TLS server certificates valid longer than this, and so will anyone
// following the CA/Browser Forum; vitnet refuses to make one rather than let it fail later.
constexpr int leaf_max_days = 825;
constexpr int ca_default_days = 3650;
constexpr auto day = std::chrono::hours(24);

struct window {
  wall_time not_before, not_after;
};

// The validity a certificate gets: --days or --not-after, or the kind's default; a leaf may not
// exceed 825 days.
window validity_for(const tls_validity& v, bool leaf) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  // A minute of slack for a peer whose clock is a little behind.
  window w{now - 1min, {}};
  if (v.not_after) {
    if (*v.not_after <= now)
      vitnet::fail(exit_code::usage, "--not-after {}: that is not in the future",
                   x509::format_time(*v.not_after));
    w.not_after = std::chrono::floor<std::chrono::seconds>(*v.not_after);
    if (leaf && w.not_after - now > leaf_max_days * day)
      vitnet::fail(exit_code::usage,
                   "--not-after {}: a leaf certificate may be valid for at most {} days "
                   "(browsers and Apple platforms refuse longer ones)",
                   x509::format_time(w.not_after), leaf_max_days);
    if (leaf) w.not_before = std::max(w.not_before, w.not_after - leaf_max_days * day);
    return w;
  }
  int days = v.days ? v.days : leaf ? leaf_default_days : ca_default_days;
  if (leaf && days > leaf_max_days)
    vitnet::fail(exit_code::usage,
                 "--days {}: a leaf certificate may be valid for at most {} days (browsers and "
                 "Apple platforms refuse longer ones)",
                 days, leaf_max_days);
  w.not_after = w.not_before + days * day;
  return w;
}

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : (std::filesystem::path(dir) / name).string();
}

// The issuer of a certificate: its certificate and key, and what follows a leaf it signs in a
// chain file (itself and the intermediates above it; never the root).
struct issuer {
  x509::authority auth;
  x509::cert_info info;
  std::string cert_path;
  std::string chain_pem;
  std::vector<output_file> pending;  ///< a new development CA, written with the leaf
};

std::string default_key_path(const std::string& ca) {
  std::string stem = ca;
  for (const char* ext : {".pem", ".crt", ".cer"})
    if (stem.size() > 4 && stem.ends_with(ext)) stem.resize(stem.size() - 4);
  return stem + "-key.pem";
}

// `roles` lead messages about the two files: the options that named them, or "dev:".
issuer load_issuer(const std::string& ca, const std::string& ca_key,
                   std::pair<std::string_view, std::string_view> roles = {"--ca", "--ca-key"}) {
  issuer is;
  is.cert_path = ca;
  is.auth.cert_pem = read_input(ca, roles.first);
  std::string key_path = ca_key;
  if (key_path.empty()) {
    key_path = default_key_path(ca);
    struct stat st {};
    if (::stat(key_path.c_str(), &st) != 0)
      vitnet::fail(exit_code::usage, "--ca {}: give its key with --ca-key (no {} beside it)", ca,
                   key_path);
  }
  is.auth.key_pem = read_input(key_path, roles.second);
  std::vector<std::string> certs;
  try {
    certs = x509::split_certificates(is.auth.cert_pem);
    if (certs.empty()) vitnet::fail(exit_code::data, "no certificate found");
    is.info = x509::describe_cert(certs.front());
  } catch (const vitnet::error& e) {
    throw vitnet::error(e.code(), fmt::format("{}: {}", ca, e.what()));
  }
  bool matches = false;
  try {
    matches = x509::key_matches(certs.front(), is.auth.key_pem);
  } catch (const vitnet::error& e) {
    throw vitnet::error(e.code(), fmt::format("{}: {}", key_path, e.what()));
  }
  if (!matches)
    vitnet::fail(exit_code::data, "{}: this key does not match the CA certificate {}", key_path,
                 ca);
  if (!is.info.is_ca)
    vitnet::fail(exit_code::data, "{}: '{}' is not a CA certificate (basicConstraints CA:FALSE)",
                 ca, is.info.subject);
  for (const auto& pem : certs)
    if (!x509::describe_cert(pem).self_signed) is.chain_pem += pem;
  return is;
}

// Warns when a certificate would outlive its issuer: verifiers reject it from then on.
void warn_outlives(core::io& io, const std::string& path, const x509::cert_info& made,
                   const issuer* by) {
  if (by && made.not_after_unix > by->info.not_after_unix)
    io.warn("{}: valid until {}, but its issuer {} expires at {}; it will not verify after that",
            path, made.not_after, by->cert_path, by->info.not_after);
}

std::string p12_password(const tls_output_options& o) {
  if (o.p12_empty_password) return {};
  std::string pass = read_input(o.p12_pass_file, "--p12-pass-file");
  if (auto nl = pass.find_first_of("\r\n"); nl != std::string::npos) pass.resize(nl);
  if (pass.empty())
    vitnet::fail(exit_code::usage,
                 "--p12-pass-file {}: the file is empty (for no password, say "
                 "--p12-empty-password)",
                 o.p12_pass_file);
  return pass;
}

nlohmann::ordered_json path_or_null(const std::string& p) {
  return p.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p);
}

// What a gen or sign wrote, for the summary.
struct written {
  std::string cert, key, chain, p12, csr;
};

void print_summary(core::io& io, const written& w, const x509::cert_info* c,
                   nlohmann::ordered_json extra = nlohmann::ordered_json::object()) {
  if (io.json()) {
    nlohmann::ordered_json j{{"certificate", path_or_null(w.cert)},
                             {"key", path_or_null(w.key)},
                             {"chain", path_or_null(w.chain)},
                             {"p12", path_or_null(w.p12)},
                             {"csr", path_or_null(w.csr)}};
    if (c) {
      j["subject"] = c->subject;
      j["issuer"] = c->issuer;
      j["names"] = c->names;
      j["key_type"] = c->key;
      j["serial"] = c->serial;
      j["sha256"] = c->sha256;
      j["not_before"] = c->not_before;
      j["not_after"] = c->not_after;
      j["is_ca"] = c->is_ca;
    }
    for (auto& [k, v] : extra.items()) j[k] = v;
    io.out(j.dump(2) + "\n");
    return;
  }
  std::string s;
  auto line = [&s](std::string_view k, const std::string& v) {
    if (!v.empty()) s += fmt::format("{:<12} {}\n", k, v);
  };
  line("certificate", w.cert);
  line("csr", w.csr);
  line("key", w.key.empty() ? "" : w.key + " (mode 0600)");
  line("chain", w.chain);
  line("pkcs12", w.p12.empty() ? "" : w.p12 + " (mode 0600)");
  if (c) {
    line("subject", c->subject);
    std::string names;
    for (auto& n : c->names) names += (names.empty() ? "" : ", ") + n;
    line("names", names);
    line("key type", c->key);
    line("valid", c->not_before + " to " + c->not_after);
    line("sha256", c->sha256);
  }
  io.out(s);
}

// The leaf files: NAME.pem, NAME-key.pem, NAME-chain.pem when an intermediate signed, NAME.p12.
written write_leaf(const x509::issued& made, const issuer* by, const std::string& base,
                   const tls_output_options& out, const std::string& friendly) {
  written w;
  std::vector<output_file> files;
  w.cert = join(out.out_dir, base + ".pem");
  files.push_back({w.cert, made.cert_pem, false});
  if (!made.key_pem.empty()) {
    w.key = join(out.out_dir, base + "-key.pem");
    files.push_back({w.key, made.key_pem, true});
  }
  std::string chain = by ? by->chain_pem : std::string();
  if (!chain.empty()) {
    w.chain = join(out.out_dir, base + "-chain.pem");
    files.push_back({w.chain, made.cert_pem + chain, false});
  }
  if (out.p12) {
    w.p12 = join(out.out_dir, base + ".p12");
    files.push_back(
        {w.p12, x509::to_pkcs12(made.cert_pem, made.key_pem, chain, p12_password(out), friendly),
         true});
  }
  if (by) files.insert(files.end(), by->pending.begin(), by->pending.end());
  write_outputs(files, out.force);
  return w;
}

std::string user_at_host() {
  std::string user;
  if (const char* u = std::getenv("USER"); u && *u) user = u;
  if (user.empty())
    if (passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{}@{}", user.empty() ? "user" : user, host);
}

std::string dev_ca_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && xdg[0] == '/')
    return std::string(xdg) + "/vitnet/ca";
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    vitnet::fail(exit_code::config,
                 "dev: neither XDG_DATA_HOME nor HOME is set: no place for the CA");
  return std::string(home) + "/.local/share/vitnet/ca";
}

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// The development CA: reused from its directory, or made there on first use.
issuer dev_issuer(core::io& io, const tls_gen_options& o, nlohmann::ordered_json& extra) {
  std::string dir = dev_ca_dir();
  std::string cert = dir + "/ca.pem", key = dir + "/ca-key.pem";
  bool have_cert = file_exists(cert), have_key = file_exists(key);
  if (have_cert != have_key)
    vitnet::fail(exit_code::data, "{}: {} without {}; remove the directory to make a new CA", dir,
                 have_cert ? cert : key, have_cert ? key : cert);
  if (!have_cert) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) vitnet::fail_os("dev", dir, ec);
    ::chmod(dir.c_str(), 0700);
    x509::cert_spec spec;
    spec.kind = x509::profile::root_ca;
    spec.common_name = "vitnet development CA " + user_at_host();
    spec.organization = "vitnet development CA";
    auto w = validity_for({}, false);
    spec.not_before = w.not_before;
    spec.not_after = w.not_after;
    auto made = x509::issue(spec, o.key, nullptr);
    issuer is;
    is.cert_path = cert;
    is.auth = {made.cert_pem, made.key_pem};
    is.info = x509::describe_cert(made.cert_pem);
    // Written with the leaf, in one go: a failure leaves neither.
    is.pending = {{key, made.key_pem, true, true}, {cert, made.cert_pem, false, true}};
    extra["ca"] = {
        {"certificate", cert}, {"key", key}, {"created", true}, {"sha256", is.info.sha256}};
    return is;
  } else {
    struct stat st {};
    if (::stat(key.c_str(), &st) == 0 && (st.st_mode & 077))
      io.warn("{}: the CA key is readable by others (mode {:04o}); chmod 600 it", key,
              st.st_mode & 0777);
  }
  issuer is = load_issuer(cert, key, {"dev:", "dev:"});
  auto now = std::chrono::system_clock::now();
  if (is.info.not_after_unix <= std::chrono::system_clock::to_time_t(now))
    vitnet::fail(exit_code::data,
                 "{}: the development CA expired at {}; remove {} to make a new one", cert,
                 is.info.not_after, dir);
  extra["ca"] = {
      {"certificate", cert}, {"key", key}, {"created", false}, {"sha256", is.info.sha256}};
  return is;
}

// Where the development CA is and how to trust it, once its files are in place.
void note_dev_ca(core::io& io, const nlohmann::ordered_json& extra) {
  const auto& ca = extra.at("ca");
  std::string cert = ca.at("certificate");
  io.note("{} development CA {}", ca.at("created").get<bool>() ? "created the" : "using the", cert);
  io.note(
      "trust it: curl --cacert {0}; NODE_EXTRA_CA_CERTS={0}; system-wide on Debian: "
      "sudo cp {0} /usr/local/share/ca-certificates/vitnet-dev-ca.crt && "
      "sudo update-ca-certificates",
      cert);
}

int gen_ca(core::io& io, const tls_gen_options& o) {
  std::optional<issuer> by;
  if (o.intermediate) by = load_issuer(o.ca, o.ca_key);
  x509::cert_spec spec;
  spec.kind = o.intermediate ? x509::profile::intermediate_ca : x509::profile::root_ca;
  spec.common_name = !o.common_name.empty() ? o.common_name
                     : o.intermediate       ? "vitnet intermediate CA"
                                            : "vitnet root CA";
  spec.permitted = o.permitted;
  auto w = validity_for(o.validity, false);
  spec.not_before = w.not_before;
  spec.not_after = w.not_after;
  x509::issued made;
  try {
    made = x509::issue(spec, o.key, by ? &by->auth : nullptr);
  } catch (const vitnet::error& e) {
    if (e.code() != exit_code::data || !by) throw;
    throw vitnet::error(e.code(), fmt::format("{}: {}", by->cert_path, e.what()));
  }
  std::string base = !o.output.base.empty() ? o.output.base
                     : o.intermediate       ? "intermediate"
                                            : "ca";
  written wr;
  wr.cert = join(o.output.out_dir, base + ".pem");
  wr.key = join(o.output.out_dir, base + "-key.pem");
  std::vector<output_file> files{{wr.cert, made.cert_pem, false}, {wr.key, made.key_pem, true}};
  if (by && !by->chain_pem.empty()) {
    wr.chain = join(o.output.out_dir, base + "-chain.pem");
    files.push_back({wr.chain, made.cert_pem + by->chain_pem, false});
  }
  write_outputs(files, o.output.force);
  auto info = x509::describe_cert(made.cert_pem);
  warn_outlives(io, wr.cert, info, by ? &*by : nullptr);
  print_summary(io, wr, &info);
  return 0;
}

int gen_leaf(core::io& io, const tls_gen_options& o) {
  for (const auto& n : o.names) (void)x509::classify_name(n);  // bad names before any work
  auto w = validity_for(o.validity, true);
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  issuer by = o.kind == tls_gen_kind::dev ? dev_issuer(io, o, extra) : load_issuer(o.ca, o.ca_key);
  x509::cert_spec spec;
  spec.kind = o.kind == tls_gen_kind::client ? x509::profile::client : x509::profile::server;
  spec.names = o.names;
  spec.not_before = w.not_before;
  spec.not_after = w.not_after;
  x509::issued made;
  try {
    made = x509::issue(spec, o.key, &by.auth);
  } catch (const vitnet::error& e) {
    if (e.code() != exit_code::data) throw;
    throw vitnet::error(e.code(), fmt::format("{}: {}", by.cert_path, e.what()));
  }
  std::string base = !o.output.base.empty() ? o.output.base : file_base_for(o.names.front());
  auto wr = write_leaf(made, &by, base, o.output, o.names.front());
  if (o.kind == tls_gen_kind::dev) note_dev_ca(io, extra);
  auto info = x509::describe_cert(made.cert_pem);
  warn_outlives(io, wr.cert, info, &by);
  print_summary(io, wr, &info, extra);
  return 0;
}

int gen_csr(core::io& io, const tls_gen_options& o) {
  for (const auto& n : o.names) (void)x509::classify_name(n);
  auto made = x509::make_csr(o.names, o.key);
  std::string base = !o.output.base.empty() ? o.output.base : file_base_for(o.names.front());
  written wr;
  wr.csr = join(o.output.out_dir, base + ".csr");
  wr.key = join(o.output.out_dir, base + "-key.pem");
  write_outputs({{wr.csr, made.cert_pem, false}, {wr.key, made.key_pem, true}}, o.output.force);
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  std::vector<std::string> names;
  for (const auto& n : o.names) names.push_back(x509::to_string(x509::classify_name(n)));
  extra["names"] = names;
  extra["key_type"] = std::string(x509::key_type_name(o.key));
  if (!io.json()) {
    std::string all;
    for (auto& n : names) all += (all.empty() ? "" : ", ") + n;
    io.out(fmt::format("{:<12} {}\n{:<12} {} (mode 0600)\n{:<12} {}\n", "csr", wr.csr, "key",
                       wr.key, "names", all));
    return 0;
  }
  print_summary(io, wr, nullptr, extra);
  return 0;
}

}  // namespace

net::task<int> run_tls_gen(net::context&, const tls_gen_options& o, core::io& io) {
  switch (o.kind) {
    case tls_gen_kind::ca:
      co_return gen_ca(io, o);
    case tls_gen_kind::csr:
      co_return gen_csr(io, o);
    default:
      co_return gen_leaf(io, o);
  }
}

net::task<int> run_tls_sign(net::context&, const tls_sign_options& o, core::io& io) {
  std::string csr = read_input(o.csr, "sign:");
  auto w = validity_for(o.validity, true);
  issuer by = load_issuer(o.ca, o.ca_key);
  x509::cert_spec spec;
  spec.kind = o.use == x509::purpose::client ? x509::profile::client : x509::profile::server;
  spec.not_before = w.not_before;
  spec.not_after = w.not_after;
  x509::issued made;
  try {
    made = x509::sign_csr(csr, spec, by.auth);
  } catch (const vitnet::error& e) {
    throw vitnet::error(e.code(), fmt::format("{}: {}", o.csr, e.what()));
  }
  auto info = x509::describe_cert(made.cert_pem);
  std::string base = o.output.base;
  if (base.empty()) {
    std::string first = info.names.empty() ? "cert" : info.names.front();
    if (auto colon = first.find(':'); colon != std::string::npos) first.erase(0, colon + 1);
    base = file_base_for(first);
  }
  auto wr = write_leaf(made, &by, base, o.output, base);
  warn_outlives(io, wr.cert, info, &by);
  print_summary(io, wr, &info);
  co_return 0;
}

}  // namespace commands

// vitnet tls verify CERT: is this certificate good for this use, now or at --at? Exit 0 yes,
// 1 no with the reason a person acts on (expired, untrusted, name mismatch, wrong purpose,
// name-constraint violation).
#include <nlohmann/json.hpp>

#include "commands/tls/tls.hpp"
#include "core/error.hpp"

namespace commands {

using core::exit_code;
namespace x509 = net::x509;

net::task<int> run_tls_verify(net::context&, const tls_verify_options& o, core::io& io) {
  x509::verify_options v;
  std::string chain = read_input(o.cert, "verify:");
  if (!o.ca.empty()) v.trusted_pem = read_input(o.ca, "--ca");
  if (!o.untrusted.empty()) v.untrusted_pem = read_input(o.untrusted, "--untrusted");
  v.host = o.host;
  v.ip = o.ip;
  v.use = o.use;
  v.at = o.at;
  x509::verify_result r;
  try {
    r = x509::verify(chain, v);
  } catch (const vitnet::error& e) {
    // Which file was bad: the certificate's unless the message is about the CA.
    std::string_view what = e.what();
    const std::string& file =
        what.find("CA") != std::string_view::npos && !o.ca.empty() ? o.ca : o.cert;
    throw vitnet::error(e.code(), fmt::format("verify: {}: {}", file, what));
  }
  if (io.json()) {
    using json = nlohmann::ordered_json;
    json j{{"file", o.cert},
           {"valid", r.valid},
           {"reason", r.valid ? json(nullptr) : json(r.reason)},
           {"detail", r.valid ? json(nullptr) : json(r.detail)},
           {"depth", r.valid ? json(nullptr) : json(r.depth)},
           {"chain", r.chain}};
    io.out(j.dump(2) + "\n");
  } else if (r.valid) {
    std::string chain_text;
    for (const auto& s : r.chain) chain_text += (chain_text.empty() ? "" : " <- ") + s;
    io.out(fmt::format("{}: valid: {}\n", o.cert, chain_text));
  }
  if (r.valid) co_return 0;
  io.error("verify: {}: {}: {}", o.cert, r.reason, r.detail);
  co_return core::to_int(exit_code::no);
}

}  // namespace commands

#include "commands/dns/report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/text.hpp"

namespace commands::dns {

namespace pd = proto::dns;

core::exit_code lookup_report::exit() const {
  if (!reply) return code == core::exit_code::ok ? core::exit_code::internal : code;
  if (reply->rcode == pd::rcode::nxdomain) return core::exit_code::no;
  if (reply->rcode != pd::rcode::noerror) return core::exit_code::protocol;
  if (reply->answers.empty()) return core::exit_code::no;
  return core::exit_code::ok;
}

std::string lookup_report::status() const {
  if (!reply) return code == core::exit_code::timeout ? "timeout" : "error";
  if (reply->rcode == pd::rcode::noerror) return reply->answers.empty() ? "nodata" : "answered";
  std::string s = pd::rcode_name(reply->rcode);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

namespace {

double ms(net::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string flags(const pd::message& m) {
  std::string f;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!f.empty()) f += ' ';
    f += name;
  };
  add(m.qr, "qr");
  add(m.aa, "aa");
  add(m.tc, "tc");
  add(m.rd, "rd");
  add(m.ra, "ra");
  add(m.ad, "ad");
  add(m.cd, "cd");
  if (m.opt && m.opt->dnssec_ok) add(true, "do");
  return f;
}

void section_lines(std::string& out, const std::vector<pd::record>& rs) {
  std::size_t w = 0;
  for (auto& r : rs) w = std::max(w, r.owner.to_string().size());
  for (auto& r : rs)
    out += fmt::format("{:<{}}  {:>6}  {:<2}  {:<6}  {}\n", r.owner.to_string(), w, r.ttl,
                       pd::class_name(r.rclass), pd::type_name(r.type),
                       pd::data_to_string(r.type, r.data));
}

nlohmann::ordered_json rr_json(const pd::record& r) {
  nlohmann::ordered_json j;
  j["NAME"] = r.owner.to_string();
  j["TYPE"] = r.type;
  j["TYPEname"] = pd::type_name(r.type);
  j["CLASS"] = r.rclass;
  j["CLASSname"] = pd::class_name(r.rclass);
  j["TTL"] = r.ttl;
  j["RDLENGTH"] = r.data.size();
  std::string text = pd::data_to_string(r.type, r.data);
  if (text.starts_with("\\# ")) {
    std::string hex;
    for (unsigned char c : r.data) hex += fmt::format("{:02X}", c);
    j["RDATAHEX"] = hex;
  } else {
    j["rdata" + pd::type_name(r.type)] = text;
  }
  return j;
}

}  // namespace

nlohmann::ordered_json message_json(const pd::message& m) {
  nlohmann::ordered_json j;
  j["ID"] = m.id;
  j["QR"] = m.qr ? 1 : 0;
  j["Opcode"] = m.opcode;
  j["AA"] = m.aa ? 1 : 0;
  j["TC"] = m.tc ? 1 : 0;
  j["RD"] = m.rd ? 1 : 0;
  j["RA"] = m.ra ? 1 : 0;
  j["AD"] = m.ad ? 1 : 0;
  j["CD"] = m.cd ? 1 : 0;
  j["RCODE"] = m.rcode;
  j["QDCOUNT"] = m.questions.size();
  j["ANCOUNT"] = m.answers.size();
  j["NSCOUNT"] = m.authority.size();
  j["ARCOUNT"] = m.additional.size() + (m.opt ? 1 : 0);
  if (!m.questions.empty()) {
    auto& q = m.questions[0];
    j["QNAME"] = q.qname.to_string();
    j["QTYPE"] = q.qtype;
    j["QTYPEname"] = pd::type_name(q.qtype);
    j["QCLASS"] = q.qclass;
    j["QCLASSname"] = pd::class_name(q.qclass);
  }
  for (auto [key, sec] :
       {std::pair{"answerRRs", &m.answers}, std::pair{"authorityRRs", &m.authority},
        std::pair{"additionalRRs", &m.additional}}) {
    auto arr = nlohmann::ordered_json::array();
    for (auto& r : *sec) arr.push_back(rr_json(r));
    j[key] = std::move(arr);
  }
  return j;
}

std::string lookup_report::summary_line() const {
  std::string q = fmt::format("{} {}", qname, pd::type_name(qtype));
  if (!reply) return fmt::format(";; {}: {} ({})", q, status(), failure);
  std::string via = system ? "the system" : fmt::format("{} over {}", server, transport);
  return fmt::format(";; {}: {} from {} in {:.1f} ms ({})", q, pd::rcode_name(reply->rcode), via,
                     ms(elapsed), flags(*reply));
}

void print_report(core::io& io, const lookup_report& r, bool short_output, bool first,
                  bool expected_empty) {
  const char* name_only = r.qname.c_str();
  if (io.json()) {
    nlohmann::ordered_json j;
    j["query"] = r.qname;
    j["type"] = pd::type_name(r.qtype);
    j["class"] = pd::class_name(r.qclass);
    j["server"] = r.server;
    j["transport"] = r.transport;
    j["status"] = r.status();
    j["time_ms"] = std::round(ms(r.elapsed) * 1000) / 1000;
    if (r.reply) {
      j["rcode"] = pd::rcode_name(r.reply->rcode);
      j["size"] = r.size;
      auto ede = nlohmann::ordered_json::array();
      for (auto& e : r.reply->extended_errors()) {
        nlohmann::ordered_json x{{"info_code", e.info_code},
                                 {"name", std::string(pd::extended_error_name(e.info_code))}};
        if (!e.text.empty()) x["text"] = e.text;
        ede.push_back(std::move(x));
      }
      j["ede"] = std::move(ede);
      if (auto nsid = r.reply->nsid()) j["nsid"] = *nsid;
      j["message"] = message_json(*r.reply);
    } else {
      j["error"] = r.failure;
    }
    if (!r.hops.empty()) j["trace"] = r.hops;
    // EDE texts and NSIDs are the server's bytes: what is not UTF-8 becomes U+FFFD.
    io.out(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  } else if (short_output) {
    if (r.reply)
      for (auto& a : r.reply->answers)
        if (a.type == r.qtype || r.qtype == pd::type::any)
          io.out(pd::data_to_string(a.type, a.data) + "\n");
  } else {
    std::string out = first ? "" : "\n";
    for (auto& h : r.hops) {
      if (&h == &r.hops.back()) break;
      out += h + "\n";
    }
    out += r.summary_line() + "\n";
    if (r.reply) {
      for (auto& e : r.reply->extended_errors())
        out += fmt::format(";; EDE {} ({}){}\n", e.info_code, pd::extended_error_name(e.info_code),
                           e.text.empty() ? "" : ": " + e.text);
      section_lines(out, r.reply->answers);
      if (io.options().verbosity > 0 || r.reply->answers.empty()) {
        if (!r.reply->authority.empty()) {
          out += ";; authority\n";
          section_lines(out, r.reply->authority);
        }
      }
      if (io.options().verbosity > 0 && !r.reply->additional.empty()) {
        out += ";; additional\n";
        section_lines(out, r.reply->additional);
      }
    }
    io.out(out);
  }
  // Why there is no answer, on stderr as well: --short and --json print nothing of it there.
  if (!r.reply) {
    io.error("{}", r.failure);
  } else if (r.exit() != core::exit_code::ok && !expected_empty) {
    std::string what = r.reply->rcode == pd::rcode::noerror ? "no data (NOERROR, no answer)"
                                                            : pd::rcode_name(r.reply->rcode);
    if (r.exit() == core::exit_code::no)
      io.note("resolve: {} {}: {} from {}", name_only, pd::type_name(r.qtype), what, r.server);
    else
      io.error("resolve: {} {}: {} from {}", name_only, pd::type_name(r.qtype), what, r.server);
  }
}

}  // namespace commands::dns

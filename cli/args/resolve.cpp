#include "commands/dns/resolve.hpp"

#include <memory>

#include "cli/command_table.hpp"
#include "core/error.hpp"
#include "proto/dns/message.hpp"

namespace cli {

void define_resolve(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::dns::resolve_options>();
  auto timeout = std::make_shared<std::string>();
  auto qclass = std::make_shared<std::string>();
  sub.add_option("words", o->words,
                 "names to look up, record types (A, AAAA, MX, TXT, SRV, ANY, TYPE65, ...) and "
                 "@SERVER, in any order after the first name")
      ->type_name("NAME|TYPE|@SERVER");
  sub.add_option("-s,--server", o->server,
                 "ask this server: HOST[:PORT] or udp://, tcp://, tls:// (DNS over TLS, 853), "
                 "quic:// (DNS over QUIC, 853), https://HOST/dns-query (DNS over HTTPS); "
                 "default: --resolver, else the system")
      ->type_name("URL");
  sub.add_option("-f,--file", o->file, "also look up each line of FILE: NAME [TYPE...] (- stdin)")
      ->type_name("FILE");
  sub.add_flag("-x,--reverse", o->reverse, "the names are addresses: ask their PTR records");
  sub.add_flag("--short", o->short_output,
               "print only the answers' values, one per line (for scripts)");
  sub.add_flag("--tcp", o->tcp, "ask over TCP instead of UDP");
  sub.add_flag("--dnssec", o->dnssec, "set the DO bit: signatures come with the answers, AD shown");
  sub.add_flag("--trace", o->trace,
               "iterative: ask --server without recursion and follow each referral (its glue "
               "addresses, on the same port), showing every step");
  sub.add_flag("--search", o->search,
               "apply the search list of /etc/resolv.conf to names without a final dot");
  sub.add_flag("--norecurse", o->no_recurse, "clear the RD bit (ask for what the server holds)");
  sub.add_flag("--doh-get", o->https_get, "https: send queries with GET ?dns= instead of POST");
  sub.add_option("--class", *qclass, "the class asked (IN, CH, HS; default IN)")
      ->type_name("CLASS");
  sub.add_option("--timeout", *timeout, "wait this long for each try (default 2s)")
      ->type_name("DURATION");
  sub.add_option("--retries", o->retries, "tries after the first over UDP (default 2)")
      ->type_name("N")
      ->check(CLI::Range(0, 10));
  sub.add_option("--parallel", o->parallel, "questions in flight at once (default 32)")
      ->type_name("N")
      ->check(CLI::Range(1, 256));
  add_tls_client_options(sub, o->tls, true);
  sub.callback([o, timeout, qclass, &chosen] {
    if (!timeout->empty()) o->timeout = duration_arg("--timeout", *timeout);
    if (o->timeout <= net::duration::zero())
      throw CLI::ValidationError("--timeout", "give a duration above 0");
    if (!qclass->empty()) {
      auto c = proto::dns::class_from_name(*qclass);
      if (!c) throw CLI::ValidationError("--class", "unknown class '" + *qclass + "'");
      o->qclass = *c;
    }
    if (o->words.empty() && o->file.empty())
      throw CLI::ValidationError("words", "give a NAME to look up (or -f FILE)");
    chosen = [o](net::context& ctx, core::io& io) {
      return commands::dns::run_resolve(ctx, *o, io);
    };
  });
}

}  // namespace cli

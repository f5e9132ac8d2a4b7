#include <memory>

#include "cli/command_table.hpp"
#include "commands/serve.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/units.hpp"

namespace cli {

void define_serve(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::serve_options>();
  auto url = std::make_shared<std::string>();
  auto reply = std::make_shared<std::string>();
  auto allow = std::make_shared<std::vector<std::string>>();
  auto deny = std::make_shared<std::vector<std::string>>();
  auto idle = std::make_shared<std::string>();
  auto flags = std::make_shared<std::array<bool, 3>>();  // echo, broadcast, sink

  sub.add_option("url", *url,
                 "where to listen: tcp://HOST:PORT, tls://HOST:PORT, udp://HOST:PORT, "
                 "unix:///PATH, unix://@NAME, "
                 "HOST:PORT, :PORT")
      ->required()
      ->type_name("URL");
  sub.add_flag("-k,--keep-open", o->keep_open, "accept many connections, not just the first");
  auto* echo = sub.add_flag("--echo", (*flags)[0], "send back whatever each peer sends");
  auto* rep = sub.add_option("--reply", *reply,
                             "send TEXT (or the content of @FILE) to each peer, then close")
                  ->type_name("TEXT|@FILE");
  auto* exec = sub.add_option("--exec", o->exec,
                              "run CMD with /bin/sh for each connection, the socket on its stdin "
                              "and stdout (VITNET_PEER_ADDR, VITNET_PEER_PORT set)")
                   ->type_name("CMD");
  auto* bc = sub.add_flag("--broadcast", (*flags)[1],
                          "relay what one peer sends to all the others (a chat server)");
  auto* sink = sub.add_flag("--sink", (*flags)[2],
                            "read and discard everything, counting bytes (for benchmarks)");
  std::vector<CLI::Option*> modes = {echo, rep, exec, bc, sink};
  for (auto* a : modes)
    for (auto* b : modes)
      if (a != b) a->excludes(b);
  auto* once = sub.add_flag("--once", o->once,
                            "handle one connection (or, for udp, one datagram), then exit");
  once->excludes(sub.get_option("--keep-open"));
  sub.add_option("--max-conns", o->max_conns,
                 "at most N connections at once; more are closed at once")
      ->type_name("N");
  sub.add_option("--allow", *allow, "accept only peers in CIDR (repeatable)")
      ->type_name("CIDR")
      ->allow_extra_args(false);
  sub.add_option("--deny", *deny, "turn away peers in CIDR (repeatable; wins over --allow)")
      ->type_name("CIDR")
      ->allow_extra_args(false);
  sub.add_option("--idle-timeout", *idle, "close a connection after DURATION without data")
      ->type_name("DURATION");
  sub.add_option("--ready-file", o->ready_file,
                 "once listening, write the URL (with the real port) to PATH atomically")
      ->type_name("PATH");

  // TLS (tls:// URLs)
  sub.add_option("--cert", o->tls.cert_file,
                 "tls: the certificate chain to serve (default: an ephemeral self-signed one)")
      ->type_name("FILE");
  sub.add_option("--key", o->tls.key_file, "tls: the private key of --cert")->type_name("FILE");
  sub.add_option("--client-ca", o->tls.client_ca_file,
                 "tls: require client certificates issued by the CAs in FILE (mTLS)")
      ->type_name("FILE");
  sub.add_option("--alpn", o->tls.alpn,
                 "tls: accept protocol P (repeatable, in order of preference)")
      ->type_name("P")
      ->allow_extra_args(false);
  sub.add_option("--tls-min", o->tls.min_version,
                 "tls: the lowest version to accept: 1.2 (default) or 1.3")
      ->check(CLI::IsMember({"1.2", "1.3"}))
      ->type_name("VERSION");

  sub.callback([o, url, reply, allow, deny, idle, flags, rep, exec, &chosen] {
    o->where = net::parse_endpoint(*url);
    if (rep->count()) {
      o->mode = commands::serve_mode::reply;
      o->reply = core::data_argument(*reply);
    }
    if (exec->count()) o->mode = commands::serve_mode::exec;
    if ((*flags)[0]) o->mode = commands::serve_mode::echo;
    if ((*flags)[1]) o->mode = commands::serve_mode::broadcast;
    if ((*flags)[2]) o->mode = commands::serve_mode::sink;
    for (auto& [texts, out] : {std::pair{allow.get(), &o->allow}, std::pair{deny.get(), &o->deny}})
      for (auto& t : *texts) {
        auto c = net::cidr::parse(t);
        if (!c)
          throw CLI::ValidationError("--allow/--deny",
                                     "'" + t + "' is not an address or CIDR block");
        out->push_back(*c);
      }
    if (!idle->empty()) o->idle_timeout = duration_arg("--idle-timeout", *idle);
    if (o->where.is_unix() && !(o->allow.empty() && o->deny.empty()))
      throw CLI::ValidationError("--allow/--deny",
                                 "peers of a unix socket have no address to match");
    if (o->once && o->where.is_stream()) o->keep_open = false;
    if (!o->where.tls && (!o->tls.cert_file.empty() || !o->tls.key_file.empty() ||
                          !o->tls.client_ca_file.empty() || !o->tls.alpn.empty()))
      throw CLI::ValidationError("--cert/--key/--client-ca/--alpn",
                                 "TLS options need a tls:// URL");
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_serve(ctx, *o, io); };
  });
}

}  // namespace cli

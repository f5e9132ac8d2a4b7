#include "commands/serve/serve.hpp"

#include <memory>

#include "cli/command_table.hpp"
#include "commands/dns/client.hpp"
#include "commands/dns/server.hpp"
#include "commands/serve/ws/origin.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/units.hpp"

namespace cli {

namespace {

template <typename T>
void configure_http_impl(commands::serve_options& o, T& h, bool no_idle) {
  using commands::serve_mode;
  bool http_opts = !o.http.dir.empty() || !o.http.routes_file.empty() || !o.http.backends.empty() ||
                   o.http.cors || !o.http.basic_auth.empty() || !o.http.bearer.empty() ||
                   !h.headers.empty() || !o.http.health_path.empty() || !h.ping_interval.empty() ||
                   !h.origins.empty();
  if (o.where.app == net::app_protocol::none) {
    if (http_opts || !o.ws.protocols.empty())
      throw CLI::ValidationError("--dir/--routes/--backend/--protocol",
                                 "HTTP and WebSocket options need an http://, https://, ws:// or "
                                 "wss:// URL");
    return;
  }
  if (o.where.is_http()) {
    if (o.mode != serve_mode::stdio)
      throw CLI::ValidationError("--echo/--reply/--exec/--broadcast/--sink",
                                 "an http:// server answers with --dir, --routes or --backend; "
                                 "these modes are for tcp://, unix:// and ws://");
    if (o.http.dir.empty() && o.http.routes_file.empty() && o.http.backends.empty())
      o.http.dir = ".";
    o.keep_open = !o.once;
  } else {
    switch (o.mode) {
      case serve_mode::echo:
        o.ws.mode = commands::ws_mode::echo;
        break;
      case serve_mode::broadcast:
        o.ws.mode = commands::ws_mode::broadcast;
        break;
      case serve_mode::exec:
        o.ws.mode = commands::ws_mode::exec;
        o.ws.exec = o.exec;
        break;
      case serve_mode::stdio:
        o.ws.mode = commands::ws_mode::stdio;
        break;
      default:
        throw CLI::ValidationError("--reply/--sink",
                                   "a ws:// server takes --echo, --broadcast, "
                                   "--exec or stdio");
    }
  }
  if (!o.where.target.empty() && o.where.target != "/")
    throw CLI::ValidationError("url", "a server listens on HOST:PORT; give no path");
  if (!h.ping_interval.empty()) {
    if (!o.where.is_ws())
      throw CLI::ValidationError("--ping-interval", "needs a ws:// or wss:// URL");
    o.ws.ping_interval = duration_arg("--ping-interval", h.ping_interval);
    if (*o.ws.ping_interval <= core::duration::zero())
      throw CLI::ValidationError("--ping-interval", "must be more than 0");
  }
  if (!h.origins.empty() && !o.where.is_ws())
    throw CLI::ValidationError("--origin", "needs a ws:// or wss:// URL");
  for (auto& text : h.origins) {
    if (text == "*") {
      o.ws.origins.push_back(text);
      continue;
    }
    auto origin = commands::normal_origin(text);
    if (!origin)
      throw CLI::ValidationError("--origin", "'" + text +
                                                 "' is not an origin like https://app.example:8443 "
                                                 "(scheme, host, optional port) or *");
    o.ws.origins.push_back(*origin);
  }
  if (!h.lb.empty())
    o.http.lb = h.lb == "least-conn" ? commands::lb_policy::least_connections
                : h.lb == "random"   ? commands::lb_policy::random
                                     : commands::lb_policy::round_robin;
  if (!h.health_interval.empty())
    o.http.health_interval = duration_arg("--health-interval", h.health_interval);
  if (!h.backend_timeout.empty())
    o.http.backend_timeout = duration_arg("--backend-timeout", h.backend_timeout);
  if (!h.header_timeout.empty())
    o.http.header_timeout = duration_arg("--header-timeout", h.header_timeout);
  if (!no_idle && o.idle_timeout) o.http.keepalive_timeout = *o.idle_timeout;
  if (o.where.is_ws()) o.ws.idle_timeout = o.idle_timeout;
  for (auto& [text, out] : {std::pair{&h.max_body, &o.http.limits.max_body},
                            std::pair{&h.max_message, &o.ws.max_message}}) {
    if (text->empty()) continue;
    auto n = core::parse_size(*text);
    if (!n || *n == 0)
      throw CLI::ValidationError("--max-body/--max-message", "'" + *text + "' is not a size");
    *out = static_cast<std::size_t>(*n);
  }
  if (!o.http.basic_auth.empty() && o.http.basic_auth.find(':') == std::string::npos)
    throw CLI::ValidationError("--basic-auth", "give USER:PASS");
  for (auto& text : h.headers) {
    auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0)
      throw CLI::ValidationError("--header", "'" + text + "' is not 'Name: value'");
    std::string value = text.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    o.http.headers.emplace_back(text.substr(0, colon), value);
  }
  if (o.http.workers < 0 || o.http.workers > 64)
    throw CLI::ValidationError("--workers", "must be from 1 to 64");
  if (o.http.workers > 1 && (!o.http.routes_file.empty() || o.where.is_ws()))
    throw CLI::ValidationError("--workers",
                               "a mock API and WebSocket rooms keep state in one "
                               "process: use --workers 1");
  if (!o.http.health_path.empty() && o.http.health_path.front() != '/')
    throw CLI::ValidationError("--health", "give a path starting with /");
}

}  // namespace

void define_serve(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::serve_options>();
  auto url = std::make_shared<std::string>();
  auto reply = std::make_shared<std::string>();
  auto allow = std::make_shared<std::vector<std::string>>();
  auto deny = std::make_shared<std::vector<std::string>>();
  auto idle = std::make_shared<std::string>();
  auto flags = std::make_shared<std::array<bool, 3>>();  // echo, broadcast, sink

  sub.add_option(
         "url", *url,
         "where to listen: tcp://HOST:PORT, tls://HOST:PORT, quic://HOST:PORT, udp://HOST:PORT, "
         "unix:///PATH, unix://@NAME, HOST:PORT, :PORT, http(s)://HOST:PORT, "
         "ws(s)://HOST:PORT, dns://HOST:PORT (UDP and TCP)")
      ->required()
      ->type_name("URL");
  sub.add_flag("-k,--keep-open", o->keep_open,
               "accept many connections, not just the first (stdio mode: stdin to all of them)");
  auto* echo = sub.add_flag("--echo", (*flags)[0], "send back whatever each peer sends");
  auto* rep = sub.add_option("--reply", *reply,
                             "send TEXT (or the content of @FILE) to each peer, then close")
                  ->type_name("TEXT|@FILE");
  auto* exec = sub.add_option("--exec", o->exec,
                              "run CMD with /bin/sh for each connection, the socket on its stdin "
                              "and stdout (VITNET_PEER_ADDR, VITNET_PEER_PORT set). It ends with "
                              "its connection: after the peer's end of input it may answer, but "
                              "10s of silence, or 10s still running after the connection, get "
                              "SIGTERM to its process group (SIGKILL 2s later)")
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
                 "at most N connections at once (default: what the descriptor limit allows, with a "
                 "reserve); more are turned away (http: 503)")
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
      ->type_name("PATH")
      ->envname("VITNET_READY_FILE");

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
  sub.add_option("--qlog-dir", o->qlog_dir,
                 "quic, https --http3: write a qlog per connection (JSON-SEQ, as ngtcp2 records "
                 "it) into DIR (default: $QLOGDIR)")
      ->type_name("DIR");
  sub.add_option("--tls-min", o->tls.min_version,
                 "tls: the lowest version to accept: 1.2 (default) or 1.3")
      ->check(CLI::IsMember({"1.2", "1.3"}))
      ->type_name("VERSION");
  sub.add_option("--ciphers", o->tls.ciphers,
                 "tls: TLS 1.2 cipher suites, in OpenSSL's list syntax (default: ECDHE with "
                 "AES-GCM or ChaCha20-Poly1305 only)")
      ->type_name("LIST");

  // DNS (dns://, and tls://, quic:// or https:// with --records or --upstream)
  auto d = std::make_shared<commands::dns::dns_serve_options>();
  auto fault_texts = std::make_shared<std::vector<std::string>>();
  auto upstream_timeout = std::make_shared<std::string>();
  sub.add_option(
         "--records", d->records_file,
         "dns: answer from FILE: a zone file, a hosts file or TOML (.toml); reloaded on "
         "SIGHUP. With tls:// (DNS over TLS), quic:// (DNS over QUIC) or https:// (DNS over "
         "HTTPS) too")
      ->type_name("FILE");
  sub.add_option("--upstream", d->upstream,
                 "dns: ask this server for names the records do not hold (udp://, tcp://, "
                 "tls://, quic://, https://); without it they get NXDOMAIN")
      ->type_name("URL");
  sub.add_option("--upstream-timeout", *upstream_timeout,
                 "dns: wait this long for the upstream (default 2s), then SERVFAIL")
      ->type_name("DURATION");
  sub.add_option("--fault", *fault_texts,
                 "dns: inject a failure: [NAME[/TYPE]=]ACTION[,...] with ACTION servfail, refused, "
                 "nxdomain, formerr, notimp, rcode:N, delay:DURATION, truncate, drop, or N% "
                 "(repeatable; NAME may be *.ZONE)")
      ->type_name("RULE")
      ->allow_extra_args(false);

  // HTTP (http:// and https:// URLs) and WebSocket (ws:// and wss://)
  struct http_texts {
    std::string lb, health_interval, backend_timeout, max_body, header_timeout, max_message;
    std::string ping_interval;
    std::vector<std::string> headers, origins;
    bool no_listing = false;
  };
  auto h = std::make_shared<http_texts>();
  auto* dir = sub.add_option("--dir", o->http.dir,
                             "http: serve the files in DIR (the default is the current directory)")
                  ->type_name("DIR");
  sub.add_flag("--follow-symlinks", o->http.follow_symlinks,
               "http: follow symlinks that lead outside --dir (refused otherwise)");
  sub.add_flag("--dotfiles", o->http.dotfiles,
               "http: serve and list files whose names start with a dot (hidden otherwise, as if "
               "absent; /.well-known/ is always served)");
  sub.add_flag("--no-listing", h->no_listing,
               "http: answer 403 for directories without index.html");
  auto* routes =
      sub.add_option("--routes", o->http.routes_file,
                     "http: answer from the mock API routes in FILE (TOML; reloaded on SIGHUP)")
          ->type_name("FILE");
  auto* backend = sub.add_option("--backend", o->http.backends,
                                 "http: proxy to this backend URL (repeat to balance the load)")
                      ->type_name("URL")
                      ->allow_extra_args(false);
  dir->excludes(routes)->excludes(backend);
  routes->excludes(backend);
  sub.add_option("--lb", h->lb,
                 "http: how to choose a backend: round-robin (default), least-conn, random")
      ->check(CLI::IsMember({"round-robin", "least-conn", "random"}))
      ->type_name("POLICY");
  sub.add_option("--health", o->http.health_path,
                 "http: check each backend with GET PATH; out on errors, back on 2xx/3xx")
      ->type_name("PATH");
  sub.add_option("--health-interval", h->health_interval,
                 "http: time between health checks (default 2s)")
      ->type_name("DURATION");
  sub.add_option("--backend-timeout", h->backend_timeout,
                 "http: give up on a backend's response after DURATION (default 30s): 504")
      ->type_name("DURATION");
  sub.add_flag("--http3", o->http.http3,
               "https: also answer HTTP/3 (QUIC) on the same port number over UDP, advertised "
               "with Alt-Svc");
  sub.add_flag("--cors", o->http.cors,
               "http: allow cross-origin requests (answer preflights, Access-Control-* headers)");
  sub.add_option("--basic-auth", o->http.basic_auth,
                 "http: require HTTP basic authentication with USER:PASS")
      ->type_name("USER:PASS");
  sub.add_option("--bearer", o->http.bearer, "http: require Authorization: Bearer TOKEN")
      ->type_name("TOKEN");
  sub.add_option("--header", h->headers, "http: add 'Name: value' to every response (repeatable)")
      ->type_name("HEADER")
      ->allow_extra_args(false);
  sub.add_option("--max-body", h->max_body,
                 "http: the largest request body accepted (default 16M); larger gets 413")
      ->type_name("SIZE");
  sub.add_option("--header-timeout", h->header_timeout,
                 "http: a request's head must arrive within DURATION of its first byte (default "
                 "10s), else 408")
      ->type_name("DURATION");
  sub.add_option("--workers", o->http.workers,
                 "http: processes accepting connections (default: one per core for --dir, else 1; "
                 "--routes keeps state, so 1); dns: processes answering UDP queries (default 1)")
      ->type_name("N");
  sub.add_option("--protocol", o->ws.protocols,
                 "ws: a subprotocol the server speaks (repeatable, preferred first)")
      ->type_name("NAME")
      ->allow_extra_args(false);
  sub.add_option(
         "--origin", h->origins,
         "ws: also admit browser pages from ORIGIN (scheme://host[:port], repeatable; * for "
         "any). By default only clients sending no Origin and pages of this server itself")
      ->type_name("ORIGIN")
      ->allow_extra_args(false);
  sub.add_flag("--binary", o->ws.binary,
               "ws: send lines (stdin, --exec output) as binary messages");
  sub.add_option("--ping-interval", h->ping_interval,
                 "ws: ping each peer every DURATION (keeps idle connections open "
                 "through proxies)")
      ->type_name("DURATION");
  sub.add_option("--max-message", h->max_message,
                 "ws: the largest message accepted (default 16M); larger closes with 1009")
      ->type_name("SIZE");

  sub.callback([o, url, reply, allow, deny, idle, flags, rep, exec, h, d, fault_texts,
                upstream_timeout, &chosen] {
    bool dns_url = url->starts_with("dns://");
    bool dns = dns_url || !d->records_file.empty() || !d->upstream.empty() || !fault_texts->empty();
    if (dns_url) {
      // dns://HOST:PORT listens on UDP and TCP; the endpoint is read as udp:// and the TCP
      // listener takes the same port.
      o->where = net::parse_endpoint("udp://" + url->substr(6));
    } else {
      o->where = net::parse_endpoint(*url);
    }
    for (auto& [texts, out] : {std::pair{allow.get(), &o->allow}, std::pair{deny.get(), &o->deny}})
      for (auto& t : *texts) {
        auto c = net::cidr::parse(t);
        if (!c)
          throw CLI::ValidationError("--allow/--deny",
                                     "'" + t + "' is not an address or CIDR block");
        out->push_back(*c);
      }
    if (!idle->empty()) o->idle_timeout = duration_arg("--idle-timeout", *idle);
    if (dns) {
      if (!dns_url && !o->where.tls && !o->where.quic)
        throw CLI::ValidationError("--records/--upstream/--fault",
                                   "DNS options need a dns://, tls://, quic:// or https:// URL");
      if (o->where.is_ws())
        throw CLI::ValidationError("url", "DNS is served on dns://, tls://, quic:// or https://");
      for (auto& t : *fault_texts) {
        std::string err;
        auto f = commands::dns::parse_fault(t, err);
        if (!f) throw CLI::ValidationError("--fault", "'" + t + "': " + err);
        d->faults.push_back(std::move(*f));
      }
      if (!upstream_timeout->empty())
        d->upstream_timeout = duration_arg("--upstream-timeout", *upstream_timeout);
      if (!d->upstream.empty()) (void)commands::dns::parse_server(d->upstream);
      if ((*flags)[0] || (*flags)[1] || (*flags)[2] || rep->count() || exec->count())
        throw CLI::ValidationError("--echo/--reply/--exec/--broadcast/--sink",
                                   "a DNS server answers from --records and --upstream");
      if (o->where.is_http()) o->http.dir.clear();
      d->workers = std::max(1, o->http.workers);
      chosen = [o, d](net::context& ctx, core::io& io) {
        auto dd = *d;
        dd.log = !io.options().quiet;
        return commands::dns::run_dns_serve(ctx, *o, std::move(dd), io);
      };
      return;
    }
    if (rep->count()) {
      o->mode = commands::serve_mode::reply;
      o->reply = core::data_argument(*reply);
    }
    if (exec->count()) o->mode = commands::serve_mode::exec;
    if ((*flags)[0]) o->mode = commands::serve_mode::echo;
    if ((*flags)[1]) o->mode = commands::serve_mode::broadcast;
    if ((*flags)[2]) o->mode = commands::serve_mode::sink;
    if (o->where.is_unix() && !(o->allow.empty() && o->deny.empty()))
      throw CLI::ValidationError("--allow/--deny",
                                 "peers of a unix socket have no address to match");
    if (o->once && o->where.is_stream()) o->keep_open = false;
    if (!o->where.tls && !o->where.quic &&
        (!o->tls.cert_file.empty() || !o->tls.key_file.empty() || !o->tls.client_ca_file.empty() ||
         !o->tls.alpn.empty()))
      throw CLI::ValidationError("--cert/--key/--client-ca/--alpn",
                                 "TLS options need a tls://, quic://, https:// or wss:// URL");
    if (o->http.http3 && !(o->where.is_http() && o->where.tls))
      throw CLI::ValidationError("--http3", "needs an https:// URL");
    if (h->no_listing) o->http.listing = false;
    configure_http_impl(*o, *h, idle->empty());
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_serve(ctx, *o, io); };
  });
}

}  // namespace cli

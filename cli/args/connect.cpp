#include "commands/connect/connect.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command_table.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "net/tls/tls.hpp"
#include "proto/http1/parser.hpp"

namespace cli {

namespace {

// Options that only make sense for some schemes, so a mistaken one is an error, not ignored.
struct scoped_options {
  std::vector<CLI::Option*> stream_only;  // tcp, tls, udp, unix: the byte pipe
  std::vector<CLI::Option*> http_only;    // http, https: the request
  std::vector<CLI::Option*> tls;          // tls, https (and http, whose redirects may lead there)
  std::vector<CLI::Option*> tls_stream;   // tls only: curl has no such settings
  std::vector<CLI::Option*> ws_only;      // ws, wss: the message stream
  std::vector<CLI::Option*> quic_only;    // quic: resumption, 0-RTT, migration, key update
};

void reject_given(const std::vector<CLI::Option*>& options, const std::string& why) {
  for (auto* o : options)
    if (o->count()) throw CLI::ValidationError(o->get_name(), why);
}

void check_header(const std::string& h) {
  auto end = h.find_first_of(":;");
  if (end == std::string::npos || !proto::is_token(std::string_view(h).substr(0, end)))
    throw CLI::ValidationError("--header", "'" + h +
                                               "' is not 'Name: value' (or 'Name:' to "
                                               "leave out a header curl adds)");
  if (h.find_first_of("\r\n") != std::string::npos)
    throw CLI::ValidationError("--header", "a header must not contain a line break");
}

// "TEXT", "@FILE" (its content) or "@-" (stdin, read when the command runs).
void body_argument(commands::http_options& h, const std::string& arg) {
  if (arg == "@-")
    h.body_from_stdin = true;
  else
    h.body = core::data_argument(arg);
}

// What the command line gives before it is checked against the URL's scheme: the raw text of
// options that are parsed later, and the options that only some schemes take.
struct connect_args {
  commands::connect_options o;
  std::string url, send, timeout, idle, retry_delay, bench, data, json_body, connect_timeout,
      download, ws_ping, ws_max, ws_linger, after;
  bool follow = false;  // -L: what vitnet does anyway, accepted for curl users
  CLI::Option *send_opt = nullptr, *data_opt = nullptr, *json_body_opt = nullptr;
  scoped_options scoped;
};

void add_common_options(CLI::App& sub, connect_args& a) {
  sub.add_option(
         "url", a.url,
         "what to dial: tcp://HOST:PORT, tls://HOST:PORT, quic://HOST:PORT, udp://HOST:PORT, "
         "unix:///PATH, "
         "unix://@NAME, HOST:PORT; the URL to request: http://HOST[:PORT][/PATH][?QUERY], "
         "https://...; or the WebSocket to open: ws://HOST[:PORT][/PATH], wss://...")
      ->required()
      ->type_name("URL");
  sub.add_option("--timeout", a.timeout,
                 "give up connecting after DURATION (default 10s); http: give up on the whole "
                 "request after DURATION (default: no limit)")
      ->type_name("DURATION");
  sub.add_option("--idle-timeout", a.idle,
                 "exit 75 after DURATION without data either way (udp: wait this long for answers, "
                 "default 1s; http: default 30s)")
      ->type_name("DURATION");
  sub.add_option("--retry", a.o.retry,
                 "try N more times when connecting fails (http: also on a timeout and on "
                 "408, 429, 500, 502, 503 and 504)")
      ->type_name("N");
  sub.add_option("--retry-delay", a.retry_delay,
                 "wait DURATION before the first retry, doubling each time (default 1s)")
      ->type_name("DURATION");
}

// tcp, tls, udp and unix: the byte pipe.
void add_stream_options(CLI::App& sub, connect_args& a) {
  a.send_opt =
      sub.add_option("--send", a.send, "send TEXT (or the content of @FILE) instead of stdin")
          ->type_name("TEXT|@FILE");
  auto& pipe_opts = a.scoped.stream_only;
  pipe_opts.push_back(
      sub.add_flag("--close-on-eof", a.o.close_on_eof,
                   "close the connection at the end of stdin instead of half-closing"));
  pipe_opts.push_back(
      sub.add_flag("-z,--check", a.o.check,
                   "only check that a connection can be made (exit 0 open, 68 unknown "
                   "host, 69 refused, 75 timeout)"));
  pipe_opts.push_back(sub.add_flag("--hex", a.o.hex, "hex dump of both directions on stderr"));
  auto* so = sub.add_flag(
      "--send-only", a.o.send_only,
      "only send; discard what the peer sends and exit at the end of stdin (tcp, tls, udp, "
      "unix; not ws, whose close handshake needs both ways)");
  auto* ro = sub.add_flag(
      "--recv-only", a.o.recv_only,
      "only receive; never read stdin (tcp, tls, udp, unix; not ws, which closes at the "
      "end of stdin, after --linger if given)");
  so->excludes(ro);
  pipe_opts.push_back(so);
  pipe_opts.push_back(ro);
  pipe_opts.push_back(sub.add_flag("--crlf", a.o.crlf, "send line endings as CRLF"));
  pipe_opts.push_back(
      sub.add_flag("--raw", a.o.raw,
                   "udp: one datagram per read of stdin instead of per line; ws: one "
                   "message per read, and messages printed without an added newline"));
  auto* b = sub.add_option("--bench", a.bench,
                           "send zeros for DURATION and report throughput (against serve --sink)")
                ->type_name("DURATION");
  b->excludes(a.send_opt);
  pipe_opts.push_back(b);
  pipe_opts.push_back(
      sub.add_option("--streams", a.o.streams,
                     "with --bench: send on N streams at once (quic://: N streams of one "
                     "connection; tcp, tls and unix: N connections, as iperf3 -P)")
          ->type_name("N")
          ->check(CLI::Range(1, 128))
          ->needs(b));
  pipe_opts.push_back(a.send_opt);
}

// http:// and https://: the request.
void add_http_options(CLI::App& sub, connect_args& a) {
  auto& ho = a.scoped.http_only;
  ho.push_back(sub.add_option("-X,--request", a.o.http.method,
                              "http: the method (default GET, or POST when there is a body)")
                   ->type_name("METHOD"));
  ho.push_back(sub.add_option("-H,--header", a.o.http.headers,
                              "http: send the header 'Name: value' (repeatable; 'Name:' leaves "
                              "out one curl would add)")
                   ->type_name("HEADER")
                   ->allow_extra_args(false));
  auto* dat = a.data_opt =
      sub.add_option("--data", a.data,
                     "http: send TEXT, the content of @FILE or stdin (@-) as the body, "
                     "byte for byte (POST unless -X says otherwise)")
          ->type_name("TEXT|@FILE|@-");
  auto* jb = a.json_body_opt =
      sub.add_option("--json-body", a.json_body,
                     "http: send JSON (checked) as the body, with Content-Type and Accept "
                     "application/json; @FILE and @- as for --data")
          ->type_name("JSON|@FILE|@-");
  jb->excludes(dat);
  ho.push_back(dat);
  ho.push_back(jb);
  ho.push_back(sub.add_option("--query", a.o.http.query,
                              "http: append NAME=VALUE to the URL's query, percent-encoded "
                              "(repeatable)")
                   ->type_name("NAME=VALUE")
                   ->allow_extra_args(false));
  ho.push_back(sub.add_flag("-L,--location", a.follow,
                            "http: follow redirects (the default; --max-redirs 0 turns it off)"));
  ho.push_back(sub.add_option("--max-redirs", a.o.http.max_redirs,
                              "http: follow at most N redirects (default 10; 0: show the redirect "
                              "itself)")
                   ->type_name("N"));
  ho.push_back(sub.add_option("--connect-timeout", a.connect_timeout,
                              "http: give up resolving and connecting after DURATION (default "
                              "10s)")
                   ->type_name("DURATION"));
  ho.push_back(sub.add_flag("--http3", a.o.http.http3,
                            "https: HTTP/3 over QUIC, falling back to HTTP/1.1 over TCP when "
                            "QUIC does not answer"));
  ho.push_back(
      sub.add_flag("--http3-only", a.o.http.http3_only, "https: HTTP/3 over QUIC, or fail"));
  ho.push_back(sub.add_flag("-i,--include", a.o.http.include,
                            "http: print the response headers (of each redirect too) before the "
                            "body"));
  ho.push_back(sub.add_flag("--fail", a.o.http.fail,
                            "http: exit 1 on a 4xx or 5xx status (the body is still shown; "
                            "--download writes no file)"));
  ho.push_back(sub.add_option("--download", a.download,
                              "http: write the body to FILE, whole or not at all, with a progress "
                              "bar on a terminal")
                   ->type_name("FILE"));
}

// ws:// and wss://: the message stream (-H and --raw apply too).
void add_ws_options(CLI::App& sub, connect_args& a) {
  auto& wo = a.scoped.ws_only;
  wo.push_back(sub.add_option("--protocol", a.o.ws.protocols,
                              "ws: offer subprotocol NAME (repeatable, in order of preference)")
                   ->type_name("NAME")
                   ->allow_extra_args(false));
  wo.push_back(sub.add_flag("--binary", a.o.ws.binary, "ws: send stdin as binary messages"));
  wo.push_back(sub.add_option("--ping-interval", a.ws_ping,
                              "ws: send a ping every DURATION (keeps idle connections open "
                              "through proxies)")
                   ->type_name("DURATION"));
  wo.push_back(sub.add_flag("--reconnect", a.o.ws.reconnect,
                            "ws: dial again when the connection is lost, until interrupted (or "
                            "--retry N times), waiting --retry-delay doubling to 30s; what stdin "
                            "sends meanwhile is kept and sent on the new connection"));
  wo.push_back(sub.add_option("--linger", a.ws_linger,
                              "ws: after the end of stdin, close only once no message has come "
                              "for DURATION (default: close at once)")
                   ->type_name("DURATION"));
  wo.push_back(sub.add_option("--max-message", a.ws_max,
                              "ws: the largest message accepted (default 16M); larger closes "
                              "with 1009")
                   ->type_name("SIZE"));
}

// quic:// only.
void add_quic_options(CLI::App& sub, connect_args& a) {
  auto& q = a.scoped.quic_only;
  q.push_back(sub.add_option("--qlog-dir", a.o.qlog_dir,
                             "quic: write a qlog of the connection (JSON-SEQ, as ngtcp2 records "
                             "it; qvis opens it) into DIR (default: $QLOGDIR)")
                  ->type_name("DIR"));
  q.push_back(sub.add_option("--session-file", a.o.session_file,
                             "quic: resume the TLS session kept in FILE, and keep the new one "
                             "there (written 0600)")
                  ->type_name("FILE"));
  q.push_back(sub.add_flag("--0rtt", a.o.early,
                           "quic: send the first bytes (of --send or stdin) as 0-RTT early data "
                           "on a resumed session (needs --session-file); says whether the server "
                           "took them"));
  q.push_back(sub.add_flag("--migrate", a.o.migrate,
                           "quic: move the connection to a new local port (validated path)"));
  q.push_back(sub.add_flag("--rebind", a.o.rebind,
                           "quic: go on from a new local port unannounced, as behind a NAT"));
  q.push_back(sub.add_flag("--key-update", a.o.key_update, "quic: update the keys once"));
  q.push_back(sub.add_option("--after", a.after,
                             "quic: when --migrate, --rebind and --key-update act: DURATION after "
                             "the handshake is confirmed (default 100ms)")
                  ->type_name("DURATION"));
}

// tls:// and https://.
void add_tls_options(CLI::App& sub, connect_args& a) {
  auto& t = a.scoped.tls;
  t.push_back(sub.add_option("--ca", a.o.tls.ca_file,
                             "tls, https: trust the certificates in FILE instead of the system "
                             "store")
                  ->type_name("FILE"));
  t.push_back(sub.add_flag("--insecure", a.o.tls.insecure,
                           "tls, https: do not verify the server's certificate (a warning says "
                           "so)"));
  auto& ts = a.scoped.tls_stream;
  ts.push_back(sub.add_option("--pin", a.o.tls.pin,
                              "tls: accept only a certificate with this SHA-256 fingerprint "
                              "(sha256:AB:CD:...)")
                   ->type_name("SHA256"));
  ts.push_back(sub.add_option("--sni", a.o.tls.sni,
                              "tls: the server name to send and verify (default: the URL's host)")
                   ->type_name("NAME"));
  ts.push_back(sub.add_option("--alpn", a.o.tls.alpn,
                              "tls: offer protocol P (repeatable, in order of preference)")
                   ->type_name("P")
                   ->allow_extra_args(false));
  t.push_back(sub.add_option("--tls-min", a.o.tls.min_version,
                             "tls, https: the lowest version to accept: 1.2 (default) or 1.3")
                  ->check(CLI::IsMember({"1.2", "1.3"}))
                  ->type_name("VERSION"));
  t.push_back(sub.add_option("--cert", a.o.tls.cert_file,
                             "tls, https: present the client certificate (chain) in FILE")
                  ->type_name("FILE"));
  t.push_back(sub.add_option("--key", a.o.tls.key_file, "tls, https: the private key of --cert")
                  ->type_name("FILE"));
}

// A ws:// or wss:// URL: the upgrade is an HTTP request, so -H adds to it; the rest of the HTTP
// options do not apply.
void check_ws(connect_args& a) {
  for (auto* opt : a.scoped.http_only)
    if (opt->count() && opt->get_name() != "--header")
      throw CLI::ValidationError(opt->get_name(), "is for http:// and https:// URLs");
  for (auto* opt : a.scoped.stream_only)
    if (opt->count() && opt->get_name() != "--raw")
      throw CLI::ValidationError(opt->get_name(), "is for tcp, tls, udp and unix URLs");
  if (!a.o.where.tls) {
    reject_given(a.scoped.tls, "TLS options need a wss:// URL");
    reject_given(a.scoped.tls_stream, "TLS options need a wss:// URL");
  }
  for (const auto& line : a.o.http.headers) {
    check_header(line);
    if (line.find(':') == std::string::npos)
      throw CLI::ValidationError("--header", "ws: give 'Name: value'");
  }
  a.o.ws.headers = a.o.http.headers;
  a.o.ws.raw = a.o.raw;
  if (!a.ws_ping.empty()) {
    a.o.ws.ping_interval = duration_arg("--ping-interval", a.ws_ping);
    if (*a.o.ws.ping_interval <= core::duration::zero())
      throw CLI::ValidationError("--ping-interval", "must be more than 0");
  }
  if (!a.ws_linger.empty()) a.o.ws.linger = duration_arg("--linger", a.ws_linger);
  if (!a.ws_max.empty()) {
    auto n = core::parse_size(a.ws_max);
    if (!n || *n == 0)
      throw CLI::ValidationError("--max-message", "'" + a.ws_max + "' is not a size");
    a.o.ws.max_message = static_cast<std::size_t>(*n);
  }
  if (!a.timeout.empty()) a.o.timeout = duration_arg("--timeout", a.timeout);
}

void check_http(connect_args& a) {
  reject_given(a.scoped.stream_only,
               "is for tcp, tls, udp and unix URLs (http requests take --data, -H, ...)");
  reject_given(a.scoped.tls_stream,
               "is for tls:// URLs (https takes --ca, --insecure, --cert, "
               "--key and --tls-min)");
  auto& h = a.o.http;
  if (!h.method.empty() && !proto::is_token(h.method))
    throw CLI::ValidationError("--request", "'" + h.method + "' is not a method name");
  for (const auto& line : h.headers) check_header(line);
  if (a.data_opt->count()) body_argument(h, a.data);
  if (a.json_body_opt->count()) {
    body_argument(h, a.json_body);
    h.json_body = true;
    if (h.body && !nlohmann::json::accept(*h.body))
      vitnet::fail(core::exit_code::data, "connect: --json-body: not valid JSON");
  }
  if (h.max_redirs < 0) throw CLI::ValidationError("--max-redirs", "must not be negative");
  if (!a.timeout.empty()) h.timeout = duration_arg("--timeout", a.timeout);
  if (!a.connect_timeout.empty())
    h.connect_timeout = duration_arg("--connect-timeout", a.connect_timeout);
  if (!a.idle.empty()) h.idle_timeout = duration_arg("--idle-timeout", a.idle);
  if (!a.download.empty()) h.download = a.download;
  h.retry = a.o.retry;
  h.retry_delay = a.o.retry_delay;
  h.tls = a.o.tls;
}

void check_stream(connect_args& a) {
  reject_given(a.scoped.http_only, "needs an http:// or https:// URL");
  if (!a.o.where.tls && !a.o.where.quic) {
    reject_given(a.scoped.tls, "TLS options need a tls://, quic:// or https:// URL");
    reject_given(a.scoped.tls_stream, "TLS options need a tls:// or quic:// URL");
  }
  if (a.o.where.quic) {
    if (a.o.early && a.o.session_file.empty())
      throw CLI::ValidationError("--0rtt", "needs --session-file (0-RTT resumes a session)");
    if (!a.after.empty()) a.o.after = duration_arg("--after", a.after);
  }
  if (a.send_opt->count()) a.o.send = core::data_argument(a.send);
  if (!a.timeout.empty()) a.o.timeout = duration_arg("--timeout", a.timeout);
  if (!a.idle.empty()) a.o.idle_timeout = duration_arg("--idle-timeout", a.idle);
  if (!a.bench.empty()) a.o.bench = duration_arg("--bench", a.bench);
}

}  // namespace

void define_connect(CLI::App& sub, runner& chosen) {
  auto a = std::make_shared<connect_args>();
  add_common_options(sub, *a);
  add_stream_options(sub, *a);
  add_http_options(sub, *a);
  add_ws_options(sub, *a);
  add_tls_options(sub, *a);
  add_quic_options(sub, *a);
  sub.callback([a, &chosen] {
    auto& o = a->o;
    o.where = net::parse_endpoint(a->url);
    if (o.retry < 0) throw CLI::ValidationError("--retry", "must not be negative");
    if (!a->retry_delay.empty()) o.retry_delay = duration_arg("--retry-delay", a->retry_delay);
    if (!o.where.is_ws()) reject_given(a->scoped.ws_only, "needs a ws:// or wss:// URL");
    if (!o.where.quic) reject_given(a->scoped.quic_only, "needs a quic:// URL");
    if (o.where.is_ws())
      check_ws(*a);
    else if (o.where.is_http())
      check_http(*a);
    else
      check_stream(*a);
    if (!o.tls.sni.empty()) o.tls.server_name = o.tls.sni;
    if (!o.tls.pin.empty() && !net::parse_pin(o.tls.pin))
      throw CLI::ValidationError(
          "--pin",
          "'" + o.tls.pin + "' is not a SHA-256 fingerprint (sha256:AB:CD:... , 32 bytes)");
    chosen = [a](net::context& ctx, core::io& io) { return commands::run_connect(ctx, a->o, io); };
  });
}

}  // namespace cli

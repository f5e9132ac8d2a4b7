#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command_table.hpp"
#include "commands/connect/connect.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

namespace cli {

namespace {

// Options that only make sense for some schemes, so a mistaken one is an error, not ignored.
struct scoped_options {
  std::vector<CLI::Option*> stream_only;  // tcp, tls, udp, unix: the byte pipe
  std::vector<CLI::Option*> http_only;    // http, https: the request
  std::vector<CLI::Option*> tls;          // tls, https (and http, whose redirects may lead there)
  std::vector<CLI::Option*> tls_stream;   // tls only: curl has no such settings
  std::vector<CLI::Option*> ws_only;      // ws, wss: the message stream
};

void reject_given(const std::vector<CLI::Option*>& options, const std::string& why) {
  for (auto* o : options)
    if (o->count()) throw CLI::ValidationError(o->get_name(), why);
}

void check_header(const std::string& h) {
  auto end = h.find_first_of(":;");
  bool named = end != std::string::npos && end > 0 &&
               std::none_of(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(end),
                            [](unsigned char c) { return c <= ' ' || c >= 0x7f; });
  if (!named)
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

}  // namespace

void define_connect(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::connect_options>();
  auto url = std::make_shared<std::string>();
  auto send = std::make_shared<std::string>();
  auto timeout = std::make_shared<std::string>();
  auto idle = std::make_shared<std::string>();
  auto retry_delay = std::make_shared<std::string>();
  auto bench = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto json_body = std::make_shared<std::string>();
  auto connect_timeout = std::make_shared<std::string>();
  auto download = std::make_shared<std::string>();
  auto scoped = std::make_shared<scoped_options>();
  auto follow = std::make_shared<bool>();  // -L: what vitnet does anyway, accepted for curl users
  auto& h = o->http;

  sub.add_option(
         "url", *url,
         "what to dial: tcp://HOST:PORT, tls://HOST:PORT, udp://HOST:PORT, unix:///PATH, "
         "unix://@NAME, HOST:PORT; or the URL to request: http://HOST[:PORT][/PATH][?QUERY], "
         "https://...")
      ->required()
      ->type_name("URL");
  auto* snd =
      sub.add_option("--send", *send, "send TEXT (or the content of @FILE) instead of stdin")
          ->type_name("TEXT|@FILE");
  sub.add_option("--timeout", *timeout,
                 "give up connecting after DURATION (default 10s); http: give up on the whole "
                 "request after DURATION (default: no limit)")
      ->type_name("DURATION");
  sub.add_option("--idle-timeout", *idle,
                 "exit 75 after DURATION without data either way (udp: wait this long for answers, "
                 "default 1s; http: default 30s)")
      ->type_name("DURATION");
  sub.add_option("--retry", o->retry,
                 "try N more times when connecting fails (http: also on a timeout and on "
                 "408, 429, 500, 502, 503 and 504)")
      ->type_name("N");
  sub.add_option("--retry-delay", *retry_delay,
                 "wait DURATION before the first retry, doubling each time (default 1s)")
      ->type_name("DURATION");
  auto& pipe_opts = scoped->stream_only;
  pipe_opts.push_back(
      sub.add_flag("--close-on-eof", o->close_on_eof,
                   "close the connection at the end of stdin instead of half-closing"));
  pipe_opts.push_back(
      sub.add_flag("-z,--check", o->check,
                   "only check that a connection can be made (exit 0 open, 68 unknown "
                   "host, 69 refused, 75 timeout)"));
  pipe_opts.push_back(sub.add_flag("--hex", o->hex, "hex dump of both directions on stderr"));
  auto* so = sub.add_flag("--send-only", o->send_only,
                          "only send; discard what the peer sends and exit at the end of stdin");
  auto* ro = sub.add_flag("--recv-only", o->recv_only, "only receive; never read stdin");
  so->excludes(ro);
  pipe_opts.push_back(so);
  pipe_opts.push_back(ro);
  pipe_opts.push_back(sub.add_flag("--crlf", o->crlf, "send line endings as CRLF"));
  pipe_opts.push_back(
      sub.add_flag("--raw", o->raw, "udp: one datagram per read of stdin instead of per line"));
  auto* b = sub.add_option("--bench", *bench,
                           "send zeros for DURATION and report throughput (against serve --sink)")
                ->type_name("DURATION");
  b->excludes(snd);
  pipe_opts.push_back(b);
  pipe_opts.push_back(snd);

  // HTTP (http:// and https:// URLs)
  auto& ho = scoped->http_only;
  ho.push_back(sub.add_option("-X,--request", h.method,
                              "http: the method (default GET, or POST when there is a body)")
                   ->type_name("METHOD"));
  ho.push_back(sub.add_option("-H,--header", h.headers,
                              "http: send the header 'Name: value' (repeatable; 'Name:' leaves "
                              "out one curl would add)")
                   ->type_name("HEADER")
                   ->allow_extra_args(false));
  auto* dat = sub.add_option("--data", *data,
                             "http: send TEXT, the content of @FILE or stdin (@-) as the body, "
                             "byte for byte (POST unless -X says otherwise)")
                  ->type_name("TEXT|@FILE|@-");
  auto* jb = sub.add_option("--json-body", *json_body,
                            "http: send JSON (checked) as the body, with Content-Type and Accept "
                            "application/json; @FILE and @- as for --data")
                 ->type_name("JSON|@FILE|@-");
  jb->excludes(dat);
  ho.push_back(dat);
  ho.push_back(jb);
  ho.push_back(sub.add_option("--query", h.query,
                              "http: append NAME=VALUE to the URL's query, percent-encoded "
                              "(repeatable)")
                   ->type_name("NAME=VALUE")
                   ->allow_extra_args(false));
  ho.push_back(sub.add_flag("-L,--location", *follow,
                            "http: follow redirects (the default; --max-redirs 0 turns it off)"));
  ho.push_back(sub.add_option("--max-redirs", h.max_redirs,
                              "http: follow at most N redirects (default 10; 0: show the redirect "
                              "itself)")
                   ->type_name("N"));
  ho.push_back(sub.add_option("--connect-timeout", *connect_timeout,
                              "http: give up resolving and connecting after DURATION (default "
                              "10s)")
                   ->type_name("DURATION"));
  ho.push_back(sub.add_flag("-i,--include", h.include,
                            "http: print the response headers (of each redirect too) before the "
                            "body"));
  ho.push_back(sub.add_flag("--fail", h.fail,
                            "http: exit 1 on a 4xx or 5xx status (the body is still shown; "
                            "--download writes no file)"));
  ho.push_back(sub.add_option("--download", *download,
                              "http: write the body to FILE, whole or not at all, with a progress "
                              "bar on a terminal")
                   ->type_name("FILE"));

  // WebSocket (ws:// and wss:// URLs); -H and --raw apply too
  auto ws_ping = std::make_shared<std::string>();
  auto ws_max = std::make_shared<std::string>();
  auto& wo = scoped->ws_only;
  wo.push_back(sub.add_option("--protocol", o->ws.protocols,
                              "ws: offer subprotocol NAME (repeatable, in order of preference)")
                   ->type_name("NAME")
                   ->allow_extra_args(false));
  wo.push_back(sub.add_flag("--binary", o->ws.binary, "ws: send stdin as binary messages"));
  wo.push_back(sub.add_option("--ping-interval", *ws_ping,
                              "ws: send a ping every DURATION (keeps idle connections open "
                              "through proxies)")
                   ->type_name("DURATION"));
  wo.push_back(sub.add_flag("--reconnect", o->ws.reconnect,
                            "ws: dial again when the connection is lost (waiting --retry-delay, "
                            "doubling), keeping what stdin sends meanwhile"));
  auto ws_linger = std::make_shared<std::string>();
  wo.push_back(sub.add_option("--linger", *ws_linger,
                              "ws: after the end of stdin, close only once no message has come "
                              "for DURATION (default: close at once)")
                   ->type_name("DURATION"));
  wo.push_back(sub.add_option("--max-message", *ws_max,
                              "ws: the largest message accepted (default 16M); larger closes "
                              "with 1009")
                   ->type_name("SIZE"));

  // TLS (tls:// and https:// URLs)
  auto& t = scoped->tls;
  t.push_back(sub.add_option("--ca", o->tls.ca_file,
                             "tls, https: trust the certificates in FILE instead of the system "
                             "store")
                  ->type_name("FILE"));
  t.push_back(sub.add_flag("--insecure", o->tls.insecure,
                           "tls, https: do not verify the server's certificate (a warning says "
                           "so)"));
  auto& ts = scoped->tls_stream;
  ts.push_back(sub.add_option("--pin", o->tls.pin,
                              "tls: accept only a certificate with this SHA-256 fingerprint "
                              "(sha256:AB:CD:...)")
                   ->type_name("SHA256"));
  ts.push_back(sub.add_option("--sni", o->tls.sni,
                              "tls: the server name to send and verify (default: the URL's host)")
                   ->type_name("NAME"));
  ts.push_back(sub.add_option("--alpn", o->tls.alpn,
                              "tls: offer protocol P (repeatable, in order of preference)")
                   ->type_name("P")
                   ->allow_extra_args(false));
  t.push_back(sub.add_option("--tls-min", o->tls.min_version,
                             "tls, https: the lowest version to accept: 1.2 (default) or 1.3")
                  ->check(CLI::IsMember({"1.2", "1.3"}))
                  ->type_name("VERSION"));
  t.push_back(sub.add_option("--cert", o->tls.cert_file,
                             "tls, https: present the client certificate (chain) in FILE")
                  ->type_name("FILE"));
  t.push_back(sub.add_option("--key", o->tls.key_file, "tls, https: the private key of --cert")
                  ->type_name("FILE"));

  sub.callback([o, url, send, snd, timeout, idle, retry_delay, bench, data, json_body,
                connect_timeout, download, dat, jb, scoped, follow, ws_ping, ws_max, ws_linger,
                &chosen] {
    o->where = net::parse_endpoint(*url);
    if (o->retry < 0) throw CLI::ValidationError("--retry", "must not be negative");
    if (!retry_delay->empty()) o->retry_delay = duration_arg("--retry-delay", *retry_delay);
    if (!o->where.is_ws()) reject_given(scoped->ws_only, "needs a ws:// or wss:// URL");
    if (o->where.is_ws()) {
      // The upgrade is an HTTP request: -H adds to it; the rest of the HTTP options do not apply.
      for (auto* opt : scoped->http_only)
        if (opt->count() && opt->get_name() != "--header")
          throw CLI::ValidationError(opt->get_name(), "is for http:// and https:// URLs");
      for (auto* opt : scoped->stream_only)
        if (opt->count() && opt->get_name() != "--raw")
          throw CLI::ValidationError(opt->get_name(), "is for tcp, tls, udp and unix URLs");
      if (!o->where.tls) {
        reject_given(scoped->tls, "TLS options need a wss:// URL");
        reject_given(scoped->tls_stream, "TLS options need a wss:// URL");
      }
      for (const auto& line : o->http.headers) {
        check_header(line);
        if (line.find(':') == std::string::npos)
          throw CLI::ValidationError("--header", "ws: give 'Name: value'");
      }
      o->ws.headers = o->http.headers;
      o->ws.raw = o->raw;
      if (!ws_ping->empty()) {
        o->ws.ping_interval = duration_arg("--ping-interval", *ws_ping);
        if (*o->ws.ping_interval <= core::duration::zero())
          throw CLI::ValidationError("--ping-interval", "must be more than 0");
      }
      if (!ws_linger->empty()) o->ws.linger = duration_arg("--linger", *ws_linger);
      if (!ws_max->empty()) {
        auto n = core::parse_size(*ws_max);
        if (!n || *n == 0) throw CLI::ValidationError("--max-message", "'" + *ws_max + "' is not a size");
        o->ws.max_message = static_cast<std::size_t>(*n);
      }
      if (!timeout->empty()) o->timeout = duration_arg("--timeout", *timeout);
    } else if (o->where.is_http()) {
      reject_given(scoped->stream_only,
                   "is for tcp, tls, udp and unix URLs (http requests take --data, -H, ...)");
      reject_given(scoped->tls_stream,
                   "is for tls:// URLs (https takes --ca, --insecure, --cert, "
                   "--key and --tls-min)");
      auto& h = o->http;
      if (!h.method.empty() && !std::all_of(h.method.begin(), h.method.end(), [](unsigned char c) {
            return std::isalnum(c) ||
                   std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                       std::string_view::npos;
          }))
        throw CLI::ValidationError("--request", "'" + h.method + "' is not a method name");
      for (const auto& line : h.headers) check_header(line);
      if (dat->count()) body_argument(h, *data);
      if (jb->count()) {
        body_argument(h, *json_body);
        h.json_body = true;
        if (h.body && !nlohmann::json::accept(*h.body))
          vitnet::fail(core::exit_code::data, "connect: --json-body: not valid JSON");
      }
      if (h.max_redirs < 0) throw CLI::ValidationError("--max-redirs", "must not be negative");
      if (!timeout->empty()) h.timeout = duration_arg("--timeout", *timeout);
      if (!connect_timeout->empty())
        h.connect_timeout = duration_arg("--connect-timeout", *connect_timeout);
      if (!idle->empty()) h.idle_timeout = duration_arg("--idle-timeout", *idle);
      if (!download->empty()) h.download = *download;
      h.retry = o->retry;
      h.retry_delay = o->retry_delay;
      h.tls = o->tls;
    } else {
      reject_given(scoped->http_only, "needs an http:// or https:// URL");
      if (!o->where.tls) {
        reject_given(scoped->tls, "TLS options need a tls:// or https:// URL");
        reject_given(scoped->tls_stream, "TLS options need a tls:// URL");
      }
      if (snd->count()) o->send = core::data_argument(*send);
      if (!timeout->empty()) o->timeout = duration_arg("--timeout", *timeout);
      if (!idle->empty()) o->idle_timeout = duration_arg("--idle-timeout", *idle);
      if (!bench->empty()) o->bench = duration_arg("--bench", *bench);
    }
    if (!o->tls.sni.empty()) o->tls.server_name = o->tls.sni;
    if (!o->tls.pin.empty()) {
      std::string hex = o->tls.pin.starts_with("sha256:") ? o->tls.pin.substr(7) : o->tls.pin;
      std::erase(hex, ':');
      bool ok = hex.size() == 64 && std::all_of(hex.begin(), hex.end(),
                                                [](unsigned char ch) { return std::isxdigit(ch); });
      if (!ok)
        throw CLI::ValidationError(
            "--pin",
            "'" + o->tls.pin + "' is not a SHA-256 fingerprint (sha256:AB:CD:... , 32 bytes)");
    }
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_connect(ctx, *o, io); };
  });
}

}  // namespace cli

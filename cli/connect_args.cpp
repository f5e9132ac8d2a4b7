#include <algorithm>
#include <cctype>
#include <memory>

#include "cli/command_table.hpp"
#include "commands/connect.hpp"
#include "core/files.hpp"

namespace cli {

void define_connect(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::connect_options>();
  auto url = std::make_shared<std::string>();
  auto send = std::make_shared<std::string>();
  auto timeout = std::make_shared<std::string>();
  auto idle = std::make_shared<std::string>();
  auto retry_delay = std::make_shared<std::string>();
  auto bench = std::make_shared<std::string>();

  sub.add_option("url", *url,
                 "what to dial: tcp://HOST:PORT, tls://HOST:PORT, udp://HOST:PORT, unix:///PATH, "
                 "unix://@NAME, HOST:PORT")
      ->required()
      ->type_name("URL");
  auto* snd =
      sub.add_option("--send", *send, "send TEXT (or the content of @FILE) instead of stdin")
          ->type_name("TEXT|@FILE");
  sub.add_option("--timeout", *timeout, "give up connecting after DURATION (default 10s)")
      ->type_name("DURATION");
  sub.add_option("--idle-timeout", *idle,
                 "exit 75 after DURATION without data either way (udp: wait this long for answers, "
                 "default 1s)")
      ->type_name("DURATION");
  sub.add_option("--retry", o->retry, "try N more times when connecting fails")->type_name("N");
  sub.add_option("--retry-delay", *retry_delay,
                 "wait DURATION before the first retry, doubling each time (default 1s)")
      ->type_name("DURATION");
  sub.add_flag("--close-on-eof", o->close_on_eof,
               "close the connection at the end of stdin instead of half-closing");
  sub.add_flag("-z,--check", o->check,
               "only check that a connection can be made (exit 0 open, 68 unknown host, 69 "
               "refused, 75 timeout)");
  sub.add_flag("--hex", o->hex, "hex dump of both directions on stderr");
  auto* so = sub.add_flag("--send-only", o->send_only,
                          "only send; discard what the peer sends and exit at the end of stdin");
  auto* ro = sub.add_flag("--recv-only", o->recv_only, "only receive; never read stdin");
  so->excludes(ro);
  sub.add_flag("--crlf", o->crlf, "send line endings as CRLF");
  sub.add_flag("--raw", o->raw, "udp: one datagram per read of stdin instead of per line");
  auto* b = sub.add_option("--bench", *bench,
                           "send zeros for DURATION and report throughput (against serve --sink)")
                ->type_name("DURATION");
  b->excludes(snd);

  // TLS (tls:// URLs)
  sub.add_option("--ca", o->tls.ca_file,
                 "tls: trust the certificates in FILE instead of the system store")
      ->type_name("FILE");
  sub.add_flag("--insecure", o->tls.insecure,
               "tls: do not verify the server's certificate (a warning says so)");
  sub.add_option("--pin", o->tls.pin,
                 "tls: accept only a certificate with this SHA-256 fingerprint (sha256:AB:CD:...)")
      ->type_name("SHA256");
  sub.add_option("--sni", o->tls.sni,
                 "tls: the server name to send and verify (default: the URL's host)")
      ->type_name("NAME");
  sub.add_option("--alpn", o->tls.alpn,
                 "tls: offer protocol P (repeatable, in order of preference)")
      ->type_name("P")
      ->allow_extra_args(false);
  sub.add_option("--tls-min", o->tls.min_version,
                 "tls: the lowest version to accept: 1.2 (default) or 1.3")
      ->check(CLI::IsMember({"1.2", "1.3"}))
      ->type_name("VERSION");
  sub.add_option("--cert", o->tls.cert_file, "tls: present the client certificate (chain) in FILE")
      ->type_name("FILE");
  sub.add_option("--key", o->tls.key_file, "tls: the private key of --cert")->type_name("FILE");

  sub.callback([o, url, send, snd, timeout, idle, retry_delay, bench, &chosen] {
    o->where = net::parse_endpoint(*url);
    if (snd->count()) o->send = core::data_argument(*send);
    if (!timeout->empty()) o->timeout = duration_arg("--timeout", *timeout);
    if (!idle->empty()) o->idle_timeout = duration_arg("--idle-timeout", *idle);
    if (!retry_delay->empty()) o->retry_delay = duration_arg("--retry-delay", *retry_delay);
    if (!bench->empty()) o->bench = duration_arg("--bench", *bench);
    if (o->retry < 0) throw CLI::ValidationError("--retry", "must not be negative");
    if (!o->where.tls &&
        (!o->tls.ca_file.empty() || o->tls.insecure || !o->tls.pin.empty() || !o->tls.sni.empty() ||
         !o->tls.alpn.empty() || !o->tls.cert_file.empty() || !o->tls.key_file.empty()))
      throw CLI::ValidationError("--ca/--insecure/--pin/--sni/--alpn/--cert/--key",
                                 "TLS options need a tls:// URL");
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

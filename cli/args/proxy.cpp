#include "commands/proxy/proxy.hpp"

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "cli/command_table.hpp"
#include "commands/proxy/faults.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace cli {

namespace {

double probability_arg(const std::string& option, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0.0 && v <= 1.0))
    throw CLI::ValidationError(option, "'" + text + "' is not a probability from 0 to 1");
  return v;
}

std::uint64_t seed_arg(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  auto v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || text.front() == '-')
    throw CLI::ValidationError("--seed", "'" + text + "' is not a non-negative number");
  return v;
}

}  // namespace

void define_proxy(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::proxy_options>();
  struct texts {
    std::string listen, to, connect_timeout, idle, latency, jitter, bandwidth, reset_after,
        slow_close, loss, probability, seed, api;
    bool up = false, down = false;
  };
  auto x = std::make_shared<texts>();

  sub.add_option("listen", x->listen,
                 "where to listen: tcp://HOST:PORT, tls://HOST:PORT, quic://HOST:PORT, "
                 "udp://HOST:PORT, unix:///PATH, unix://@NAME, "
                 "HOST:PORT, :PORT (not with --api or --config)")
      ->type_name("LISTEN");
  sub.add_option("--to", x->to,
                 "the upstream to relay to: a stream (tcp, tls, unix, quic) for a stream "
                 "listener, udp for udp (udp:// to udp:// relays a QUIC server's datagrams "
                 "unopened)")
      ->type_name("URL");
  sub.add_option("--api", x->api,
                 "serve toxiproxy's HTTP API on URL (toxiproxy's default is "
                 "http://127.0.0.1:8474; a bare :PORT listens on 127.0.0.1): its clients create "
                 "named proxies and add toxics (latency, bandwidth, slow_close, timeout, "
                 "reset_peer, slicer, limit_data; and loss, reset_after) that act on open "
                 "connections too. The API has no authentication: keep it on loopback")
      ->type_name("URL");
  sub.add_option("--config", o->config_file,
                 "start the named proxies of FILE, toxiproxy's JSON config (an array of "
                 "{\"name\", \"listen\", \"upstream\", \"enabled\"}); SIGHUP re-reads it")
      ->type_name("FILE");
  sub.add_option("--connect-timeout", x->connect_timeout,
                 "give up dialling the upstream after DURATION and close the client (default "
                 "10s)")
      ->type_name("DURATION");
  sub.add_option("--idle-timeout", x->idle,
                 "close a connection after DURATION without data; udp: forget a client after "
                 "DURATION without datagrams (default 60s)")
      ->type_name("DURATION");
  sub.add_option("--ready-file", o->ready_file,
                 "once listening, write the URL (with the real port) to PATH atomically")
      ->type_name("PATH")
      ->envname("VITNET_READY_FILE");

  sub.add_flag("--keep-source", o->keep_source,
               "dial the upstream from the client's own address, so that it sees who connected "
               "(tcp only; where that address is local, as any 127.0.0.0/8 address is on "
               "loopback)");
  sub.add_option("--latency", x->latency,
                 "deliver each chunk (or datagram) DURATION later, in each direction (a round "
                 "trip pays it twice)")
      ->type_name("DURATION");
  sub.add_option("--jitter", x->jitter,
                 "add a random delay from 0 to DURATION (a stream keeps its order)")
      ->type_name("DURATION");
  sub.add_option("--bandwidth", x->bandwidth,
                 "carry at most RATE per direction: bytes per second, or 10Mbit, 1MB, 500K")
      ->type_name("RATE");
  sub.add_option("--reset-after", x->reset_after,
                 "after BYTES (such as 64K) have passed, close both sides abruptly")
      ->type_name("BYTES");
  sub.add_flag("--blackhole", o->blackhole,
               "accept, but forward nothing and answer nothing; hold connections open");
  sub.add_option("--slow-close", x->slow_close,
                 "when one side closes, pass the close on DURATION later")
      ->type_name("DURATION");
  sub.add_option("--loss", x->loss,
                 "udp: drop each datagram with probability P; streams: delay a chunk by a "
                 "retransmission (200ms) with probability P")
      ->type_name("P");
  sub.add_option("--probability", x->probability,
                 "apply each fault to a connection (udp: a datagram) with probability P "
                 "(default 1)")
      ->type_name("P");
  sub.add_flag("--up", x->up, "faults only from the client to the upstream");
  sub.add_flag("--down", x->down, "faults only from the upstream to the client");
  sub.add_option("--faults", o->faults_file,
                 "more faults from FILE ([[fault]] tables, as in 'vitnet test net' scenarios); "
                 "SIGHUP re-reads it")
      ->type_name("FILE");
  sub.add_option("--seed", x->seed,
                 "seed of the random choices (default: from the clock), to repeat a run")
      ->type_name("N");

  // TLS on either side: a tls:// or quic:// listener ends TLS here, a tls:// or quic://
  // upstream starts it again.
  sub.add_option("--cert", o->listen_tls.cert_file,
                 "tls/quic listener: the certificate chain (default: an ephemeral self-signed one)")
      ->type_name("FILE");
  sub.add_option("--key", o->listen_tls.key_file, "tls/quic listener: the private key of --cert")
      ->type_name("FILE");
  sub.add_option("--client-ca", o->listen_tls.client_ca_file,
                 "tls/quic listener: require client certificates issued by these CAs")
      ->type_name("FILE");
  sub.add_option("--ca", o->upstream_tls.ca_file,
                 "tls/quic upstream: trust the certificates in FILE instead of the system store")
      ->type_name("FILE");
  sub.add_flag("--insecure", o->upstream_tls.insecure,
               "tls/quic upstream: do not verify its certificate");
  sub.add_option("--pin", o->upstream_tls.pin,
                 "tls/quic upstream: accept only a certificate with this SHA-256 fingerprint")
      ->type_name("SHA256");
  sub.add_option("--sni", o->upstream_tls.sni,
                 "tls/quic upstream: the server name to send and verify")
      ->type_name("NAME");

  sub.callback([o, x, &chosen] {
    // What every proxy takes, a named one of the API's as much as LISTEN --to.
    if (!x->connect_timeout.empty())
      o->connect_timeout = duration_arg("--connect-timeout", x->connect_timeout);
    if (!x->idle.empty()) o->idle_timeout = duration_arg("--idle-timeout", x->idle);
    if (!x->seed.empty()) o->seed = seed_arg(x->seed);
    if (!x->api.empty() || !o->config_file.empty()) {
      // Named proxies only: their faults are toxics, set through the API.
      if (!x->listen.empty() || !x->to.empty())
        vitnet::fail(core::exit_code::usage,
                     "proxy: with --api or --config the proxies are named ones (create them "
                     "through the API or in the config file), not LISTEN --to");
      if (!x->latency.empty() || !x->jitter.empty() || !x->bandwidth.empty() ||
          !x->reset_after.empty() || !x->slow_close.empty() || !x->loss.empty() || o->blackhole ||
          !o->faults_file.empty())
        vitnet::fail(core::exit_code::usage,
                     "proxy: with --api or --config, faults are toxics added through the API");
      if (!x->api.empty()) {
        std::string text = x->api;
        if (text.find("://") == std::string::npos) text = "http://" + text;
        o->api = net::parse_endpoint(text);
        if (!o->api->is_http() || o->api->tls)
          throw CLI::ValidationError("--api", "'" + x->api + "' is not an http://HOST:PORT URL");
        // HOST without a port: toxiproxy's, 8474 (not HTTP's 80).
        auto authority = text.substr(text.find("://") + 3);
        authority = authority.substr(0, authority.find('/'));
        auto colon = authority.rfind(':');
        if (colon == std::string::npos || authority.back() == ']') o->api->port = 8474;
      }
      chosen = [o](net::context& ctx, core::io& io) { return commands::run_proxy(ctx, *o, io); };
      return;
    }
    if (x->listen.empty() || x->to.empty())
      throw CLI::RequiredError(x->listen.empty() ? "LISTEN" : "--to");
    o->listen = net::parse_endpoint(x->listen);
    o->upstream = net::parse_endpoint(x->to);
    if (!o->upstream_tls.sni.empty()) o->upstream_tls.server_name = o->upstream_tls.sni;
    using commands::relays_stream;
    bool tls_listener = o->listen.tls || o->listen.quic,
         tls_upstream = o->upstream.tls || o->upstream.quic;
    if (!tls_listener && (!o->listen_tls.cert_file.empty() || !o->listen_tls.key_file.empty() ||
                          !o->listen_tls.client_ca_file.empty()))
      throw CLI::ValidationError("--cert/--key/--client-ca",
                                 "they configure a tls:// or quic:// listener");
    if (!tls_upstream && (!o->upstream_tls.ca_file.empty() || o->upstream_tls.insecure ||
                          !o->upstream_tls.pin.empty() || !o->upstream_tls.sni.empty()))
      throw CLI::ValidationError("--ca/--insecure/--pin/--sni",
                                 "they configure a tls:// or quic:// upstream (--to)");
    if (relays_stream(o->listen) != relays_stream(o->upstream))
      vitnet::fail(core::exit_code::usage,
                   "proxy: cannot relay between {} and {}: both ends must be streams (tcp, tls, "
                   "unix, quic) or both udp",
                   o->listen.to_string(), o->upstream.to_string());
    if (o->keep_source && o->upstream.quic)
      throw CLI::ValidationError("--keep-source", "needs a tcp or tls upstream, not quic://");
    if (!o->upstream.is_unix() && o->upstream.port == 0)
      vitnet::fail(core::exit_code::usage, "proxy: --to {}: port 0 cannot be dialled",
                   o->upstream.to_string());
    if (!x->latency.empty()) o->latency = duration_arg("--latency", x->latency);
    if (!x->jitter.empty()) o->jitter = duration_arg("--jitter", x->jitter);
    if (!x->slow_close.empty()) o->slow_close = duration_arg("--slow-close", x->slow_close);
    if (!x->bandwidth.empty()) {
      auto r = commands::proxy::parse_rate(x->bandwidth);
      if (!r)
        throw CLI::ValidationError("--bandwidth",
                                   "'" + x->bandwidth + "' is not a rate (try 10Mbit, 1MB, 500K)");
      o->bandwidth = *r;
    }
    if (!x->reset_after.empty()) {
      auto n = core::parse_size(x->reset_after);
      if (!n)
        throw CLI::ValidationError("--reset-after",
                                   "'" + x->reset_after + "' is not a size (try 1000, 64K, 1M)");
      o->reset_after = *n;
    }
    if (!x->loss.empty()) o->loss = probability_arg("--loss", x->loss);
    if (!x->probability.empty()) o->probability = probability_arg("--probability", x->probability);
    o->direction = x->up == x->down ? "both" : x->up ? "up" : "down";
    if (!relays_stream(o->listen) && (o->reset_after || o->slow_close))
      vitnet::fail(core::exit_code::usage, "proxy: --{} needs a stream (tcp, unix, quic), not udp",
                   o->reset_after ? "reset-after" : "slow-close");
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_proxy(ctx, *o, io); };
  });
}

}  // namespace cli

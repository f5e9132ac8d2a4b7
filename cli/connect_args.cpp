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

  sub.add_option(
         "url", *url,
         "what to dial: tcp://HOST:PORT, udp://HOST:PORT, unix:///PATH, unix://@NAME, HOST:PORT")
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
               "only check that a connection can be made (exit 0 open, 68 unknown host, 69 refused, 75 timeout)");
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

  sub.callback([o, url, send, snd, timeout, idle, retry_delay, bench, &chosen] {
    o->where = net::parse_endpoint(*url);
    if (snd->count()) o->send = core::data_argument(*send);
    if (!timeout->empty()) o->timeout = duration_arg("--timeout", *timeout);
    if (!idle->empty()) o->idle_timeout = duration_arg("--idle-timeout", *idle);
    if (!retry_delay->empty()) o->retry_delay = duration_arg("--retry-delay", *retry_delay);
    if (!bench->empty()) o->bench = duration_arg("--bench", *bench);
    if (o->retry < 0) throw CLI::ValidationError("--retry", "must not be negative");
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_connect(ctx, *o, io); };
  });
}

}  // namespace cli

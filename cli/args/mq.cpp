// vitnet mq: broker, pub, sub, req, reply, bench.
#include "commands/mq/mq.hpp"

#include <memory>

#include "cli/command_table.hpp"
#include "commands/mq/bench.hpp"
#include "commands/mq/broker.hpp"
#include "commands/mq/stream.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace cli {

namespace {

namespace mq = commands::mq;

// JetStream's rule for stream names.
bool proto_name_ok(const std::string& n) {
  return n.find_first_of(" \t.*>/\\") == std::string::npos;
}

struct client_args {
  std::string url, timeout, connect_timeout, exec_timeout;
  std::vector<std::string> headers;
  int reconnect = 0;
  bool echo = false;
  std::string mqtt_version, session_expiry;
  bool keep_session = false;
  std::vector<std::string> stream;
};

// What every client subcommand takes: the URL, TLS, time limits, reconnects.
void add_client_options(CLI::App& a, client_args& x, mq::session_options& so) {
  a.add_option("URL", x.url,
               "nats://[USER:PASS@|TOKEN@]HOST[:4222] (tls:// for NATS over TLS), mqtt://, "
               "mqtts://, redis://, rediss://")
      ->required();
  a.add_option("--connect-timeout", x.connect_timeout,
               "give up connecting after DURATION (default 5s; exit 75)")
      ->type_name("DURATION");
  a.add_option("--reconnect", x.reconnect,
               "after a lost connection, try N times to connect again (-1: without end), "
               "resubscribing; what is published meanwhile waits")
      ->type_name("N");
  a.add_option("--name", so.name, "the client name the broker shows (default vitnet)")
      ->type_name("NAME");
  add_tls_client_options(a, so.tls, true);
  // MQTT
  a.add_option("--mqtt", x.mqtt_version, "mqtt: the protocol version, 3.1.1 (default) or 5")
      ->type_name("VERSION");
  a.add_option("--qos", so.qos, "mqtt: QoS 0, 1 or 2 for publishing and subscribing")
      ->type_name("N")
      ->check(CLI::Range(0, 2));
  a.add_option("--client-id", so.client_id, "mqtt: the client identifier (default: a random one)")
      ->type_name("ID");
  a.add_flag("--keep-session", x.keep_session,
             "mqtt: no clean session: the broker keeps subscriptions and queued QoS 1/2 messages");
  a.add_option("--session-expiry", x.session_expiry,
               "mqtt 5: how long the broker keeps the session after a disconnect")
      ->type_name("DURATION");
  a.add_option("--will-topic", so.will_topic, "mqtt: the last will's topic")->type_name("TOPIC");
  a.add_option("--will-message", so.will_message, "mqtt: the last will's message")
      ->type_name("TEXT");
  a.add_option("--will-qos", so.will_qos, "mqtt: the last will's QoS")
      ->type_name("N")
      ->check(CLI::Range(0, 2));
  a.add_flag("--will-retain", so.will_retain, "mqtt: retain the last will");
  // Streams
  a.add_option("--stream", x.stream,
               "redis: a stream (XADD/XREAD) instead of PUBLISH/SUBSCRIBE; nats: the JetStream "
               "stream NAME")
      ->type_name("[NAME]")
      ->expected(0, 1);
  a.add_option("--group", so.group, "redis streams: read as a member of consumer group G")
      ->type_name("G");
  a.add_option("--consumer", so.consumer,
               "redis streams: this consumer's name in --group (default: the client id)")
      ->type_name("NAME");
  a.add_option("--durable", so.durable, "jetstream: the durable consumer's name")
      ->type_name("NAME");
  a.add_option("--from", so.from,
               "streams: where reading starts: start, new, last, an id (redis), seq:N or "
               "time:T (jetstream)")
      ->type_name("WHERE");
  a.add_flag("--until-end", so.until_end, "streams: stop once what the stream holds is read");
}

void finish_client(client_args& x, mq::session_options& so) {
  so.url = mq::parse_mq_url(x.url);
  if (!x.connect_timeout.empty())
    so.connect_timeout = duration_arg("--connect-timeout", x.connect_timeout);
  if (x.reconnect < -1) throw CLI::ValidationError("--reconnect", "give N >= 0, or -1");
  so.reconnects = x.reconnect;
  if (!x.mqtt_version.empty()) {
    if (x.mqtt_version == "5" || x.mqtt_version == "5.0")
      so.mqtt_version = 5;
    else if (x.mqtt_version == "3.1.1" || x.mqtt_version == "4")
      so.mqtt_version = 4;
    else
      throw CLI::ValidationError("--mqtt", "give 3.1.1 or 5");
  }
  so.clean = !x.keep_session;
  if (!x.session_expiry.empty()) {
    auto d = duration_arg("--session-expiry", x.session_expiry);
    so.session_expiry =
        static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
  }
  if (!x.stream.empty()) {
    so.stream = true;
    so.stream_name = x.stream.front();
  }
  const bool mqtt = so.url.system == mq::system::mqtt, redis = so.url.system == mq::system::redis;
  if (!mqtt && (so.qos || !so.client_id.empty() || x.keep_session || so.session_expiry ||
                !so.will_topic.empty() || !x.mqtt_version.empty()))
    throw CLI::ValidationError("--qos/--client-id/--keep-session/--will-*/--mqtt",
                               "are for mqtt:// and mqtts:// URLs");
  if (!redis && (!so.group.empty() || !so.consumer.empty()))
    throw CLI::ValidationError("--group/--consumer", "are for redis:// streams");
  if (mqtt && so.stream) throw CLI::ValidationError("--stream", "is for redis:// and nats://");
  const bool nats = so.url.system == mq::system::nats;
  if (nats && so.stream && so.stream_name.empty())
    throw CLI::ValidationError("--stream", "name the JetStream stream: --stream NAME");
  if (!so.stream && (!so.durable.empty() || !so.from.empty() || so.until_end))
    throw CLI::ValidationError("--durable/--from/--until-end", "read a stream: give --stream");
  if (!nats && !so.durable.empty())
    throw CLI::ValidationError("--durable", "is JetStream's (nats://); Redis has --group");
  if (so.session_expiry && so.mqtt_version != 5)
    throw CLI::ValidationError("--session-expiry", "needs --mqtt 5");
}

std::vector<std::pair<std::string, std::string>> header_args(const std::vector<std::string>& hs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& h : hs) {
    auto colon = h.find(':');
    if (colon == 0 || colon == std::string::npos)
      throw CLI::ValidationError("-H", "'" + h + "' is not KEY:VALUE");
    std::string v = h.substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
    out.emplace_back(h.substr(0, colon), v);
  }
  return out;
}

void define_client(CLI::App& parent, runner& chosen, mq::mq_options::mode what) {
  using mode = mq::mq_options::mode;
  const char* name = what == mode::pub   ? "pub"
                     : what == mode::sub ? "sub"
                     : what == mode::req ? "req"
                                         : "reply";
  const char* about =
      what == mode::pub   ? "publish MESSAGE (or each stdin line) to SUBJECT"
      : what == mode::sub ? "print the messages on SUBJECTs, one per line (--json: envelopes)"
      : what == mode::req ? "send a request and print its reply; 69 no responders, 75 timeout"
                          : "answer the requests on SUBJECT (--echo, --reply TEXT, --exec CMD)";
  auto* a = parent.add_subcommand(name, about);
  auto o = std::make_shared<mq::mq_options>();
  auto x = std::make_shared<client_args>();
  auto message = std::make_shared<std::string>();
  auto subject = std::make_shared<std::string>();
  o->what = what;
  add_client_options(*a, *x, o->session);
  if (what == mode::sub) {
    a->add_option("SUBJECT", o->subjects, "subjects, wildcards allowed: orders.* events.>")
        ->required();
  } else {
    auto* subj = a->add_option("SUBJECT", *subject,
                               what == mode::pub ? "the subject (with --json: for envelopes that "
                                                   "name none)"
                                                 : "the subject");
    if (what != mode::pub) subj->required();
  }
  if (what == mode::pub || what == mode::req)
    a->add_option("MESSAGE", *message,
                  what == mode::pub ? "the message; none: each line of stdin is one"
                                    : "the request; none: all of stdin");
  a->add_option("-H,--header", x->headers, "add a header KEY:VALUE (repeatable)")
      ->type_name("KEY:VALUE")
      ->allow_extra_args(false);
  if (what == mode::pub || what == mode::sub || what == mode::req)
    a->add_flag("--json", o->json,
                what == mode::pub ? "stdin lines are envelopes {\"subject\",\"data\",\"headers\"}"
                                  : "print envelopes: subject, data, headers, reply, time");
  if (what == mode::pub) {
    a->add_option("--count", o->count, "publish MESSAGE N times (stdin: stop after N lines)")
        ->type_name("N");
    a->add_option("--reply", o->reply_to, "the reply subject to send with each message")
        ->type_name("SUBJECT");
    a->add_flag("--retain", o->session.retain,
                "mqtt: the broker keeps the message for later subscribers (an empty one "
                "removes it)");
    a->add_flag("--ack", o->session.ack, "jetstream: wait for each message's acknowledgement");
  }
  if (what == mode::sub || what == mode::reply) {
    a->add_option("--queue", o->queue,
                  "join queue group G: each message goes to one member of the group")
        ->type_name("G");
    a->add_option("--count", o->count, "stop after N messages (exit 75 if --timeout passes first)")
        ->type_name("N");
    if (what == mode::sub)
      a->add_flag("--ack", o->session.ack,
                  "streams: acknowledge each message read (XACK, JetStream)");
  }
  a->add_option("--timeout", x->timeout,
                what == mode::pub ? "wait at most DURATION for the broker to take everything"
                : what == mode::req
                    ? "wait at most DURATION for the reply (default 5s; exit 75)"
                    : "stop after DURATION without a message (exit 75 if none came)")
      ->type_name("DURATION");
  if (what == mode::reply) {
    auto* echo = a->add_flag("--echo", x->echo, "answer with the request itself (the default)");
    auto* text = a->add_option("--reply", o->answer_text, "answer with TEXT")->type_name("TEXT");
    auto* exec =
        a->add_option("--exec", o->exec, "answer with what CMD writes; the request is its stdin")
            ->type_name("CMD");
    echo->excludes(text)->excludes(exec);
    text->excludes(exec);
    a->add_option("--exec-timeout", x->exec_timeout,
                  "end --exec's command after DURATION (default 30s)")
        ->type_name("DURATION");
    a->add_flag("--json", o->json, "print each request as an envelope");
  }
  a->callback([o, x, message, subject, a, &chosen] {
    if (!subject->empty()) o->subjects = {*subject};
    if (o->subjects.empty() && !(o->what == mq::mq_options::mode::pub && o->json))
      throw CLI::RequiredError("SUBJECT");
    finish_client(*x, o->session);
    o->headers = header_args(x->headers);
    if (!x->timeout.empty()) o->timeout = duration_arg("--timeout", x->timeout);
    if (o->what == mq::mq_options::mode::pub || o->what == mq::mq_options::mode::req) {
      if (a->count("MESSAGE")) o->message = *message;
    } else if (o->what == mq::mq_options::mode::reply) {
      if (!o->exec.empty())
        o->answer_with = mq::mq_options::answer::exec;
      else if (a->count("--reply"))
        o->answer_with = mq::mq_options::answer::text;
      if (!x->exec_timeout.empty())
        o->exec_timeout = duration_arg("--exec-timeout", x->exec_timeout);
    }
    chosen = [o](net::context& ctx, core::io& io) -> net::task<int> {
      co_return co_await mq::run_mq(ctx, *o, io);
    };
  });
}

struct broker_args {
  std::string url = "nats://127.0.0.1:4222", auth_timeout, ping_interval, write_deadline,
              max_pending, max_payload;
};

void define_broker(CLI::App& parent, runner& chosen) {
  auto* a = parent.add_subcommand(
      "broker",
      "a NATS-protocol broker for development and CI (one node, at-most-once, nothing on disk)");
  auto o = std::make_shared<mq::broker_options>();
  auto x = std::make_shared<broker_args>();
  a->add_option("URL", x->url, "nats://HOST:PORT to listen on (default nats://127.0.0.1:4222)");
  a->add_option("--monitor", o->monitor,
                "serve /varz, /connz, /subsz and /healthz on http://HOST:PORT")
      ->type_name("URL");
  a->add_option("--auth-token", o->token, "require this token in CONNECT")->type_name("TOKEN");
  a->add_option("--user", o->user, "require this user (with --pass)")->type_name("USER");
  a->add_option("--pass", o->password, "the password of --user")->type_name("PASS");
  a->add_option("--auth-timeout", x->auth_timeout,
                "close a client that has not authenticated within DURATION (default 2s)")
      ->type_name("DURATION");
  a->add_option("--ping-interval", x->ping_interval,
                "PING each client every DURATION (default 2m); after --max-pings-out unanswered, "
                "the connection is stale")
      ->type_name("DURATION");
  a->add_option("--max-pings-out", o->max_pings_out, "unanswered PINGs allowed (default 2)")
      ->type_name("N");
  a->add_option("--write-deadline", x->write_deadline,
                "a write to a client that takes longer makes it a slow consumer (default 10s)")
      ->type_name("DURATION");
  a->add_option("--max-pending", x->max_pending,
                "bytes queued for one client before it is a slow consumer (default 64M)")
      ->type_name("SIZE");
  a->add_option("--max-payload", x->max_payload, "the largest message (default 1M)")
      ->type_name("SIZE");
  a->add_option("--max-subs", o->max_subs, "subscriptions per connection (default: no limit)")
      ->type_name("N");
  a->add_option("--max-conns", o->max_conns,
                "connections at once (default: what the descriptor limit allows)")
      ->type_name("N");
  a->add_flag("--tls", o->tls, "require TLS (clients upgrade after INFO, as NATS does)");
  a->add_option("--cert", o->tls_opts.cert_file,
                "tls: the certificate chain (default: an ephemeral self-signed one)")
      ->type_name("FILE");
  a->add_option("--key", o->tls_opts.key_file, "tls: the private key of --cert")->type_name("FILE");
  a->add_option("--client-ca", o->tls_opts.client_ca_file,
                "tls: require client certificates issued by the CAs in FILE")
      ->type_name("FILE");
  a->add_option("--name", o->server_name, "the server name in INFO (default vitnet)")
      ->type_name("NAME");
  a->add_option("--ready-file", o->ready_file,
                "once listening, write the nats:// URL (with the real port) to PATH")
      ->type_name("PATH")
      ->envname("VITNET_READY_FILE");
  a->callback([o, x, &chosen] {
    auto u = mq::parse_mq_url(x->url);
    if (u.system != mq::system::nats)
      throw CLI::ValidationError("URL", "the broker speaks NATS: give nats://HOST:PORT");
    o->where = u.where;
    if (u.where.tls) o->tls = true;
    o->where.tls = false;  // NATS's TLS starts after INFO, not with the connection
    if (!o->tls_opts.cert_file.empty() || !o->tls_opts.client_ca_file.empty()) o->tls = true;
    if (o->tls_opts.cert_file.empty() != o->tls_opts.key_file.empty())
      throw CLI::ValidationError("--cert/--key", "give both");
    if (!o->token.empty() && !o->user.empty())
      throw CLI::ValidationError("--auth-token", "give a token or --user/--pass, not both");
    if (o->user.empty() != o->password.empty())
      throw CLI::ValidationError("--user/--pass", "give both");
    auto size = [](const std::string& opt, const std::string& text, std::size_t max) {
      auto n = core::parse_size(text);
      if (!n || *n == 0 || *n > max)
        throw CLI::ValidationError(opt, "give a size such as 64K or 8M");
      return static_cast<std::size_t>(*n);
    };
    if (!x->max_payload.empty()) o->max_payload = size("--max-payload", x->max_payload, 64 << 20);
    if (!x->max_pending.empty())
      o->max_pending = size("--max-pending", x->max_pending, std::size_t(1) << 32);
    if (!x->auth_timeout.empty()) o->auth_timeout = duration_arg("--auth-timeout", x->auth_timeout);
    if (!x->ping_interval.empty())
      o->ping_interval = duration_arg("--ping-interval", x->ping_interval);
    if (!x->write_deadline.empty())
      o->write_deadline = duration_arg("--write-deadline", x->write_deadline);
    if (o->max_pings_out < 1) throw CLI::ValidationError("--max-pings-out", "give N >= 1");
    if (o->ping_interval <= core::duration::zero())
      throw CLI::ValidationError("--ping-interval", "give a positive duration");
    chosen = [o](net::context& ctx, core::io& io) -> net::task<int> {
      co_return co_await mq::run_broker(ctx, *o, io);
    };
  });
}

void define_bench(CLI::App& parent, runner& chosen) {
  auto* a = parent.add_subcommand(
      "bench", "publish/subscribe throughput (nats bench's method), or --req round trips");
  auto o = std::make_shared<mq::bench_options>();
  auto x = std::make_shared<broker_args>();
  a->add_option("URL", x->url, "the broker: nats://, tls://, mqtt://, mqtts://, redis://")
      ->required();
  a->add_option("--pub", o->pubs, "publishing connections (default 1)")->type_name("N");
  a->add_option("--sub", o->subs, "subscribing connections, each gets every message (default 0)")
      ->type_name("N");
  a->add_option("--msgs", o->msgs, "messages published in all (default 100000)")->type_name("N");
  a->add_option("--size", x->max_payload, "message size (default 16)")->type_name("SIZE");
  a->add_option("--subject", o->subject, "the subject (default vitnet.bench)")
      ->type_name("SUBJECT");
  a->add_option("--req", o->requests,
                "instead: N request/reply round trips, one at a time, with latency percentiles")
      ->type_name("N");
  a->add_option("--timeout", x->auth_timeout, "give up after DURATION (default 60s)")
      ->type_name("DURATION");
  a->add_option("--qos", o->session.qos, "mqtt: the QoS to publish and subscribe with")
      ->type_name("N")
      ->check(CLI::Range(0, 2));
  add_tls_client_options(*a, o->session.tls, true);
  a->callback([o, x, &chosen] {
    o->url = mq::parse_mq_url(x->url);
    o->session.url = o->url;
    if (o->session.qos && o->url.system != mq::system::mqtt)
      throw CLI::ValidationError("--qos", "is for mqtt:// and mqtts:// URLs");
    if (!x->max_payload.empty()) {
      auto n = core::parse_size(x->max_payload);
      if (!n || *n > (64u << 20)) throw CLI::ValidationError("--size", "give a size up to 64M");
      o->size = static_cast<std::size_t>(*n);
    }
    if (!x->auth_timeout.empty()) o->timeout = duration_arg("--timeout", x->auth_timeout);
    if (o->pubs < 0 || o->subs < 0 || (o->pubs == 0 && o->requests == 0))
      throw CLI::ValidationError("--pub/--sub", "give --pub N >= 1 and --sub M >= 0");
    chosen = [o](net::context& ctx, core::io& io) -> net::task<int> {
      co_return co_await mq::run_bench(ctx, *o, io);
    };
  });
}

void define_stream(CLI::App& parent, runner& chosen) {
  using action = mq::stream_options::action;
  auto* st =
      parent.add_subcommand("stream", "JetStream streams: add, ls, info, rm (nats-server -js)");
  st->require_subcommand(1);
  for (auto what : {action::add, action::ls, action::info, action::rm}) {
    const char* name = what == action::add    ? "add"
                       : what == action::ls   ? "ls"
                       : what == action::info ? "info"
                                              : "rm";
    const char* about = what == action::add    ? "create stream NAME (subjects NAME.> by default)"
                        : what == action::ls   ? "list the streams: subjects, messages, bytes"
                        : what == action::info ? "a stream's configuration and state as JSON"
                                               : "delete stream NAME and its messages";
    auto* a = st->add_subcommand(name, about);
    auto o = std::make_shared<mq::stream_options>();
    auto x = std::make_shared<client_args>();
    auto extra = std::make_shared<std::vector<std::string>>(4);
    o->what = what;
    a->add_option("URL", x->url, "nats://HOST:PORT (tls:// for TLS)")->required();
    a->add_option("--connect-timeout", x->connect_timeout, "give up connecting after DURATION")
        ->type_name("DURATION");
    add_tls_client_options(*a, o->session.tls, true);
    if (what != action::ls) a->add_option("NAME", o->name, "the stream")->required();
    if (what == action::add) {
      a->add_option("--subjects", o->subjects, "the subjects it stores (default NAME.>)")
          ->type_name("SUBJECT,...")
          ->delimiter(',');
      a->add_option("--storage", o->storage, "file (default) or memory")
          ->check(CLI::IsMember({"file", "memory"}));
      a->add_option("--max-msgs", (*extra)[0], "keep at most N messages (oldest go)")
          ->type_name("N");
      a->add_option("--max-bytes", (*extra)[1], "keep at most SIZE")->type_name("SIZE");
      a->add_option("--max-age", (*extra)[2], "drop messages older than DURATION")
          ->type_name("DURATION");
      a->add_option("--replicas", o->replicas, "copies in a cluster (default 1)")->type_name("N");
    }
    a->callback([o, x, extra, &chosen] {
      o->session.url = mq::parse_mq_url(x->url);
      if (o->session.url.system != mq::system::nats)
        throw CLI::ValidationError("URL", "streams are JetStream's: give nats://HOST:PORT");
      if (!x->connect_timeout.empty())
        o->session.connect_timeout = duration_arg("--connect-timeout", x->connect_timeout);
      if (!o->name.empty() && !proto_name_ok(o->name))
        throw CLI::ValidationError("NAME", "a stream name has no spaces, '.', '*', '>' or '/'");
      if (!(*extra)[0].empty()) {
        auto n = core::parse_size((*extra)[0]);  // a plain count; K and M suffixes allowed
        if (!n || *n > (1ull << 62)) throw CLI::ValidationError("--max-msgs", "give a count");
        o->max_msgs = static_cast<std::int64_t>(*n);
      }
      if (!(*extra)[1].empty()) {
        auto n = core::parse_size((*extra)[1]);
        if (!n) throw CLI::ValidationError("--max-bytes", "give a size such as 64M");
        o->max_bytes = static_cast<std::int64_t>(*n);
      }
      if (!(*extra)[2].empty()) o->max_age = duration_arg("--max-age", (*extra)[2]);
      chosen = [o](net::context& ctx, core::io& io) -> net::task<int> {
        co_return co_await mq::run_stream(ctx, *o, io);
      };
    });
  }
}

}  // namespace

void define_mq(CLI::App& sub, runner& chosen) {
  sub.require_subcommand(1);
  define_broker(sub, chosen);
  define_client(sub, chosen, commands::mq::mq_options::mode::pub);
  define_client(sub, chosen, commands::mq::mq_options::mode::sub);
  define_client(sub, chosen, commands::mq::mq_options::mode::req);
  define_client(sub, chosen, commands::mq::mq_options::mode::reply);
  define_bench(sub, chosen);
  define_stream(sub, chosen);
}

}  // namespace cli

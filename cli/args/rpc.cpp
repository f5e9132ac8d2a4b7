#include "commands/rpc/rpc.hpp"

#include <iostream>
#include <iterator>
#include <memory>

#include "cli/command_table.hpp"
#include "commands/mq/url.hpp"
#include "commands/rpc/bench.hpp"
#include "commands/rpc/over_nats.hpp"
#include "commands/rpc/service.hpp"
#include "commands/serve/serve.hpp"
#include "commands/serve/ws/origin.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "proto/jsonrpc/message.hpp"

namespace cli {

namespace {

struct rpc_args {
  std::string framing = "ndjson", protocol = "jsonrpc", balance = "first", params, batch, script,
              timeout, connect_timeout, bearer;
};

// The words after the options, as typed; an unknown option among them is an error here.
std::vector<std::string> typed_words(const CLI::App& a) {
  // Words no option takes fall through to the root app (subcommands fall through, so that
  // global options work anywhere); parse_command_line lets them stay only for a command that
  // allows extras, as this one does.
  const CLI::App* root = &a;
  while (root->get_parent()) root = root->get_parent();
  auto words = root->remaining();
  for (auto& w : words)
    if (w.size() > 2 && w.starts_with("--"))
      throw CLI::ValidationError(w, "is not an option of 'rpc " + a.get_name() + "'");
  return words;
}

// The params of a call: --params (JSON, @FILE, @- for stdin), or the PARAM words.
std::optional<nlohmann::json> params_argument(const std::string& given,
                                              const std::vector<std::string>& words) {
  if (given.empty()) {
    std::string error;
    auto params = commands::params_from_words(words, error);
    if (!error.empty()) vitnet::fail(core::exit_code::data, "rpc: {}", error);
    return params;
  }
  if (!words.empty()) throw CLI::ValidationError("--params", "give --params or PARAMs, not both");
  std::string text;
  if (given == "@-")
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  else
    text = core::data_argument(given);
  auto v = core::parse_peer_json(text);
  if (!v || !(v->is_array() || v->is_object()))
    vitnet::fail(core::exit_code::data, "rpc: --params: not a JSON array or object");
  return v;
}

// call, notify and list: the client's subcommands.
void define_call(CLI::App& parent, runner& chosen, commands::rpc_options::mode what) {
  using mode = commands::rpc_options::mode;
  const char* name = what == mode::call ? "call" : what == mode::notify ? "notify" : "list";
  const char* summary =
      what == mode::call
          ? "call a method and print its result (exit 1 when the server answers an error)"
      : what == mode::notify ? "send a notification (no answer is waited for)"
                             : "what a server offers: rpc.discover's methods (msgpack: Neovim's "
                               "API), as a table or --json";
  auto* a = parent.add_subcommand(name, summary);
  a->fallthrough();
  auto o = std::make_shared<commands::rpc_options>();
  auto x = std::make_shared<rpc_args>();
  o->what = what;
  // The words are taken as they were typed (App::remaining), not through a positional option:
  // CLI11 cuts a word like [1,2] into 1 and 2, which would change the params.
  a->allow_extras();
  a->footer(what == mode::list
                ? "Words: [URL...] — tcp://, unix://, tls://, http(s)://, ws(s):// (none with "
                  "--exec); several are tried in order"
                : "Words: [URL...] METHOD [PARAM...] — URLs: tcp://, unix://, tls://, http(s)://, "
                  "ws(s):// (none with --exec), several tried in order until one connects; "
                  "PARAMs: each a JSON value (by position) or NAME=VALUE (by name; VALUE is "
                  "JSON, or else a string)");
  a->add_option("--exec", o->exec,
                "start CMD (by /bin/sh) and speak to it on its stdin and stdout (language servers, "
                "MCP servers, nvim --embed); it gets its end of input after the last answer, then "
                "SIGTERM")
      ->type_name("CMD");
  a->add_option("--protocol", x->protocol,
                "jsonrpc (JSON-RPC 2.0, the default) or msgpack (MessagePack-RPC, as Neovim "
                "speaks it; tcp, unix, tls and --exec)")
      ->check(CLI::IsMember({"jsonrpc", "msgpack"}))
      ->type_name("PROTOCOL");
  a->add_option("--framing", x->framing,
                "how messages follow each other: ndjson (one per line, the default) or lsp "
                "(Content-Length headers)")
      ->check(CLI::IsMember({"ndjson", "lsp"}))
      ->type_name("FRAMING");
  if (what != mode::list) {
    a->add_option("--params", x->params,
                  "the params as one JSON array or object, @FILE or @- (stdin), instead of PARAMs")
        ->type_name("JSON");
  }
  if (what == mode::call) {
    a->add_option("--batch", x->batch,
                  "send the JSON-RPC batch (an array) in FILE (- for stdin) instead of METHOD; "
                  "print the answers as an array in the batch's order")
        ->type_name("FILE");
    a->add_option("--script", x->script,
                  "run the steps in FILE on one connection: a JSON array or one step per line, "
                  "{\"call\": M, \"params\": P}, {\"notify\": M, ...}, {\"wait\": M} (a "
                  "notification from the server); each call's result printed as it comes")
        ->type_name("FILE");
    a->add_flag("--mcp", o->mcp,
                "perform the Model Context Protocol handshake first (initialize, then "
                "notifications/initialized)");
    a->add_flag("--follow", o->follow,
                "after the answer, print the notifications that follow (a subscription) as NDJSON "
                "until --count of them, the server's end, or --timeout of silence");
    a->add_option("--count", o->count,
                  "with --follow: stop after N notifications (exit 75 if --timeout passes first)")
        ->type_name("N");
  }
  a->add_option("--balance", x->balance,
                "with several URLs: first (fail over in order, the default) or random (start "
                "anywhere)")
      ->check(CLI::IsMember({"first", "random"}))
      ->type_name("POLICY");
  a->add_option("--timeout", x->timeout,
                "give up when the server sends nothing for DURATION (default 30s)")
      ->type_name("DURATION");
  a->add_option("--connect-timeout", x->connect_timeout,
                "for each connection attempt (default 10s)")
      ->type_name("DURATION");
  a->add_option("--retry", o->retry, "try connecting N more times, with backoff")->type_name("N");
  a->add_option("-H,--header", o->headers, "http, ws: add this request header ('Name: value')")
      ->type_name("HEADER")
      ->allow_extra_args(false);
  a->add_option("--bearer", x->bearer, "http, ws: send 'Authorization: Bearer TOKEN'")
      ->type_name("TOKEN");
  add_tls_client_options(*a, o->tls, true);

  a->callback([a, o, x, what, &chosen] {
    auto words =
        what == mode::list && !o->exec.empty() ? std::vector<std::string>{} : typed_words(*a);
    while (!words.empty() && words.front().starts_with("nats://")) {
      if (!o->nats_url.empty()) throw CLI::ValidationError("URL", "give one nats:// URL");
      o->nats_url = words.front();
      words.erase(words.begin());
    }
    while (!words.empty() && words.front().find("://") != std::string::npos) {
      if (!o->nats_url.empty()) throw CLI::ValidationError("URL", "a nats:// URL goes alone");
      o->urls.push_back(net::parse_endpoint(words.front()));
      words.erase(words.begin());
      if (!o->urls.back().is_stream())
        throw CLI::ValidationError("URL",
                                   "rpc speaks over tcp://, unix://, tls://, http(s):// and "
                                   "ws(s)://, or to a program with --exec");
    }
    if (!o->nats_url.empty()) {
      if (!o->exec.empty()) throw CLI::ValidationError("URL", "give --exec or a URL, not both");
      if (x->protocol == "msgpack" || !x->script.empty() || !x->batch.empty() || o->follow ||
          o->mcp)
        throw CLI::ValidationError("nats://",
                                   "takes one call or notification in JSON-RPC (no --protocol "
                                   "msgpack, --script, --batch, --follow or --mcp)");
    } else if (o->exec.empty() == o->urls.empty())
      throw CLI::ValidationError(
          "URL", o->exec.empty() ? "give a URL (or --exec CMD)" : "give --exec or URLs, not both");
    o->shuffle = x->balance == "random";
    o->msgpack = x->protocol == "msgpack";
    for (auto& u : o->urls) {
      if (o->msgpack && (u.is_http() || u.is_ws()))
        throw CLI::ValidationError("--protocol",
                                   "msgpack speaks over tcp://, unix://, tls:// and --exec");
      if (!x->bearer.empty() || !o->headers.empty())
        if (!(u.is_http() || u.is_ws()))
          throw CLI::ValidationError("--header/--bearer", "are for http(s):// and ws(s):// URLs");
    }
    if (!x->bearer.empty()) o->headers.push_back("Authorization: Bearer " + x->bearer);
    if (!x->script.empty() || !x->batch.empty()) {
      if (!words.empty() || !x->params.empty())
        throw CLI::ValidationError("--script/--batch", "take no METHOD, PARAMs or --params");
      if (!x->script.empty() && !x->batch.empty())
        throw CLI::ValidationError("--script", "give --script or --batch, not both");
      if (o->follow) throw CLI::ValidationError("--follow", "is for one call");
      if (o->msgpack && !x->batch.empty())
        throw CLI::ValidationError("--batch", "MessagePack-RPC has no batches");
    } else if (what != mode::list) {
      if (words.empty()) throw CLI::ValidationError("METHOD", "give the METHOD to call");
      o->method = words.front();
      words.erase(words.begin());
      o->params = params_argument(x->params, words);
    } else if (!words.empty()) {
      throw CLI::ValidationError("URL", "'" + words.front() + "' is not a URL");
    }
    auto read_data = [](const std::string& file) {
      if (file == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin),
                           std::istreambuf_iterator<char>());
      return core::read_file(file);
    };
    if (!x->script.empty()) o->script = commands::parse_script(read_data(x->script), x->script);
    if (!x->batch.empty()) {
      auto v = core::parse_peer_json(read_data(x->batch));
      if (!v || !v->is_array())
        vitnet::fail(core::exit_code::data, "rpc: --batch {}: not a JSON array", x->batch);
      o->batch = std::move(*v);
    }
    if (o->count > 0 && !o->follow) throw CLI::ValidationError("--count", "goes with --follow");
    o->framing = *proto::jsonrpc::parse_framing(x->framing);
    if (!x->timeout.empty()) o->timeout = duration_arg("--timeout", x->timeout);
    if (!x->connect_timeout.empty())
      o->connect_timeout = duration_arg("--connect-timeout", x->connect_timeout);
    if (o->timeout <= core::duration::zero())
      throw CLI::ValidationError("--timeout", "must be more than 0");
    if (o->retry < 0) throw CLI::ValidationError("--retry", "must not be negative");
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_rpc(ctx, *o, io); };
  });
}

void define_rpc_bench(CLI::App& parent, runner& chosen) {
  auto* a = parent.add_subcommand(
      "bench",
      "call one method from N connections as fast as answers come (no pipelining): calls per "
      "second and latency percentiles");
  a->fallthrough();
  auto o = std::make_shared<commands::rpc_bench_options>();
  struct texts {
    std::string framing = "ndjson", params, duration, timeout, connect_timeout;
  };
  auto x = std::make_shared<texts>();
  a->allow_extras();  // the words as typed: see call
  a->footer(
      "Words: URL METHOD [PARAM...] — URL: tcp://, unix://, tls://; PARAMs as for call");  // keeps
                                                                                           // [1,2]
                                                                                           // one
                                                                                           // word
                                                                                           // (see
                                                                                           // call)
  a->add_option("-c,--conns", o->conns, "connections, each with one call at a time (default 50)")
      ->type_name("N");
  a->add_option("-d,--duration", x->duration, "how long to run (default 10s)")
      ->type_name("DURATION");
  a->add_option("-n,--requests", o->requests, "stop after N calls in all instead of a duration")
      ->type_name("N");
  a->add_option("--framing", x->framing, "ndjson (default) or lsp")
      ->check(CLI::IsMember({"ndjson", "lsp"}))
      ->type_name("FRAMING");
  a->add_option("--params", x->params, "the params as one JSON array or object, or @FILE")
      ->type_name("JSON");
  a->add_option("--timeout", x->timeout,
                "a call without an answer for DURATION fails its connection (default 10s)")
      ->type_name("DURATION");
  a->add_option("--connect-timeout", x->connect_timeout, "for each connection (default 10s)")
      ->type_name("DURATION");
  add_tls_client_options(*a, o->tls, false);
  a->callback([a, o, x, &chosen] {
    auto words = typed_words(*a);
    if (words.size() < 2) throw CLI::ValidationError("URL METHOD", "give a URL and a METHOD");
    o->where = net::parse_endpoint(words.front());
    if (!o->where.is_stream() || o->where.is_http() || o->where.is_ws())
      throw CLI::ValidationError("URL", "rpc bench speaks over tcp://, unix:// and tls://");
    o->method = words[1];
    words.erase(words.begin(), words.begin() + 2);
    o->framing = *proto::jsonrpc::parse_framing(x->framing);
    o->params = params_argument(x->params, words);
    if (!x->duration.empty()) o->duration = duration_arg("--duration", x->duration);
    if (!x->timeout.empty()) o->timeout = duration_arg("--timeout", x->timeout);
    if (!x->connect_timeout.empty())
      o->connect_timeout = duration_arg("--connect-timeout", x->connect_timeout);
    if (o->conns < 1 || o->conns > 100000)
      throw CLI::ValidationError("--conns", "must be from 1 to 100000");
    if (o->duration <= core::duration::zero() || o->timeout <= core::duration::zero())
      throw CLI::ValidationError("--duration/--timeout", "must be more than 0");
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_rpc_bench(ctx, *o, io); };
  });
}

void define_rpc_serve(CLI::App& parent, runner& chosen) {
  auto* a = parent.add_subcommand(
      "serve",
      "a JSON-RPC 2.0 server: mock methods from a file, methods run by commands, answers from an "
      "OpenRPC document, or an echo method; rpc.discover always answers");
  a->fallthrough();
  auto so = std::make_shared<commands::serve_options>();
  auto o = std::make_shared<commands::rpc_serve_options>();
  struct texts {
    std::string url, framing = "ndjson", protocol = "jsonrpc", service, max_message, idle,
                     exec_timeout;
    std::vector<std::string> execs, origins;
  };
  auto x = std::make_shared<texts>();
  a->add_option("url", x->url,
                "where to listen: tcp://HOST:PORT, unix:///PATH, tls://HOST:PORT, "
                "http(s)://HOST:PORT (one POST per call or batch), ws(s)://HOST:PORT (one message "
                "each)")
      ->required()
      ->type_name("URL");
  a->add_option("--methods", o->methods_file,
                "answer the methods in FILE (TOML: per method a result, error, template, delay, "
                "sequence or stream of notifications; see examples/methods.toml)")
      ->type_name("FILE");
  a->add_option("--exec", x->execs,
                "method NAME runs CMD (by /bin/sh): the params as one JSON line on its stdin, its "
                "stdout (JSON, else text) the result, a non-zero exit an error (repeatable)")
      ->type_name("NAME=CMD")
      ->allow_extra_args(false);
  a->add_option("--openrpc", o->openrpc_file,
                "answer the methods of an OpenRPC document from its examples, checking params "
                "against their schemas (-32602 names the bad one)")
      ->type_name("DOC");
  a->add_option("--service", x->service,
                "the name and version rpc.discover reports (as calculator@1.0.0)")
      ->type_name("NAME@VERSION");
  a->add_option("--protocol", x->protocol,
                "jsonrpc (JSON-RPC 2.0, the default) or msgpack (MessagePack-RPC, as Neovim "
                "speaks it: tcp, unix and tls only; errors go as [code, message])")
      ->check(CLI::IsMember({"jsonrpc", "msgpack"}))
      ->type_name("PROTOCOL");
  a->add_option("--framing", x->framing,
                "tcp, unix, tls: ndjson (one message per line, the default) or lsp "
                "(Content-Length headers)")
      ->check(CLI::IsMember({"ndjson", "lsp"}))
      ->type_name("FRAMING");
  a->add_option("--exec-timeout", x->exec_timeout,
                "an --exec command still running after DURATION is stopped and the call answered "
                "with an error (default 30s)")
      ->type_name("DURATION");
  a->add_option("--max-message", x->max_message,
                "the largest message accepted (default 16M); a stream past it is ended, an HTTP "
                "body gets 413, a WebSocket message closes with 1009")
      ->type_name("SIZE");
  a->add_option("--max-conns", so->max_conns,
                "at most N connections at once (default: what the descriptor limit allows)")
      ->type_name("N");
  a->add_option("--idle-timeout", x->idle, "close a connection after DURATION without a message")
      ->type_name("DURATION");
  a->add_flag("--once", so->once, "serve one connection, then exit");
  a->add_option("--ready-file", so->ready_file,
                "once listening, write the URL (with the real port) to PATH atomically")
      ->type_name("PATH")
      ->envname("VITNET_READY_FILE");
  a->add_option("--bearer", so->http.bearer, "http, ws: require Authorization: Bearer TOKEN")
      ->type_name("TOKEN");
  a->add_option("--origin", x->origins,
                "ws: also admit browser pages from ORIGIN (repeatable; * for any)")
      ->type_name("ORIGIN")
      ->allow_extra_args(false);
  a->add_flag("--cors", so->http.cors, "http: allow cross-origin requests");
  a->add_option("--cert", so->tls.cert_file,
                "tls: the certificate chain to serve (default: an ephemeral self-signed one)")
      ->type_name("FILE");
  a->add_option("--key", so->tls.key_file, "tls: the private key of --cert")->type_name("FILE");
  a->add_option("--client-ca", so->tls.client_ca_file,
                "tls: require client certificates issued by the CAs in FILE (mTLS)")
      ->type_name("FILE");

  a->callback([so, o, x, &chosen] {
    // Through a broker: the service's methods on NAME.METHOD, discovery on $SRV.*.
    const bool nats = x->url.starts_with("nats://");
    if (nats && x->service.empty())
      throw CLI::ValidationError("--service", "a service on a broker needs NAME@VERSION");
    so->where = net::parse_endpoint(nats ? "tcp://127.0.0.1:0" : x->url);
    if (!so->where.is_stream())
      throw CLI::ValidationError("URL",
                                 "rpc serve listens on tcp://, unix://, tls://, http(s):// or "
                                 "ws(s)://");
    if (!so->where.target.empty() && so->where.target != "/")
      throw CLI::ValidationError("URL", "a server listens on HOST:PORT; give no path");
    for (auto& e : x->execs) {
      auto eq = e.find('=');
      if (eq == 0 || eq == std::string::npos || eq + 1 == e.size())
        throw CLI::ValidationError("--exec", "'" + e + "' is not NAME=CMD");
      auto name = e.substr(0, eq);
      if (proto::jsonrpc::reserved_method(name))
        throw CLI::ValidationError("--exec", "method names starting with 'rpc.' are reserved");
      o->execs.emplace_back(name, e.substr(eq + 1));
    }
    if (!x->service.empty()) {
      auto at = x->service.rfind('@');
      o->service_name = x->service.substr(0, at);
      if (at != std::string::npos) o->service_version = x->service.substr(at + 1);
      if (o->service_name.empty())
        throw CLI::ValidationError("--service", "give NAME@VERSION (as calculator@1.0.0)");
    }
    o->framing = *proto::jsonrpc::parse_framing(x->framing);
    if (x->protocol == "msgpack") {
      if (so->where.is_http() || so->where.is_ws())
        throw CLI::ValidationError("--protocol",
                                   "msgpack is served on tcp://, unix:// and tls:// only");
      o->protocol = commands::rpc_protocol::msgpack;
    }
    if (!x->max_message.empty()) {
      auto n = core::parse_size(x->max_message);
      if (!n || *n == 0 || *n > (1ull << 30))
        throw CLI::ValidationError("--max-message", "give a size from 1 to 1G (as 64K, 16M)");
      o->max_message = static_cast<std::size_t>(*n);
    }
    if (!x->exec_timeout.empty()) o->exec_timeout = duration_arg("--exec-timeout", x->exec_timeout);
    if (!x->idle.empty()) so->idle_timeout = duration_arg("--idle-timeout", x->idle);
    if (!so->where.tls && (!so->tls.cert_file.empty() || !so->tls.key_file.empty() ||
                           !so->tls.client_ca_file.empty()))
      throw CLI::ValidationError("--cert/--key/--client-ca",
                                 "TLS options need a tls://, https:// or wss:// URL");
    bool web = so->where.is_http() || so->where.is_ws();
    if (!web && (!so->http.bearer.empty() || so->http.cors || !x->origins.empty()))
      throw CLI::ValidationError("--bearer/--cors/--origin",
                                 "are for http(s):// and ws(s):// URLs");
    so->keep_open = !so->once;
    so->http.workers = 1;  // calls are counted (sequences): one process
    so->http.limits.max_body = o->max_message;
    so->ws.max_message = o->max_message;
    for (auto& text : x->origins) {
      auto origin = text == "*" ? std::optional<std::string>(text) : commands::normal_origin(text);
      if (!origin)
        throw CLI::ValidationError("--origin", "'" + text +
                                                   "' is not an origin like "
                                                   "https://app.example:8443, or *");
      so->ws.origins.push_back(*origin);
    }
    if (nats) {
      if (o->protocol == commands::rpc_protocol::msgpack)
        throw CLI::ValidationError("--protocol", "a service on a broker speaks JSON-RPC");
      auto no = std::make_shared<commands::rpc_nats_serve_options>();
      no->url = x->url;
      no->name = o->service_name;
      no->version = o->service_version.empty() ? "0.0.0" : o->service_version;
      commands::mq::parse_mq_url(x->url);  // a malformed URL is refused now
      chosen = [no, o](net::context& ctx, core::io& io) -> net::task<int> {
        auto service = commands::make_rpc_service(ctx, *o, io);
        co_return co_await commands::run_rpc_nats_serve(ctx, *no, service, io);
      };
      return;
    }
    chosen = [so, o](net::context& ctx, core::io& io) -> net::task<int> {
      so->service = commands::make_rpc_service(ctx, *o, io);
      so->http.service = so->service;
      so->ws.service = so->service;
      co_return co_await commands::run_serve(ctx, *so, io);
    };
  });
}

}  // namespace

/// How a client checks a tls:// (wss://, https://) server, and with `identity` what it presents.
void add_tls_client_options(CLI::App& a, net::tls_client_options& tls, bool identity) {
  a.add_option("--ca", tls.ca_file, "tls: trust the certificates in FILE")->type_name("FILE");
  a.add_flag("--insecure", tls.insecure, "tls: do not verify the server's certificate");
  a.add_option("--pin", tls.pin, "tls: accept only this SHA-256 fingerprint")->type_name("SHA256");
  if (!identity) return;
  a.add_option("--sni", tls.sni, "tls: the server name to send and verify")->type_name("NAME");
  a.add_option("--cert", tls.cert_file, "tls: present this client certificate")->type_name("FILE");
  a.add_option("--key", tls.key_file, "tls: the private key of --cert")->type_name("FILE");
}

void define_rpc(CLI::App& sub, runner& chosen) {
  sub.require_subcommand(1);
  define_call(sub, chosen, commands::rpc_options::mode::call);
  define_call(sub, chosen, commands::rpc_options::mode::notify);
  define_call(sub, chosen, commands::rpc_options::mode::list);
  define_rpc_serve(sub, chosen);
  define_rpc_bench(sub, chosen);
}

}  // namespace cli

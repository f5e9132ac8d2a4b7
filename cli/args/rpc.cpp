#include "commands/rpc/rpc.hpp"

#include <iostream>
#include <iterator>
#include <memory>

#include "cli/command_table.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"

namespace cli {

namespace {

struct rpc_args {
  std::vector<std::string> words;  // [URL] METHOD [PARAM...]
  std::string framing = "ndjson", params, timeout, connect_timeout, bearer;
};

void define_call(CLI::App& parent, runner& chosen, bool notify) {
  auto* a = parent.add_subcommand(
      notify ? "notify" : "call",
      notify ? "send a notification (no answer is waited for)"
             : "call a method and print its result (exit 1 when the server answers an error)");
  a->fallthrough();
  auto o = std::make_shared<commands::rpc_options>();
  auto x = std::make_shared<rpc_args>();
  o->notify = notify;
  a->add_option("words", x->words,
                "URL (tcp://, unix://, tls://; none with --exec), METHOD, then PARAMs: each a JSON "
                "value (by position) or NAME=VALUE (by name; VALUE is JSON, or else a string)")
      ->type_name("[URL] METHOD [PARAM...]")
      ->required();
  a->add_option("--exec", o->exec,
                "start CMD (by /bin/sh) and speak to it on its stdin and stdout (language servers, "
                "MCP servers); it gets its end of input after the answer, then SIGTERM")
      ->type_name("CMD");
  a->add_option("--framing", x->framing,
                "how messages follow each other: ndjson (one per line, the default) or lsp "
                "(Content-Length headers)")
      ->check(CLI::IsMember({"ndjson", "lsp"}))
      ->type_name("FRAMING");
  a->add_option("--params", x->params,
                "the params as one JSON array or object, @FILE or @- (stdin), instead of PARAMs")
      ->type_name("JSON");
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
  a->add_option("--ca", o->tls.ca_file, "tls: trust the certificates in FILE")->type_name("FILE");
  a->add_flag("--insecure", o->tls.insecure, "tls: do not verify the server's certificate");
  a->add_option("--pin", o->tls.pin, "tls: accept only this SHA-256 fingerprint")
      ->type_name("SHA256");
  a->add_option("--sni", o->tls.sni, "tls: the server name to send and verify")->type_name("NAME");
  a->add_option("--cert", o->tls.cert_file, "tls: present this client certificate")
      ->type_name("FILE");
  a->add_option("--key", o->tls.key_file, "tls: the private key of --cert")->type_name("FILE");

  a->callback([o, x, &chosen] {
    auto words = x->words;
    if (o->exec.empty()) {
      if (words.size() < 2) throw CLI::ValidationError("URL METHOD", "give a URL and a METHOD");
      o->where = net::parse_endpoint(words.front());
      words.erase(words.begin());
      if (!o->where->is_stream())
        throw CLI::ValidationError("URL",
                                   "rpc speaks over tcp://, unix://, tls://, http(s):// and "
                                   "ws(s)://, or to a program with --exec");
    }
    if (words.empty()) throw CLI::ValidationError("METHOD", "give the METHOD to call");
    if (!x->bearer.empty()) o->headers.push_back("Authorization: Bearer " + x->bearer);
    if (!o->headers.empty() && !(o->where && (o->where->is_http() || o->where->is_ws())))
      throw CLI::ValidationError("--header", "is for http(s):// and ws(s):// URLs");
    o->method = words.front();
    words.erase(words.begin());
    o->framing = *proto::jsonrpc::parse_framing(x->framing);
    if (!x->params.empty()) {
      if (!words.empty())
        throw CLI::ValidationError("--params", "give --params or PARAMs, not both");
      std::string text;
      if (x->params == "@-")
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      else
        text = core::data_argument(x->params);
      auto v = core::parse_peer_json(text);
      if (!v || !(v->is_array() || v->is_object()))
        vitnet::fail(core::exit_code::data, "rpc: --params: not a JSON array or object");
      o->params = std::move(*v);
    } else {
      std::string error;
      o->params = commands::params_from_words(words, error);
      if (!error.empty()) vitnet::fail(core::exit_code::data, "rpc: {}", error);
    }
    if (!x->timeout.empty()) o->timeout = duration_arg("--timeout", x->timeout);
    if (!x->connect_timeout.empty())
      o->connect_timeout = duration_arg("--connect-timeout", x->connect_timeout);
    if (o->timeout <= core::duration::zero())
      throw CLI::ValidationError("--timeout", "must be more than 0");
    if (o->retry < 0) throw CLI::ValidationError("--retry", "must not be negative");
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_rpc(ctx, *o, io); };
  });
}

}  // namespace

void define_rpc(CLI::App& sub, runner& chosen) {
  sub.require_subcommand(1);
  define_call(sub, chosen, false);
  define_call(sub, chosen, true);
}

}  // namespace cli

#include "cli/command_table.hpp"

#include "core/units.hpp"

namespace cli {

core::duration duration_arg(const std::string& option, const std::string& text) {
  auto d = core::parse_duration(text);
  if (!d)
    throw CLI::ValidationError(option, "'" + text + "' is not a duration (try 500ms, 2s, 1m)");
  return *d;
}

namespace {
// The scenario format, for the man page (examples/quickstart.toml is a commented example).
constexpr std::string_view scenario_format = R"(A scenario is a TOML file. Top-level keys:
  name = "..."            a title for reports (default: the file name)
  description = "..."
  hosts = ["a", "b"]      host N (from 1) is 127.0.0.N+1 on both backends; each host is
                          "localhost" (127.0.0.1) to itself and reaches the others by name
  timeout = "60s"         virtual time the run may span (real time on loopback)
  wall_timeout = "30s"    real time the run may take: a hang is a failure
  seed = 1                default seed (--seed, --seeds override)
  [vars]                  NAME = "value", used as ${NAME} in strings; --var NAME=VALUE
                          overrides; ${addr.HOST} is a host's address, ${dir} the
                          scenario file's directory; ${port.NAME} a port given to NAME for
                          the run (free on loopback; 40000, 40001... on the mock network);
                          ${dial.HOST:PORT} (PORT a number or a NAME) the address:port a
                          process dials to reach HOST's PORT through the faults between
  [link]                  every link: latency, jitter, loss (0..1), bandwidth ("10Mbit")

Each [[process]] is a vitnet command, or on loopback any program, on a host:
  name = "client"         for reports (default HOST#N)
  host = "a"
  run = "connect tcp://b:7000"   or args = ["connect", "tcp://b:7000"]
  exec = "python3 app.py --port ${port.api}"   or argv = [...]: any program (loopback
                          only; the mock network refuses it with 78). Its connections go
                          through faults when it dials ${dial.HOST:PORT}; vitnet commands
                          are redirected through them by themselves
  env = { NAME = "v" }    added to its environment
  cwd = "dir"             its working directory (relative to the scenario file)
  ready = "tcp://a:${port.api}"  or "http://a:${port.api}/health", or { url = ...,
                          status = 200, timeout = "10s" }: later processes start once a
                          connection (an answer with that status) succeeds; a process
                          that exits first or misses the timeout fails the run. On
                          loopback a vitnet server (serve, proxy, rpc serve, mq broker) is
                          waited for until it listens (VITNET_READY_FILE), unless ready =
                          false. On the mock network servers listen as they start.
  start = "100ms"         when it starts (at the earliest: after those it waits for)
  stdin = "hello\n"      its whole standard input
  expect = { ... }        exit = N; stdout = "..."; stderr = "..."; stdout_contains and
                          stderr_contains (a string or a list); stdout_matches and
                          stderr_matches (regular expressions); within = "2s" (exits at
                          most this long after starting); running = true (still running
                          at the end)

Each [[fault]] changes the network for a while:
  kind = "partition"      latency, loss, bandwidth, reorder, duplicate, partition,
                          blackhole, reset, slow_close, crash, dns_failure, refuse
  between = ["a", "b"]    both ways; or from = "a", to = "b" one way; or host = "b"
  port = 7000             only that port (needed on loopback, where a proxy realises it)
  at = "1s", for = "5s"   when it starts and how long it lasts (default: for ever)
  probability = 0.5       applies to each packet, connection or lookup with this chance
  connections = 3         only the first N connections (reset, refuse)
  latency, jitter, distribution ("uniform" or "normal"), rate (loss, reorder,
  duplicate), bandwidth, after_bytes (reset), mode ("error" or "timeout": dns_failure)

On the mock network, streams never lose data: loss and partitions delay bytes until they
get through, as TCP retransmission does; datagrams are lost. A crash silences a host's
connections and ends its processes; after `for` the host restarts and its processes
start again. A fault that never fired is reported. On loopback, when the run ends, each
process's group gets SIGTERM and, two seconds later, SIGKILL: what a program started ends too.)";
}  // namespace

const std::vector<command_info>& command_table() {
  static const std::vector<command_info> table = {
      {"serve",
       "listen on tcp, tls, udp, unix, http(s), ws(s) or dns and answer peers (stdio, echo, "
       "reply, exec, broadcast, sink; files, a mock API or a reverse proxy over http; mock DNS)",
       "Listens on URL and serves peers in one mode. By default, as netcat does, the first "
       "connection is piped to stdin and stdout and vitnet exits when it closes; -k keeps "
       "accepting, and in this mode, as with ncat -k, stdin goes to every client connected at "
       "the time and what each client sends goes to stdout (stdin is read only while someone "
       "is connected, never dropped; when it ends, each client's sending direction is shut). "
       "A ws:// server in this mode serves one client at a time. On start it prints 'vitnet: "
       "listening on URL' with the real port, so port 0 "
       "can be used; --ready-file writes that URL to a file atomically. An http:// or https:// "
       "URL serves HTTP/1.1 to many clients: the files of --dir, the mock API of a --routes file, "
       "or a reverse proxy to --backend URLs. A ws:// or wss:// URL accepts WebSocket "
       "connections and treats each message as the stream modes treat a line: stdio, --echo, "
       "--exec (a process per connection), --broadcast. --bearer and --basic-auth are checked "
       "before a WebSocket upgrade. Because any web page can make a browser open a WebSocket to "
       "localhost, a ws server admits only clients that send no Origin (tools, libraries) and "
       "pages it served itself (same host and port); --origin names other pages to admit. "
       "A tls://, https:// or wss:// server "
       "without --cert makes itself an ephemeral certificate and prints its fingerprint. "
       "A dns:// URL serves DNS on UDP and TCP on one port (port 0: the same free port for "
       "both): answers from --records (a zone file with $ORIGIN and $TTL, a hosts file, or TOML "
       "with origin, ttl, [[record]] name/type/data and faults; wildcards, CNAME chains followed, "
       "negative answers with the zone's SOA), names it does not hold to --upstream or NXDOMAIN, "
       "failures injected by --fault, a line per query on stdout (NDJSON with --json; -q: none), "
       "the records read again on SIGHUP (a bad file is refused, naming FILE:LINE, and the old "
       "records stay). tls:// with --records is DNS over TLS, https:// DNS over HTTPS (POST, or "
       "GET with ?dns=, on any path).",
       {{"vitnet serve :8080", "pipe the first connection on port 8080 to stdin/stdout"},
        {"vitnet serve -k --echo tcp://127.0.0.1:0 --ready-file port.url",
         "an echo server on a free port"},
        {"vitnet serve -k --exec 'tr a-z A-Z' :9000", "one child process per connection"},
        {"vitnet serve -k --broadcast unix:///tmp/chat.sock", "a chat server on a Unix socket"},
        {"vitnet serve --echo udp://127.0.0.1:5353", "answer every UDP datagram with itself"},
        {"vitnet serve http://127.0.0.1:8000 --dir .", "the files of this folder over HTTP"},
        {"vitnet serve https://localhost:8443 --routes api.toml",
         "a mock API over HTTPS (examples/routes.toml shows the format)"},
        {"vitnet serve -k --broadcast ws://127.0.0.1:9000", "a WebSocket chat room"},
        {"vitnet serve -k --echo wss://localhost:9443", "a WebSocket echo server over TLS"},
        {"vitnet serve dns://127.0.0.1:5353 --records zone.txt --fault 'flaky.test=servfail,20%'",
         "a mock DNS server that fails a fifth of the time for one name"}},
       define_serve},
      {"connect",
       "dial tcp, tls, udp or unix and pipe stdin and stdout through the connection; make http(s) "
       "requests; talk to ws(s) servers",
       "Dials URL and copies stdin to the peer and the peer to stdout, byte for byte. At the end "
       "of stdin it shuts down its sending side and keeps reading until the peer closes "
       "(--close-on-eof closes at once). When the peer closes first, it exits 0. For an http:// "
       "or https:// URL it makes one request with libcurl instead, over a connection vitnet dials "
       "itself (so it runs on the mock network too), and prints the body on stdout byte for byte, "
       "or with --json one document: url, method, status, reason, http_version, headers "
       "(lowercase names, lists of values), timings (dns, connect, tls, first_byte and total, in "
       "seconds since the start, each including those before it), size, body (body_encoding "
       "utf-8 or base64), redirects and attempts. Redirects are followed (up to --max-redirs, "
       "10); 303, and 301/302 after a POST, continue as GET; Authorization and Cookie headers "
       "are not sent to another origin. The body is sent from --data (as is: curl's -d strips "
       "newlines from files, vitnet does not) or --json-body (named so because --json is the "
       "output document). --timeout bounds the whole request (no limit by default), "
       "--connect-timeout name lookup and connecting (10s), --idle-timeout silence either way "
       "(30s). --retry retries refused or timed-out connections, unknown hosts and the "
       "statuses 408, 429, 500, 502, 503 and 504 (waiting as Retry-After says, up to a minute), "
       "unless part of the body already went to stdout. Any status exits 0 unless --fail is "
       "given. TLS options for https: --ca, --insecure, --cert, --key, --tls-min. Proxy "
       "environment variables are ignored. For a ws:// or wss:// URL it opens a WebSocket: each "
       "line of stdin is sent as a text message (--binary: binary; --raw: one message per read "
       "of stdin) and each message received is printed followed by a newline (--raw: as it is); "
       "-H adds headers to the upgrade request, --protocol offers subprotocols, --reconnect dials "
       "again when the connection is lost.",
       {{"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | vitnet connect example.com:80",
         "a raw HTTP request"},
        {"vitnet connect -z 127.0.0.1:22", "is the port open? (exit 0, 69 refused, 75 timeout)"},
        {"vitnet connect --retry 5 --retry-delay 200ms :8080 < file",
         "wait for a server that starts late"},
        {"vitnet connect --bench 10s tcp://127.0.0.1:5001",
         "throughput against 'vitnet serve --sink'"},
        {"echo ping | vitnet connect udp://127.0.0.1:5353",
         "one datagram per line; answers on stdout"},
        {"vitnet connect --fail -H 'Authorization: Bearer T' https://api.example.com/items",
         "an HTTP request; exit 1 on a 4xx or 5xx status"},
        {"vitnet --json connect --json-body '{\"name\":\"x\"}' http://localhost:8080/items",
         "POST JSON; status, headers, timings and body as one document"},
        {"vitnet connect --download file.iso --retry 3 https://example.com/file.iso",
         "a download, whole or not at all, with a progress bar"},
        {"vitnet connect --reconnect wss://localhost:9443/chat",
         "a WebSocket: lines of stdin out as messages, messages in as lines"}},
       define_connect},
      {"proxy",
       "relay tcp, udp or unix connections to an upstream, injecting faults (latency, resets, ...)",
       "Listens on LISTEN and relays every connection (or, for udp, every client) to the upstream "
       "given by --to, injecting faults on the way: latency and jitter, a bandwidth limit, a "
       "reset after some bytes, a blackhole, a slow close, datagram loss. It is the mock network "
       "for programs that are not vitnet. Faults act both ways unless --up or --down says "
       "otherwise; --probability makes each of them apply to only some connections. --faults "
       "reads more from a file of [[fault]] tables (the vocabulary of 'vitnet test net'), and "
       "SIGHUP re-reads it for new connections. A reset closes both sides abruptly (TCP peers see "
       "'connection reset'); a refusal of every connection closes the listener, so clients are "
       "refused. With --json, NDJSON events (listening, open, fault, close) go to stdout.",
       {{"vitnet proxy :8081 --to 127.0.0.1:8080 --latency 200ms --jitter 50ms",
         "a slow link in front of a local server"},
        {"vitnet proxy :8081 --to 127.0.0.1:8080 --reset-after 64K --probability 0.3",
         "cut three connections in ten after 64 KiB"},
        {"vitnet proxy udp://127.0.0.1:5354 --to udp://127.0.0.1:53 --loss 0.2",
         "a lossy path to a DNS server"},
        {"vitnet proxy :6380 --to unix:///run/redis.sock --bandwidth 1Mbit",
         "a narrow link to a Unix socket"},
        {"vitnet --json proxy :8081 --to :8080 --faults examples/proxy-faults.toml",
         "faults from a file; kill -HUP reloads it"}},
       define_proxy},
      {"test",
       "run network scenarios: on a deterministic mock network (virtual time, faults) or loopback",
       "'vitnet test net FILE...' runs scenario files: TOML that names hosts, the vitnet commands "
       "each runs (with start times and stdin), faults on the network, and what each command is "
       "expected to do. On the mock network (the default) nothing touches a socket: hosts, links "
       "and time are simulated, an hour of timeouts passes in milliseconds, and the same seed "
       "gives "
       "the same run, event for event (--trace). With --net loopback the same file runs on real "
       "sockets, host N being 127.0.0.N+1, with faults realised by 'vitnet proxy'; a fault a "
       "backend cannot realise fails the run (exit 78) rather than passing silently. Exit 0 when "
       "every scenario passed, 1 when some failed, 65 for a malformed file (file:line: message). "
       "--report run.html writes one page for the whole run, to open in a browser: per scenario "
       "and seed a timeline of the hosts, processes, faults and traffic, the replay command and "
       "each process's output. See examples/quickstart.toml for the format.",
       {{"vitnet test net examples/quickstart.toml",
         "a server, clients and a partition that heals, in virtual time"},
        {"vitnet test net --seeds 1..100 --jobs 2 tests/*.toml",
         "a sweep of seeds over every scenario"},
        {"vitnet test net --junit report.xml --trace run.trace scenario.toml", "reports for CI"},
        {"vitnet test net --report run.html tests/*.toml", "a timeline of every run, in a browser"},
        {"vitnet test net --net loopback scenario.toml", "the same scenario on real sockets"}},
       define_test,
       {{"SCENARIO FILES", scenario_format}}},
      {"tls",
       "make certificates (CA, intermediate, server, client, dev), inspect and verify them",
       "'vitnet tls gen' makes a key and a certificate in one command, with the profiles strict "
       "verifiers expect (openssl verify -x509_strict, GnuTLS, Python): 'gen ca' a root CA, or "
       "with --intermediate one signed by --ca (pathlen 0), optionally limited to names under "
       "--name-constraint; 'gen cert NAME...' a server certificate and 'gen client NAME' a client "
       "one, signed by --ca; 'gen dev NAME...' a server certificate from a development CA that it "
       "makes on first use in $XDG_DATA_HOME/vitnet/ca (~/.local/share/vitnet/ca) and reuses "
       "after; 'gen csr NAME...' a request, which 'tls sign' signs. Names are typed by their "
       "form: DNS names, *.wildcards, IPv4 and IPv6 addresses, emails, URIs. Keys are ECDSA P-256 "
       "unless --key-type says otherwise. Files are NAME.pem, NAME-key.pem (mode 0600), "
       "NAME-chain.pem when an intermediate signed, and NAME.p12 with --p12; existing files are "
       "never overwritten without --force (exit 74). Leaves are valid 397 days by default and at "
       "most 825; CAs 10 years. 'tls inspect FILE' shows a certificate, chain, CSR, key or "
       "PKCS#12; 'tls verify CERT' checks a chain against --ca (or the system store), a name, a "
       "purpose and a time, and exits 1 with the reason (expired, not yet valid, untrusted, name "
       "mismatch, wrong purpose, name-constraint violation) when it does not hold.",
       {{"vitnet tls gen dev localhost 127.0.0.1 ::1",
         "a development CA (made once) and a server certificate for local names"},
        {"vitnet tls gen ca --name 'Example Root' --name-constraint DNS:example.com",
         "a root CA that may only certify names under example.com"},
        {"vitnet tls gen ca --intermediate --ca ca.pem --ca-key ca-key.pem",
         "an intermediate CA signed by the root"},
        {"vitnet tls gen cert --ca intermediate.pem www.example.com '*.example.com'",
         "a server certificate with its chain file"},
        {"vitnet tls gen client --ca ca.pem --p12 --p12-pass-file pass alice@example.com",
         "a client certificate, also as PKCS#12"},
        {"vitnet tls verify --ca ca.pem --host localhost --purpose server localhost.pem",
         "exit 0 when the certificate holds, 1 with the reason"},
        {"vitnet --json tls inspect localhost.pem", "the certificate's fields as JSON"}},
       define_tls},
      {"rpc",
       "JSON-RPC 2.0 clients and servers over tcp, unix, tls, http(s), ws(s) or a program's "
       "stdin/stdout",
       "'vitnet rpc call URL METHOD [PARAM...]' sends one JSON-RPC 2.0 request and prints its "
       "result as JSON on stdout; when the server answers an error object, that object is printed "
       "on stdout (it is data) and the exit code is 1. 'rpc notify' sends a notification and "
       "waits for nothing. PARAMs are JSON values, sent by position, or NAME=VALUE pairs, sent by "
       "name (VALUE is JSON when it parses as JSON, else a string); --params gives them as one "
       "JSON document (@FILE, @- for stdin). A PARAM that is neither is refused with exit 65. "
       "Messages are framed as one per line (ndjson, the default) or with LSP's Content-Length "
       "headers (--framing lsp). --exec CMD starts a program and speaks to it on its stdin and "
       "stdout, as editors speak to language servers; it gets its end of input after the "
       "answer, then SIGTERM after 2 s. Requests the server sends its client meanwhile are "
       "answered (null for LSP's harmless ones, method not found otherwise), notifications are "
       "shown with -v. --timeout bounds the wait for each byte, not the whole call (exit 75). "
       "An http:// or https:// URL sends one POST per call (-H and --bearer add headers); the "
       "answer is the JSON-RPC response in the body whatever the status, and a notification is "
       "done when the server accepts it (2xx). A ws:// or wss:// URL sends each message as one "
       "text message and closes normally once the answer is in. With --json, the whole exchange "
       "is printed: request, response, id and time. "
       "'vitnet rpc serve URL' is a JSON-RPC server on the same transports: --methods FILE "
       "answers mock methods (a result or error per method, templates from the params, delays, "
       "sequences for repeated calls, and streams of notifications after the reply); --exec "
       "NAME=CMD runs CMD per call (params as JSON on its stdin, its stdout the result, a "
       "non-zero exit an error object); --openrpc DOC answers from the document's examples and "
       "checks params against their schemas (-32602 naming the param); with none of these it "
       "answers 'echo'. rpc.discover answers an OpenRPC document of everything served. Each "
       "call is logged on stdout (NDJSON events with --json). Calls that wait are answered as "
       "they finish, so a slow call does not hold up the ones after it. "
       "Several URLs are tried in order until one connects (--balance random starts anywhere). "
       "--batch sends a JSON-RPC batch and prints the answers in its order; --script runs "
       "calls, notifications and waits for notifications on one connection (an LSP session); "
       "--mcp performs the Model Context Protocol handshake first; --follow prints the "
       "notifications after the reply (a subscription) as NDJSON until --count of them. "
       "--protocol msgpack speaks MessagePack-RPC (Neovim's protocol, errors as [type, message]) "
       "in call, list and serve. 'rpc list' prints what a server offers (rpc.discover; Neovim's "
       "API with msgpack). 'rpc bench' calls one method from N connections, one call at a time "
       "each, and prints calls per second and latency percentiles (--json for one object).",
       {{"vitnet rpc call tcp://127.0.0.1:4000 subtract 42 23", "params by position: [42,23]"},
        {"vitnet rpc call unix:///tmp/api.sock user.get id=7 fields='[\"name\"]'",
         "params by name: {\"id\":7,\"fields\":[\"name\"]}"},
        {"vitnet rpc call --exec clangd --framing lsp initialize processId=null rootUri=null "
         "capabilities={}",
         "ask a language server what it can do"},
        {"vitnet rpc call --bearer $TOKEN https://api.example.test/rpc eth_blockNumber",
         "one POST, with a token"},
        {"vitnet rpc notify tcp://127.0.0.1:4000 log --params @event.json",
         "a notification with params from a file"},
        {"vitnet rpc serve tcp://127.0.0.1:4000 --methods examples/methods.toml",
         "a mock service; rpc.discover lists its methods"},
        {"vitnet rpc serve http://127.0.0.1:8545 --exec 'hash=sha256sum' --bearer $TOKEN",
         "a method run by a command, over HTTP with a token"},
        {"vitnet rpc call --exec pylsp --framing lsp --script session.ndjson",
         "an LSP session: initialize, a request, shutdown, exit"},
        {"vitnet rpc call --protocol msgpack tcp://127.0.0.1:6666 nvim_eval '\"1+1\"'",
         "ask Neovim (nvim --listen 127.0.0.1:6666)"},
        {"vitnet rpc bench tcp://127.0.0.1:4000 echo -c 50 -d 10s", "calls per second, p50/p99"}},
       define_rpc},
      {"mq",
       "NATS, MQTT and Redis publish/subscribe, request/reply, streams (JetStream, Redis) and an "
       "embedded NATS broker",
       "'vitnet mq broker nats://HOST:PORT' is a broker speaking the NATS client protocol as "
       "nats-server 2.9 does (INFO, CONNECT, PUB, HPUB, SUB with queue groups, UNSUB with a "
       "count, MSG, HMSG, PING/PONG, +OK/-ERR; '*' and '>' wildcards; no responders), for "
       "development and CI: one node, at-most-once delivery, nothing kept on disk, no clustering "
       "and no JetStream. It authenticates with --auth-token or --user/--pass (within "
       "--auth-timeout), upgrades to TLS after INFO with --tls (--cert/--key, or an ephemeral "
       "certificate; --client-ca for mTLS), PINGs its clients and drops stale ones, and closes a "
       "slow consumer (over --max-pending bytes queued, or a write longer than --write-deadline) "
       "with -ERR. --monitor http://HOST:PORT serves /varz, /connz (?subs=1), /subsz and "
       "/healthz with nats-server's field names. "
       "'mq pub URL SUBJECT [MESSAGE]' publishes MESSAGE (--count times), or each line of stdin "
       "(--json: each line an envelope {\"subject\", \"data\", \"headers\"}); -H KEY:VALUE adds "
       "headers. 'mq sub URL SUBJECT...' prints each message's data on a line, or --json "
       "envelopes (subject, data or data_base64, headers, reply, time) that 'mq pub --json' "
       "reads back; --queue G shares the messages with the group, --count N stops after N, "
       "--timeout D stops after D without a message (exit 75 when nothing, or fewer than "
       "--count, came). 'mq req URL SUBJECT [MESSAGE]' prints the reply: exit 69 when nothing "
       "subscribes (no responders), 75 on timeout. 'mq reply URL SUBJECT' answers requests with "
       "the request (--echo), --reply TEXT, or what --exec CMD writes (the request on its "
       "stdin). --reconnect N connects again after a lost connection and subscribes again, "
       "saying so on stderr; what is published meanwhile waits (up to 8M, then the publisher "
       "waits). 'mq bench URL --pub N --sub M --msgs K --size S' measures throughput as nats "
       "bench does; --req N measures request/reply round trips. "
       "JetStream (nats-server -js): 'mq stream add|ls|info|rm URL NAME' manages streams "
       "(--subjects, --storage, --max-msgs, --max-bytes, --max-age); 'mq pub --ack' waits for "
       "each message's acknowledgement (69 when no stream takes the subject); 'mq sub URL "
       "SUBJECT --stream NAME' reads the stream through a pull consumer, --durable D keeping its "
       "place between runs, --from start|new|last|seq:N|time:T, --ack acknowledging each message "
       "once printed, --until-end stopping when all there is has been read; --json shows the "
       "stream sequence as id. "
       "With mqtt:// (1883) or mqtts:// (8883) the clients speak MQTT 3.1.1, or 5 with --mqtt 5: "
       "--qos 0, 1 or 2 (the whole handshake; pub waits until every message is acknowledged), "
       "--retain (an empty message removes the retained one), topic filters with '+' and '#', "
       "USER:PASS@ in the URL, --client-id, --keep-session, --will-topic/--will-message, and "
       "with MQTT 5 headers as user properties, --queue G as the shared subscription "
       "$share/G/FILTER, --session-expiry, and req/reply through response topics (with "
       "correlation data returned); envelopes add qos and retain. A refused CONNECT exits 77 "
       "for bad credentials or no authorization, 76 otherwise; a refused subscription 76. "
       "The clients speak Redis too, given redis://[[USER:]PASS@]HOST[:6379][/DB] (rediss:// "
       "for TLS; a lone PASS@ is a password, as in redis-cli; /DB is SELECT DB): pub is "
       "PUBLISH, sub is SUBSCRIBE, or PSUBSCRIBE when SUBJECT holds * ? or [ (the subject "
       "printed is the channel). Redis pub/sub carries no headers and no reply subject (65), has "
       "no queue groups (--queue: 64) and no request/reply (req: 64). With --stream [KEY] they "
       "use a stream instead: pub is XADD with the data and each header as fields; sub reads "
       "(XREAD) from --from start, new (the default), last or an entry id, stops at the end with "
       "--until-end (exit 0), and --json shows each entry's id. --group G (or --queue G) reads "
       "in a consumer group, created when new, as --consumer NAME (default: a random one): "
       "first this consumer's pending entries, then those idle over a minute in another "
       "consumer (XAUTOCLAIM), then new ones, one at a time; --ack acknowledges (XACK) each "
       "once printed, without it they stay pending. Exit codes: 0, 1 a stream not found, 64 "
       "usage, 65 a "
       "message the broker cannot carry, 69 unreachable or no responders, 75 timeout, 76 "
       "protocol or TLS, 77 authorization refused.",
       {{"vitnet mq broker nats://127.0.0.1:4222 --monitor http://127.0.0.1:8222",
         "a broker for tests, with monitoring"},
        {"vitnet mq sub nats://127.0.0.1:4222 'orders.>' --json", "every order event as NDJSON"},
        {"echo hello | vitnet mq pub nats://127.0.0.1:4222 greet -H trace:1",
         "publish a line with a header"},
        {"vitnet mq reply nats://127.0.0.1:4222 time --exec date --queue clocks",
         "a service; several share the load"},
        {"vitnet mq req nats://127.0.0.1:4222 time", "ask it (69 when nothing answers)"},
        {"vitnet mq sub mqtt://127.0.0.1 'sensors/+/temp' --qos 1 --json",
         "MQTT messages with topic, qos and retain"},
        {"vitnet mq sub redis://127.0.0.1 'news.*' --count 10 --timeout 30s",
         "ten Redis pub/sub messages on matching channels, then exit"},
        {"vitnet mq sub redis://127.0.0.1 jobs --stream --group workers --ack",
         "a worker taking its share of a Redis stream"},
        {"vitnet mq sub nats://127.0.0.1:4222 'orders.>' --stream ORDERS --durable billing --ack "
         "--until-end",
         "what the stream holds that this consumer has not yet taken"},
        {"vitnet mq bench nats://127.0.0.1:4222 --pub 1 --sub 1 --msgs 1000000",
         "messages per second"}},
       define_mq},
      {"scan",
       "TCP connect scan of hosts and ports: open, closed or filtered, with banners",
       "Connects to every port of every target, thousands at a time (as many as the file "
       "descriptor limit allows, less a margin; never failing for lack of descriptors), and "
       "reports each port as open (the connect succeeded), closed (refused) or filtered (no "
       "answer within the timeout, after --retries more tries, or unreachable), as nmap's "
       "connect scan does. Timeouts adapt to the round trips measured on each host, from 50ms "
       "up to --timeout (1s); the last try of a port always waits the full --timeout. Open "
       "connections are closed with a reset, leaving no TIME_WAIT; a connect on loopback that "
       "met itself is confirmed and reported closed. Targets are addresses, CIDR blocks, "
       "ranges and names (all resolved before the first probe; exit 68 for an unknown one), "
       "from arguments, -iL FILE or - (stdin). Ports default to the 100 most common of "
       "vitnet's own list. Output: a table (ports in the dominant closed or filtered state "
       "are counted, not listed), --json (NDJSON: one object per port, then a summary), --csv "
       "or --grep. Exit 0 when the scan ran, whatever it found; 64 for malformed targets or "
       "ports, 66 for a missing list file, 68 for an unknown host.",
       {{"vitnet scan -p- 127.0.0.1", "every TCP port of this machine"},
        {"vitnet scan -p 22,80,443,8000-8100 --open 10.0.0.0/24", "open ports of a subnet"},
        {"vitnet --json scan --top 20 --banners localhost", "NDJSON with what services say"},
        {"vitnet scan -iL hosts.txt --exclude 10.0.0.1 -p ssh,http --grep",
         "targets from a file, one line per host"},
        {"vitnet scan --shard 2/4 -p- 10.0.0.0/22", "this machine's quarter of a larger scan"}},
       define_scan},
      {"resolve",
       "DNS lookups through the system or a given server (udp, tcp, tls, https)",
       "Looks up each NAME for each TYPE (default: A and AAAA; PTR with -x), all at once "
       "(--parallel), and prints the outcomes in the order asked: a readable block per "
       "question (the rcode, the server, the transport, the time, the flags, Extended DNS "
       "Errors, then the answer records), --short (only the answers' values, one per line) or "
       "--json (NDJSON, one object per question: query, type, server, transport, status, "
       "rcode, time_ms, size, ede, and the message itself with RFC 8427's member names). "
       "Words starting with @ name the server, as dig's do; words that are record types "
       "(A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, CAA, HTTPS, SVCB, DS, DNSKEY, ANY, TYPEnnn) "
       "are the types asked. The server is --server or @SERVER: HOST[:PORT] or udp:// (a "
       "truncated answer is asked again over TCP), tcp://, tls:// (DNS over TLS, verified as "
       "tls:// is: --ca, --pin, --insecure) or https://HOST/dns-query (DNS over HTTPS, POST; "
       "GET with --doh-get); else the global --resolver; else the system: its own lookup "
       "(getaddrinfo) for addresses, the first nameserver of /etc/resolv.conf for other "
       "types. Names are absolute unless --search applies the search list. Exit codes: 0 every "
       "question answered; 1 NXDOMAIN or no data (said on stderr too); 75 no answer in time; "
       "76 SERVFAIL, REFUSED, FORMERR or a malformed answer (the rcode named); 69 the server "
       "unreachable; 64 usage.",
       {{"vitnet resolve example.test @127.0.0.1:5353", "addresses, from a local server"},
        {"vitnet resolve --short _http._tcp.example.test SRV -s 127.0.0.1:5353",
         "SRV records, one per line"},
        {"vitnet --json resolve -f names.txt -s tls://127.0.0.1:8853 --ca ca.pem",
         "a batch over DNS over TLS, as NDJSON"},
        {"vitnet resolve -x 127.0.0.1 @127.0.0.1:5353", "the name of an address"},
        {"vitnet --resolver 127.0.0.1:5353 connect www.example.test:80",
         "any command, resolving through a given server"}},
       define_resolve},
      {"ip",
       "what an address or CIDR block is (masks, hosts, size, reverse zone, kind), and CIDR "
       "arithmetic: contains, split, hosts, aggregate",
       "Describes each argument: an address, a block (10.1.2.3/24: the address as written and "
       "its network), a range FIRST-LAST, or HOST:PORT and [V6]:PORT (host and port split). For "
       "a block it prints the version, network, prefix, netmask, hostmask (IPv4), broadcast "
       "(IPv4, none for /31 and /32), the first and last usable host and how many there are "
       "(IPv4 leaves out the network and broadcast addresses except in a /31, RFC 3021, or a "
       "/32; IPv6 leaves out the subnet-router anycast address, the first, except in a /127 or "
       "/128), the size (exact, 18446744073709551616 for a /64), the reverse DNS zone (the "
       "smallest in-addr.arpa or ip6.arpa zone holding the block) and its category; for an "
       "address, its PTR name and category. Categories: private (RFC 1918, fc00::/7), shared "
       "(100.64.0.0/10, carrier-grade NAT), loopback, link_local, multicast, documentation "
       "(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), unspecified, reserved "
       "(what IANA keeps, including 240.0.0.0/4, 198.18.0.0/15 and IPv6 outside 2000::/3), "
       "global (global unicast), or mixed for a block spanning several. An IPv4-mapped address "
       "(::ffff:a.b.c.d) is classified as the IPv4 address it maps, which is shown too. A range "
       "prints the fewest blocks covering it exactly, one a line. "
       "--contains ADDR is a check for scripts: exit 0 when every argument holds ADDR (an "
       "address, or a block held whole; an IPv4-mapped address matches IPv4 blocks), 1 when one "
       "does not. --split PREFIX lists the subnets of that length, --hosts the usable hosts "
       "(every address of a range); both refuse with 64, before printing anything, to print "
       "more than 65536 lines unless --limit allows it. --aggregate merges every argument, "
       "addresses, blocks and ranges of both families alike, into the fewest blocks covering "
       "exactly the same addresses (IPv4 first, each family in order), as Python's "
       "ipaddress.collapse_addresses does. '-' reads arguments from stdin, one a line ('#' "
       "starts a comment). With --json the output is one JSON array of objects; counts are "
       "decimal strings, since IPv6 sizes exceed what a JSON number holds exactly. Malformed "
       "arguments are all reported, then the command exits 65 having printed nothing; usage "
       "errors exit 64.",
       {{"vitnet ip 192.168.1.77/26", "network, masks, broadcast, first and last host, size"},
        {"vitnet --json ip 2001:db8::1/64 '[::1]:443'", "the same as JSON, with host and port"},
        {"vitnet ip 10.0.0.1-10.0.0.99", "the fewest blocks covering a range"},
        {"vitnet ip --contains 10.1.2.3 10.0.0.0/8 && echo inside",
         "a check for scripts (exit 0 or 1)"},
        {"vitnet ip --split 26 10.0.0.0/24", "the four /26 subnets"},
        {"vitnet ip --hosts 192.168.0.0/29", "the six usable hosts, one a line"},
        {"vitnet ip --aggregate - < blocklist.txt", "merge a list into the fewest blocks"}},
       define_ip},
  };
  return table;
}

}  // namespace cli

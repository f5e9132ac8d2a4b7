#!/usr/bin/env bash
# rpc serve --methods examples/methods.toml answers clients built on node's JSON-RPC libraries
# (tests/lib/node/rpc_client.js): json-rpc-2.0 and jayson over tcp:// (one message per line),
# jayson over http:// (a POST each) and vscode-jsonrpc over tcp:// with --framing lsp. Each gets a
# result with no params, params by name and by position, null, its error object with code, message
# and data (exit 1), -32601 for an unknown method, and the answers of a sequence in turn across
# connections.
source "$(dirname "$0")/../lib/lib.sh"
need_node_module json-rpc-2.0 jayson vscode-jsonrpc/node
need python3
METHODS=$VITNET_SOURCE/examples/methods.toml
CLIENT=$VITNET_SOURCE/tests/lib/node/rpc_client.js

# same_json FILE JSON — fail unless FILE holds one JSON value equal to JSON (vscode-jsonrpc and
# the others order an error object's members differently).
same_json() {
  python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == json.loads(sys.argv[2])' "$1" "$2" ||
    { show "$1"; fail "expected the JSON value $2"; }
}

# talk KIND URL — what every client must get. Each KIND has a server of its own, so greet's call
# count and flaky's sequence start afresh.
talk() {
  local kind=$1 url=$2
  local rpc=(node "$CLIENT" "$kind" "$url")
  expect_exit 0 "${rpc[@]}" greet
  expect_content "$OUT" '"hello world (call 1)"\n'
  expect_exit 0 "${rpc[@]}" greet '{"name":"ana"}'
  expect_content "$OUT" '"hello ana (call 2)"\n'
  expect_exit 0 "${rpc[@]}" greet '["bo"]'
  expect_content "$OUT" '"hello bo (call 3)"\n'
  expect_exit 0 "${rpc[@]}" echo_pair '[1,{"x":[true,null]}]'
  expect_content "$OUT" '[{"x":[true,null]},1]\n'
  expect_exit 0 "${rpc[@]}" echo_pair '{"b":"é ✓","a":-1.5}'
  expect_content "$OUT" '["é ✓",-1.5]\n'
  expect_exit 0 "${rpc[@]}" version
  same_json "$OUT" '{"name":"calculator","version":"1.0.0"}'
  expect_exit 0 "${rpc[@]}" nothing
  expect_content "$OUT" 'null\n'

  expect_exit 1 "${rpc[@]}" divide_by_zero '[7]'
  same_json "$OUT" '{"code":-32010,"message":"division by zero","data":{"dividend":7}}'
  expect_exit 1 "${rpc[@]}" no_such_method
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["code"] == -32601 and e["message"], e' "$OUT" ||
    { show "$OUT"; fail "$kind: no -32601 for an unknown method"; }

  # flaky fails twice, then answers: a sequence kept by the server across connections.
  local want
  for want in 1 1 0; do
    expect_exit "$want" "${rpc[@]}" flaky
  done
  expect_content "$OUT" '"ok"\n'
  expect_running "$SERVE_PID" "rpc serve for $kind"
}

start_rpc_serve tcp://127.0.0.1:0 --methods "$METHODS"
talk jsonrpc2-tcp "$URL"

start_rpc_serve tcp://127.0.0.1:0 --methods "$METHODS"
talk jayson-tcp "$URL"

start_rpc_serve http://127.0.0.1:0 --methods "$METHODS"
talk jayson-http "$URL/"
# The call log shows jayson's POSTs answered 200.
expect_contains "$SERVE_OUT" '"POST / HTTP/1.1" 200'

start_rpc_serve tcp://127.0.0.1:0 --methods "$METHODS" --framing lsp
talk vscode-tcp "$URL"
# A client speaking ndjson to an lsp server gets no answer: the framing really is Content-Length.
RPC_CLIENT_TIMEOUT_MS=1500 expect_exit 3 node "$CLIENT" jsonrpc2-tcp "$URL" greet

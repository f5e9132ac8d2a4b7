#!/usr/bin/env bash
# rpc call and notify against a JSON-RPC 2.0 server on TCP (ndjson) and on a Unix socket (LSP
# framing): params by position and by name, a result on stdout (exit 0), an error object on
# stdout (exit 1), a server that says nothing (75 after --timeout) or hangs up (76), params that
# are not JSON (65), lines that are not JSON-RPC passed over, the server's own requests answered
# (null for LSP's harmless ones, -32601 otherwise), --json with the whole exchange.
source "$(dirname "$0")/../lib/lib.sh"
need python3

peer() {  # peer KIND ADDRESS FRAMING: start the test server; ADDR is what it prints
  bg python3 "$VITNET_SOURCE/tests/lib/rpc_peer.py" "$@" "$T/notes.log" >"$T/peer.out"
  wait_until 5 test -s "$T/peer.out" || fail "the rpc test server did not start"
  ADDR=$(head -n1 "$T/peer.out")
  : >"$T/peer.out"
}
VITNET_SOURCE=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}

peer tcp - ndjson
U="tcp://127.0.0.1:$ADDR"
expect_exit 0 "$VITNET" rpc call "$U" subtract 42 23
expect_content "$OUT" '19\n'
expect_exit 0 "$VITNET" rpc call "$U" subtract minuend=42 subtrahend=23
expect_content "$OUT" '19\n'
expect_exit 0 "$VITNET" rpc call "$U" subtract --params '{"minuend": 9, "subtrahend": 7}'
expect_content "$OUT" '2\n'

expect_exit 1 "$VITNET" rpc call "$U" fail
expect_content "$OUT" '{"code":-32000,"data":[1],"message":"it failed"}\n'
expect_contains "$ERR" "answered error -32000: it failed"

expect_exit 75 "$VITNET" rpc call --timeout 300ms "$U" slow
expect_contains "$ERR" "no answer from"
expect_exit 76 "$VITNET" rpc call "$U" close
expect_contains "$ERR" "closed the connection without answering"
expect_exit 65 "$VITNET" rpc call "$U" subtract 'not json'
expect_contains "$ERR" "is neither JSON nor NAME=VALUE"
expect_exit 65 "$VITNET" rpc call "$U" subtract 1 a=2
expect_contains "$ERR" "not both"

expect_exit 0 "$VITNET" rpc call "$U" noise
expect_content "$OUT" '"after noise"\n'
expect_contains "$ERR" "not JSON-RPC"

expect_exit 0 "$VITNET" rpc call "$U" ask '"workspace/configuration"'
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert a["id"] == "from-server" and a["result"] is None, a' "$OUT" ||
  { show "$OUT"; fail "a harmless server request was not answered with null"; }
expect_exit 0 "$VITNET" rpc call "$U" ask '"editor/doSomething"'
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert a["error"]["code"] == -32601, a' "$OUT" ||
  { show "$OUT"; fail "an unknown server request was not answered with -32601"; }

expect_exit 0 "$VITNET" --json rpc call "$U" subtract 3 1
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "--json is not the whole exchange"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["request"] == {"jsonrpc": "2.0", "method": "subtract", "params": [3, 1], "id": 1}, d
assert d["response"]["result"] == 2 and d["id"] == 1 and d["time_s"] >= 0, d
PY

expect_exit 0 "$VITNET" rpc notify "$U" log text=hello
wait_until 5 grep -q '"text": "hello"' "$T/notes.log" || { show "$T/notes.log"; fail "the notification did not arrive"; }
grep -q '"id"' "$T/notes.log" && fail "the notification carried an id"

# LSP framing on a Unix socket.
peer unix "$T/rpc.sock" lsp
expect_exit 0 "$VITNET" rpc call --framing lsp "unix://$T/rpc.sock" subtract 10 4
expect_content "$OUT" '6\n'
expect_exit 1 "$VITNET" rpc call --framing lsp "unix://$T/rpc.sock" fail

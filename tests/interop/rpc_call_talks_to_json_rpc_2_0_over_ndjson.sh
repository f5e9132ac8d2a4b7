#!/usr/bin/env bash
# rpc call and notify over TCP, one message per line, against a server built on node's json-rpc-2.0
# (tests/lib/node/rpc_server.js): params by position and by name reach it as given, a result on
# stdout (exit 0), its error object on stdout (exit 1), its -32601 for an unknown method, a
# notification that arrives without an id, and a slow answer cut off by --timeout (75).
source "$(dirname "$0")/../lib/lib.sh"
need_node_module json-rpc-2.0

start_node_rpc_server jsonrpc2-tcp
U=tcp://127.0.0.1:$PORT

expect_exit 0 "$VITNET" rpc call "$U" add 1 2 3.5
expect_content "$OUT" '6.5\n'
expect_exit 0 "$VITNET" rpc call "$U" add a=2 b=40
expect_content "$OUT" '42\n'
expect_exit 0 "$VITNET" rpc call "$U" echo 1 '"two"' '{"three":[3,null]}' true
expect_content "$OUT" '[1,"two",{"three":[3,null]},true]\n'
expect_exit 0 "$VITNET" rpc call "$U" echo list='[1,2]' text=plain
expect_content "$OUT" '{"list":[1,2],"text":"plain"}\n'
expect_exit 0 "$VITNET" rpc call "$U" echo --params '[[1,2],[]]'
expect_content "$OUT" '[[1,2],[]]\n'
# Words that are JSON arrays stay whole (a CLI parser must not cut [1,2] at its comma).
expect_exit 0 "$VITNET" rpc call "$U" echo '[1,2]' '[]' '["a,b"]' -5
expect_content "$OUT" '[[1,2],[],["a,b"],-5]\n'

expect_exit 1 "$VITNET" rpc call "$U" fail
expect_content "$OUT" '{"code":-32001,"data":{"why":"test"},"message":"failed on purpose"}\n'
expect_contains "$ERR" "answered error -32001: failed on purpose"
expect_exit 1 "$VITNET" rpc call "$U" no.such.method
expect_contains "$OUT" '"code":-32601'

expect_exit 0 "$VITNET" rpc notify "$U" echo note=1
wait_until 5 has_lines 1 "$NOTES" '{"method":"echo","params":{"note":1}}' ||
  { show "$NOTES"; fail "the notification did not reach json-rpc-2.0"; }

expect_exit 0 "$VITNET" rpc call "$U" sleep ms=50
expect_content "$OUT" '"slept"\n'
expect_exit 75 "$VITNET" rpc call --timeout 300ms "$U" sleep 5000
expect_contains "$ERR" "no answer from"

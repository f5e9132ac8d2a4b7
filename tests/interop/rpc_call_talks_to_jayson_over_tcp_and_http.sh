#!/usr/bin/env bash
# rpc call and notify against node's jayson, through its own TCP server (one message per line) and
# its own HTTP server (a POST each, 204 for a notification): params by position and by name, a
# result (exit 0), its error object (exit 1), its -32601, a notification that arrives, --timeout
# (75), and for HTTP a path with a query and a server that has gone (69).
source "$(dirname "$0")/../lib/lib.sh"
need_node_module jayson

# talk URL — what both transports must do.
talk() {
  expect_exit 0 "$VITNET" rpc call "$1" add 1 2 3
  expect_content "$OUT" '6\n'
  expect_exit 0 "$VITNET" rpc call "$1" add b=40 a=2
  expect_content "$OUT" '42\n'
  expect_exit 0 "$VITNET" rpc call "$1" echo '{"a":{"b":[true,null]}}' '"é ✓"' -1.5e3
  expect_content "$OUT" '[{"a":{"b":[true,null]}},"é ✓",-1500]\n'
  expect_exit 1 "$VITNET" rpc call "$1" fail
  expect_content "$OUT" '{"code":-32001,"data":{"why":"test"},"message":"failed on purpose"}\n'
  expect_contains "$ERR" "answered error -32001: failed on purpose"
  expect_exit 1 "$VITNET" rpc call "$1" no.such.method
  expect_contains "$OUT" '"code":-32601'
  expect_exit 0 "$VITNET" rpc notify "$1" echo note="$2"
  wait_until 5 has_lines 1 "$NOTES" "{\"method\":\"echo\",\"params\":{\"note\":\"$2\"}}" ||
    { show "$NOTES"; fail "the notification did not reach jayson over $2"; }
  expect_exit 75 "$VITNET" rpc call --timeout 300ms "$1" sleep 5000
}

start_node_rpc_server jayson-tcp
talk "tcp://127.0.0.1:$PORT" tcp

start_node_rpc_server jayson-http
talk "http://127.0.0.1:$PORT/" http
expect_exit 0 "$VITNET" rpc call "http://127.0.0.1:$PORT/rpc/v1?client=vitnet" sleep 10
expect_content "$OUT" '"slept"\n'
kill -TERM "$PEER_PID"
wait_exit "$PEER_PID" 5
expect_exit 69 "$VITNET" rpc call "http://127.0.0.1:$PORT/" add 1 2

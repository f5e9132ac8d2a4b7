#!/usr/bin/env bash
# toxiproxy's own node client (toxiproxy-node-client from npm) drives `vitnet proxy --api` exactly
# as it drives toxiproxy: proxies created, disabled, populated, listed, reset and deleted; latency,
# timeout, limit_data, reset_peer and bandwidth toxics added, changed and removed, acting on a
# connection already open (tests/lib/node/toxiproxy_checks.js).
source "$(dirname "$0")/../lib/lib.sh"
need_node_module toxiproxy-node-client

start_serve -k --echo tcp://127.0.0.1:0
echo_addr=${URL#tcp://}

SERVE_COMMAND=proxy start_serve --api 127.0.0.1:0
api=$URL
[[ $api == http://127.0.0.1:* ]] || fail "the API is not on loopback: $api"

(cd "$VITNET_SOURCE/tests" && timeout 60 node lib/node/toxiproxy_checks.js "$api" "$echo_addr") \
  >"$T/checks.out" 2>"$T/checks.err" || {
  show "$T/checks.out"
  show "$T/checks.err"
  show "$SERVE_ERR"
  fail "toxiproxy-node-client against vitnet proxy --api"
}
expect_contains "$T/checks.out" "ok the open connection now takes"
expect_contains "$T/checks.out" "ok all"

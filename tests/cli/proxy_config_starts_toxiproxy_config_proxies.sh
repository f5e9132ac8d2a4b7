#!/usr/bin/env bash
# `vitnet proxy --config FILE` takes toxiproxy's JSON config as it is (an array of name, listen,
# upstream, enabled) and starts those proxies, with or without the API; a malformed file exits 65
# naming it, and LISTEN --to or flag faults beside --config are refused with 64.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo tcp://127.0.0.1:0
echo_addr=${URL#tcp://}
port=$(free_port)
cat >"$T/toxiproxy.json" <<JSON
[
  {"name": "echo", "listen": "127.0.0.1:$port", "upstream": "$echo_addr", "enabled": true},
  {"name": "spare", "listen": "127.0.0.1:0", "upstream": "$echo_addr", "enabled": false}
]
JSON
SERVE_COMMAND=proxy start_serve --config "$T/toxiproxy.json"
expect_exit 0 sh -c "echo through the config | '$VITNET' connect tcp://127.0.0.1:$port"
expect_content "$OUT" "through the config\n"
expect_contains "$SERVE_ERR" "proxy echo: 127.0.0.1:$port -> $echo_addr"
expect_contains "$SERVE_ERR" "proxy spare: 127.0.0.1:0 -> $echo_addr (disabled)"
kill "$SERVE_PID"

echo '[{"name": "x", "listen": "127.0.0.1:0"' >"$T/broken.json"
expect_exit 65 "$VITNET" proxy --config "$T/broken.json"
expect_contains "$ERR" "$T/broken.json: not JSON"
echo '[{"name": "x", "listen": "127.0.0.1:0"}]' >"$T/incomplete.json"
expect_exit 65 "$VITNET" proxy --config "$T/incomplete.json"
expect_contains "$ERR" "$T/incomplete.json: missing required field: upstream"
expect_exit 66 "$VITNET" proxy --config "$T/missing.json"
expect_exit 64 "$VITNET" proxy :0 --to 127.0.0.1:1 --config "$T/toxiproxy.json"
expect_contains "$ERR" "with --api or --config the proxies are named ones"
expect_exit 64 "$VITNET" proxy --api :0 --latency 10ms
expect_contains "$ERR" "faults are toxics added through the API"
expect_exit 64 "$VITNET" proxy :0

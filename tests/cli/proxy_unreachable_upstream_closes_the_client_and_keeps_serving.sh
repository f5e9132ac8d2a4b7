#!/usr/bin/env bash
# When the upstream refuses, the proxy closes that client, says why, and goes on accepting: a later
# connection, once the upstream is up, is relayed.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

port=$(free_port)
start_proxy 127.0.0.1:0 --to "127.0.0.1:$port"

rc=0
timeout 5 "$VITNET" connect "$PURL" < <(printf 'hello\n') >"$T/first" 2>/dev/null || rc=$?
[[ $rc != 124 ]] || fail "the client was not closed"
expect_empty "$T/first"
wait_until 5 grep -q 'connection refused' "$PROXY_ERR" || { show "$PROXY_ERR"; fail "no warning about the refused upstream"; }
expect_contains "$PROXY_ERR" "127.0.0.1:$port"

start_serve -k --echo "127.0.0.1:$port"
expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'hello\n')
expect_content "$OUT" 'hello\n'

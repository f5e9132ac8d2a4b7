#!/usr/bin/env bash
# When the upstream refuses, the proxy closes that client, says why, and goes on accepting: a later
# connection, once the upstream is up, is relayed.
source "$(dirname "$0")/../lib.sh"
# start_proxy ARGS... — `vitnet proxy ARGS --ready-file F` in the background, waited for (bounded)
# until it listens. Sets PURL (its URL), PROXY_PID, PROXY_OUT, PROXY_ERR.
start_proxy() {
  PROXY_OUT=$T/proxy.out PROXY_ERR=$T/proxy.err
  bg "$VITNET" proxy "$@" --ready-file "$T/proxy.ready" >"$PROXY_OUT" 2>"$PROXY_ERR"
  PROXY_PID=$BG_PID
  if ! wait_until 10 _ready_or_gone "$T/proxy.ready" "$PROXY_PID" || [[ ! -s $T/proxy.ready ]]; then
    show "$PROXY_ERR"
    fail "vitnet proxy $* did not start"
  fi
  PURL=$(head -n1 "$T/proxy.ready")
}

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

#!/usr/bin/env bash
# The proxy in front of a socat server (EXEC of tr): `vitnet connect` through it gets the answer.
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

need socat
port=$(free_port)
bg socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" EXEC:'tr a-z A-Z'
wait_until 10 tcp_listening "$port" || fail "socat did not start listening"
start_proxy 127.0.0.1:0 --to "127.0.0.1:$port" --bandwidth 1MB

expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'shout this\n')
expect_content "$OUT" 'SHOUT THIS\n'

#!/usr/bin/env bash
# A UDP proxy relays each datagram to the upstream and the answers back to the client that sent it.
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

start_serve --echo udp://127.0.0.1:0
start_proxy --json udp://127.0.0.1:0 --to "$URL"
[[ $PURL == udp://127.0.0.1:* ]] || fail "proxy URL is '$PURL'"

expect_exit 0 "$VITNET" connect --idle-timeout 500ms "$PURL" < <(printf 'one\ntwo\n')
expect_content "$OUT" 'one\ntwo\n'
[[ $(json_get "$PROXY_OUT" open upstream) == "$URL" ]] || { show "$PROXY_OUT"; fail "no open event naming the upstream"; }

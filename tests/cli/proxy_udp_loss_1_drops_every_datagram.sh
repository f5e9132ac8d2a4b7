#!/usr/bin/env bash
# --loss 1 on a UDP proxy drops every datagram: nothing comes back, and each drop is a fault event.
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
start_proxy --json udp://127.0.0.1:0 --to "$URL" --loss 1

expect_exit 0 "$VITNET" connect --idle-timeout 500ms "$PURL" < <(printf 'one\ntwo\nthree\n')
expect_empty "$OUT"
wait_until 5 has_lines 3 "$PROXY_OUT" '"kind":"loss"' || { show "$PROXY_OUT"; fail "expected 3 loss events"; }

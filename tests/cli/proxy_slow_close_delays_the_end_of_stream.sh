#!/usr/bin/env bash
# --slow-close 500ms --up: the data goes at once, but the client's close reaches the upstream half
# a second later — so an echo client finishes no sooner than that.
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

start_serve -k --echo 127.0.0.1:0
start_proxy --json 127.0.0.1:0 --to "$URL" --slow-close 500ms --up

start=$(date +%s%N)
expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'bye\n')
took=$((($(date +%s%N) - start) / 1000000))
expect_content "$OUT" 'bye\n'
((took >= 480)) || fail "the close went through in ${took}ms, expected at least 480ms"
((took < 3000)) || fail "the close took ${took}ms"
wait_until 5 grep -q '"kind":"slow_close"' "$PROXY_OUT" || { show "$PROXY_OUT"; fail "no slow_close fault event"; }

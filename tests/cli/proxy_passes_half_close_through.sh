#!/usr/bin/env bash
# A client's half-close reaches the upstream through the proxy, and the upstream's answer, sent
# after it, still comes back to the client.
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

start_reply_after_eof_server 'answer after eof'
start_proxy 127.0.0.1:0 --to "127.0.0.1:$PY_PORT"

expect_exit 0 "$VITNET" connect "$PURL" < <(printf 'question')
expect_content "$OUT" 'answer after eof'
wait_until 5 test -e "$T/py.received" || fail "the upstream never saw the end of the request"
expect_content "$T/py.received" 'question'

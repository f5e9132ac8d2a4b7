#!/usr/bin/env bash
# 4 MiB through the proxy to an echo server and back arrive intact (same sha256), with no fault.
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
start_proxy 127.0.0.1:0 --to "$URL"

head -c 4194304 /dev/urandom >"$T/data"
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" connect "$PURL" <"$T/data"
sent=$(sha256sum <"$T/data" | cut -d' ' -f1)
back=$(sha256sum <"$OUT" | cut -d' ' -f1)
[[ $(stat -c %s "$OUT") == 4194304 ]] || fail "got $(stat -c %s "$OUT") bytes back, sent 4194304"
[[ $sent == "$back" ]] || fail "sha256 differs: sent $sent, got back $back"
expect_running "$PROXY_PID" "the proxy"

#!/usr/bin/env bash
# --blackhole accepts, forwards nothing and answers nothing: the client hears nothing before its
# idle timeout (exit 75), the upstream never sees a connection, and the proxy keeps running.
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

start_serve -k --echo --json 127.0.0.1:0
start_proxy 127.0.0.1:0 --to "$URL" --blackhole

expect_exit 75 "$VITNET" connect --idle-timeout 700ms "$PURL" < <(printf 'anyone there?\n')
expect_empty "$OUT"
expect_not_contains "$SERVE_OUT" '"event":"open"'
expect_running "$PROXY_PID" "the proxy"

#!/usr/bin/env bash
# --reset-after 100K resets both sides once 100 KiB have passed: a client fetching 1 MB gets
# exactly 102400 bytes, then "connection reset" (69); the proxy reports the fault and a close with
# reason "reset".
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

head -c 1048576 /dev/urandom >"$T/big"
start_serve -k --reply "@$T/big" 127.0.0.1:0
start_proxy --json 127.0.0.1:0 --to "$URL" --reset-after 100K

rc=0
timeout 10 "$VITNET" connect --recv-only "$PURL" >"$T/got" 2>"$T/err" || rc=$?
[[ $rc == 69 ]] || { show "$T/err"; fail "client exited $rc, expected 69 (connection reset)"; }
expect_contains "$T/err" "connection reset"
size=$(stat -c %s "$T/got")
[[ $size == 102400 ]] || { show "$T/err"; fail "client received $size bytes, expected 102400"; }
cmp -s "$T/got" <(head -c 102400 "$T/big") || fail "the bytes before the reset are not the first 100 KiB"
wait_until 5 grep -q '"event":"close"' "$PROXY_OUT" || fail "no close event"
[[ $(json_get "$PROXY_OUT" fault kind) == reset ]] || { show "$PROXY_OUT"; fail "no reset fault event"; }
[[ $(json_get "$PROXY_OUT" close reason) == reset ]] || { show "$PROXY_OUT"; fail "close reason is not reset"; }

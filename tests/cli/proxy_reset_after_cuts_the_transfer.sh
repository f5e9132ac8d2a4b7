#!/usr/bin/env bash
# --reset-after 100K resets both sides once 100 KiB have passed: a client fetching 1 MB gets
# exactly 102400 bytes, then "connection reset" (69); the proxy reports the fault and a close with
# reason "reset".
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

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

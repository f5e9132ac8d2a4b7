#!/usr/bin/env bash
# --loss 1 on a UDP proxy drops every datagram: nothing comes back, and each drop is a fault event.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/proxy.sh"

start_serve --echo udp://127.0.0.1:0
start_proxy --json udp://127.0.0.1:0 --to "$URL" --loss 1

expect_exit 0 "$VITNET" connect --idle-timeout 500ms "$PURL" < <(printf 'one\ntwo\nthree\n')
expect_empty "$OUT"
wait_until 5 has_lines 3 "$PROXY_OUT" '"kind":"loss"' || { show "$PROXY_OUT"; fail "expected 3 loss events"; }

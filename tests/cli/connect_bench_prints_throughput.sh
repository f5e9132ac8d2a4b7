#!/usr/bin/env bash
# connect --bench 1s against serve --sink prints iperf3-like lines with the bitrate.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --sink 127.0.0.1:0

expect_exit 0 "$VITNET" connect --bench 1s "$URL" </dev/null
expect_contains "$OUT" "Bitrate"
expect_contains "$OUT" "sec"
grep -Eq '[0-9.]+ [KMG]?bits/sec' "$OUT" || { show "$OUT"; fail "no bits/sec figure"; }
expect_contains "$OUT" "sender"

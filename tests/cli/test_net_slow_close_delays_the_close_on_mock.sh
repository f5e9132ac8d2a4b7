#!/usr/bin/env bash
# A slow_close fault holds back the end of a stream on the mock network as the proxy does on
# loopback: in slow_close_both.toml the client gets "hello" at once and the server's close 500 ms
# later (and the fault is not reported as "never fired").
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 0 "$VITNET" test net --net mock slow_close_both.toml
expect_contains "$OUT" "1 passed, 0 failed"
expect_not_contains "$OUT" "never fired"

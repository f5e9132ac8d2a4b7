#!/usr/bin/env bash
# A reset fault resets on loopback as on the mock network: in reset_both.toml the client, cut after
# 20 bytes, sees "connection reset" and exits 69 (not 0, as when the cut is an ordinary close and
# the client cannot tell a truncated reply from a whole one).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"
loopback_scenario_lock

EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" test net --net loopback reset_both.toml
expect_contains "$OUT" "1 passed, 0 failed"

#!/usr/bin/env bash
# A refuse fault refuses on loopback as on the mock network: in refuse_both.toml a client and a
# `connect -z` check of the refusing port both exit 69 with "connection refused" (not 0, as when
# the proxy accepts the connection and then just closes it).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"
loopback_scenario_lock

EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" test net --net loopback refuse_both.toml
expect_contains "$OUT" "1 passed, 0 failed"

#!/usr/bin/env bash
# On loopback a server behind a fault proxy still sees its clients' host addresses (127.0.0.N+1),
# as on the mock network: in allow_behind_fault_both.toml a server allowing only the client's
# address serves that client through a latency fault (today it sees the proxy's 127.0.0.1 and
# turns the client away).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"
loopback_scenario_lock

EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" test net --net loopback allow_behind_fault_both.toml
expect_contains "$OUT" "1 passed, 0 failed"

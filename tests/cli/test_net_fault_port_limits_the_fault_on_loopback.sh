#!/usr/bin/env bash
# On loopback a fault is a proxy in front of one port of a host; the other ports of that host stay
# reachable, directly: fault_port_scope_both.toml puts latency on port 17107 of the server, and a
# client of port 17108 of the same server gets its echo at once, not "connection refused".
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"
# The scenario uses fixed ports and the proxies 127.0.0.200+: one loopback run at a time.
loopback_scenario_lock

EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" test net --net loopback fault_port_scope_both.toml
expect_contains "$OUT" "1 passed, 0 failed"

#!/usr/bin/env bash
# On the mock network a link fault with `port` touches only that port: fault_port_scope_both.toml
# puts 300 ms of latency on port 17107 of the server, and a client of port 17108 of the same server
# still gets its echo at once (as it does on loopback, where the fault is a proxy on that port).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 0 "$VITNET" test net --net mock fault_port_scope_both.toml
expect_contains "$OUT" "1 passed, 0 failed"

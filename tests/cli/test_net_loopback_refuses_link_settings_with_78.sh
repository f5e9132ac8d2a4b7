#!/usr/bin/env bash
# [link] latency, jitter, loss and bandwidth shape every link of the mock network; loopback has no
# proxy on every link to realise them. Rather than run without them (and pass or fail for the
# wrong reason), a loopback run of such a scenario exits 78 naming [link], before anything starts.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"
# Today the scenario does run on loopback, on fixed ports: one loopback run at a time.
loopback_scenario_lock

EXPECT_TIMEOUT=30 expect_exit 78 "$VITNET" test net --net loopback link_latency_echo_mock.toml
expect_empty "$OUT"
expect_contains "$ERR" "[link]"
expect_diagnostic "$ERR"

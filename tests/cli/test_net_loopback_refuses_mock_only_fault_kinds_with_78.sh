#!/usr/bin/env bash
# The loopback backend cannot crash a host or break its name lookups: a scenario with a crash or
# dns_failure fault exits 78 (configuration) before anything starts, naming the fault, where it is
# declared, and the way out (--net mock).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 78 "$VITNET" test net --net loopback crash_restart_mock.toml
expect_empty "$OUT"
expect_contains "$ERR" "fault 'crash' (crash_restart_mock.toml:41) cannot be realised on the loopback backend (use --net mock)"
expect_diagnostic "$ERR"

expect_exit 78 "$VITNET" test net --net loopback dns_failure_mock.toml
expect_contains "$ERR" "fault 'dns_failure' (dns_failure_mock.toml:50) cannot be realised on the loopback backend"

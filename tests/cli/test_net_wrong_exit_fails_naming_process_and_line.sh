#!/usr/bin/env bash
# A process that exits with another code than expected fails the scenario: exit 1, a FAIL line,
# the failure naming the process, file:line, the expected and the actual exit (with its stderr),
# and a replay line carrying the seed.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 1 "$VITNET" test net --seed 5 fail/wrong_exit.toml
expect_contains "$OUT" "FAIL  fail/wrong_exit.toml  wrong exit expectation (mock, seed 5)"
expect_contains "$OUT" 'wrong-port (fail/wrong_exit.toml:12): expected exit 0, got 69 (stderr "vitnet: connect: server:7001: connection refused\n")'
expect_contains "$OUT" "replay: vitnet test net fail/wrong_exit.toml --net mock --seed 5"
[[ $(tail -n1 "$OUT") == "0 passed, 1 failed" ]] || { show "$OUT"; fail "wrong summary line"; }
expect_empty "$ERR"

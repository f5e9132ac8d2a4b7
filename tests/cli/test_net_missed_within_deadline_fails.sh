#!/usr/bin/env bash
# A process that finishes after its `within` deadline fails the scenario (exit 1); the failure says
# how long it took (in virtual time) and what the deadline was.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 1 "$VITNET" test net fail/within_missed.toml
expect_contains "$OUT" "slow (fail/within_missed.toml:16): took 1.2s, expected within 1s"
expect_contains "$OUT" "replay: vitnet test net fail/within_missed.toml --net mock --seed 1"
[[ $(tail -n1 "$OUT") == "0 passed, 1 failed" ]] || { show "$OUT"; fail "wrong summary line"; }

#!/usr/bin/env bash
# A process expected to be running at the end that exited fails the scenario (exit 1); the failure
# names it and says how and when it exited.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 1 "$VITNET" test net fail/expected_running_exited.toml
expect_contains "$OUT" "once (fail/expected_running_exited.toml:7): expected to be running at the end, but it exited 0 at 250ms"
expect_contains "$OUT" "replay: vitnet test net fail/expected_running_exited.toml --net mock --seed 1"
[[ $(tail -n1 "$OUT") == "0 passed, 1 failed" ]] || { show "$OUT"; fail "wrong summary line"; }

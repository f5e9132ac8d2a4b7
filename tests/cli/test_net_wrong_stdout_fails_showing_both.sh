#!/usr/bin/env bash
# A process whose stdout differs from the expected text fails the scenario (exit 1); the failure
# names the process and file:line and quotes what it printed and what was expected.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 1 "$VITNET" test net fail/wrong_stdout.toml
expect_contains "$OUT" 'typo (fail/wrong_stdout.toml:12): stdout is "hullo\n", expected "hello\n"'
expect_contains "$OUT" "replay: vitnet test net fail/wrong_stdout.toml --net mock --seed 1"
[[ $(tail -n1 "$OUT") == "0 passed, 1 failed" ]] || { show "$OUT"; fail "wrong summary line"; }

#!/usr/bin/env bash
# A scenario that keeps busy without virtual time moving (a benchmark over a link that costs no
# time) is ended by its wall_timeout (500 ms): it fails with exit 1 in about that long, naming the
# limit and the process still running. A hang is a failure, never a stuck run.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

start=$SECONDS
EXPECT_TIMEOUT=10 expect_exit 1 "$VITNET" test net fail/wall_clock_limit.toml
((SECONDS - start <= 4)) || fail "the 500ms wall-clock limit took $((SECONDS - start))s to act"
expect_contains "$OUT" "the wall-clock limit of 500ms passed (at 0s of virtual time)"
expect_contains "$OUT" "bench (fail/wall_clock_limit.toml:14): expected exit 0, but it was still running"
expect_contains "$OUT" "replay: vitnet test net fail/wall_clock_limit.toml --net mock --seed 1"

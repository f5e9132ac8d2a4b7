#!/usr/bin/env bash
# The seed drives every random choice: a scenario with jitter run with seeds 1 and 2 gives two
# different traces (other arrival times), each of them passing.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$src/tests/scenarios

expect_exit 0 "$VITNET" test net --seed 1 --trace "$T/s1.trace" "$S/jitter_bounds_mock.toml"
expect_exit 0 "$VITNET" test net --seed 2 --trace "$T/s2.trace" "$S/jitter_bounds_mock.toml"
# Apart from the header naming the seed, the events differ.
if cmp -s <(tail -n +2 "$T/s1.trace") <(tail -n +2 "$T/s2.trace"); then
  show "$T/s1.trace"
  fail "seeds 1 and 2 gave the same events"
fi
expect_contains "$T/s1.trace" "seed 1"
expect_contains "$T/s2.trace" "seed 2"

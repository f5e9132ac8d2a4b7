#!/usr/bin/env bash
# The mock network is deterministic: the same scenario with the same seed, run twice, writes
# byte-identical --trace files (a scenario full of random choices: jitter, loss).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$src/tests/scenarios

expect_exit 0 "$VITNET" test net --seed 42 --trace "$T/one.trace" "$S/jitter_bounds_mock.toml" "$S/loss_stream_mock.toml"
expect_exit 0 "$VITNET" test net --seed 42 --trace "$T/two.trace" "$S/jitter_bounds_mock.toml" "$S/loss_stream_mock.toml"
[[ $(wc -l <"$T/one.trace") -gt 20 ]] || { show "$T/one.trace"; fail "the trace is suspiciously short"; }
expect_contains "$T/one.trace" "jitter_bounds_mock.toml mock seed 42"
cmp "$T/one.trace" "$T/two.trace" || { diff "$T/one.trace" "$T/two.trace" | head -20 >&2; fail "two runs with seed 42 gave different traces"; }

#!/usr/bin/env bash
# Running seeds in parallel changes nothing but the wall time: --seeds 1..20 with --jobs 1 and
# with --jobs 2 write identical traces and identical JSON results (wall times aside).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$src/tests/scenarios
files=("$S/jitter_bounds_mock.toml" "$S/loss_stream_mock.toml")

expect_exit 0 "$VITNET" --json test net --seeds 1..20 --jobs 1 --trace "$T/j1.trace" "${files[@]}"
mv "$OUT" "$T/j1.json"
expect_exit 0 "$VITNET" --json test net --seeds 1..20 --jobs 2 --trace "$T/j2.trace" "${files[@]}"
mv "$OUT" "$T/j2.json"

[[ $(grep -c '^# ' "$T/j1.trace") == 40 ]] || fail "expected 40 runs (2 files x 20 seeds) in the trace"
cmp "$T/j1.trace" "$T/j2.trace" || { diff "$T/j1.trace" "$T/j2.trace" | head -20 >&2; fail "--jobs 2 gave another trace than --jobs 1"; }
strip_wall() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    o.pop("wall_s", None)
    print(json.dumps(o, sort_keys=True))' "$1"; }
cmp <(strip_wall "$T/j1.json") <(strip_wall "$T/j2.json") || fail "--jobs 2 gave other results than --jobs 1"

#!/usr/bin/env bash
# Loss on a TCP link delays bytes, never drops them: the 4 KiB echo of loss_stream_mock.toml comes
# back whole for each of 100 seeds, and loss shows as time (the slowest seed takes seconds).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}

expect_exit 0 "$VITNET" --json test net --seeds 1..100 --jobs 2 "$src/tests/scenarios/loss_stream_mock.toml"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "loss lost bytes, or cost no time"; }
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if '"event":"scenario"' in l]
assert len(runs) == 100, len(runs)
durations = []
for r in runs:
    c = next(p for p in r["processes"] if p["name"] == "client")
    assert r["status"] == "pass" and c["exit"] == 0 and len(c["stdout"]) == 4096, (r["seed"], r["failures"])
    durations.append(c["ended_s"] - c["started_s"])
# Without loss the echo takes 40 ms (four crossings of 10 ms).
assert min(durations) >= 0.04 - 1e-9, min(durations)
assert max(durations) > 1.0, max(durations)
PY

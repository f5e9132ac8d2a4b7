#!/usr/bin/env bash
# Latency 100 ms with uniform jitter up to 50 ms: for each of 200 seeds every echo takes from 400
# to 600 ms (four crossings), and the runs really differ (jitter is drawn, not fixed).
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}

expect_exit 0 "$VITNET" --json test net --seeds 1..200 --jobs 2 "$src/tests/scenarios/jitter_bounds_mock.toml"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "jitter broke its bounds"; }
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if '"event":"scenario"' in l]
assert len(runs) == 200 and all(r["status"] == "pass" for r in runs)
took = [p["ended_s"] - p["started_s"] for r in runs for p in r["processes"] if p["name"] in ("a", "b", "c")]
assert len(took) == 600
assert min(took) >= 0.4 and max(took) <= 0.6, (min(took), max(took))
assert len(set(round(t, 6) for t in took)) > 500, "the durations hardly vary"
PY

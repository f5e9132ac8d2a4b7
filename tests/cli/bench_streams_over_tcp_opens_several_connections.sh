#!/usr/bin/env bash
# connect --bench --streams 3 over tcp:// opens three connections to `serve --sink` (as
# iperf3 -P): the sink sees three clients, and the report's per-stream bytes add up to the total.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --sink --json tcp://127.0.0.1:0
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" connect --bench 1s --streams 3 --json "$URL"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "the --streams 3 report is wrong"; }
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert r["streams"] == 3 and len(r["per_stream"]) == 3, r
assert all(p["bytes"] > 0 for p in r["per_stream"]), r
assert sum(p["bytes"] for p in r["per_stream"]) == r["bytes"], r
PY
wait_until 10 bash -c '[[ $(grep -c "\"event\":\"close\"" "$1") -ge 3 ]]' _ "$SERVE_OUT" ||
    { show "$SERVE_OUT"; fail "the sink did not see three connections end"; }
peers=$(grep '"event":"open"' "$SERVE_OUT" | grep -o '"peer":"[^"]*"' | sort -u | wc -l)
[[ $peers == 3 ]] || { show "$SERVE_OUT"; fail "the sink saw $peers clients, not 3"; }
expect_exit 64 "$VITNET" connect --bench 1s --streams 0 "$URL"

#!/usr/bin/env bash
# connect --bench --streams 4 over quic:// sends on four streams of one connection at once: the
# sink serves each as a connection of its own, the JSON report names 4 streams whose bytes add up
# to the total, and every stream delivered something. The same flag over tcp:// opens four
# connections (as iperf3 -P). --streams without --bench is a usage error.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

start_quic -k --sink --json
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" connect --pin "$PIN" --bench 1s --streams 4 --json "$URL"
python3 - "$OUT" <<'PY' || { show "$OUT"; show "$ERR"; fail "the --streams 4 report is wrong"; }
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert r["streams"] == 4, r
per = r["per_stream"]
assert len(per) == 4, per
assert all(p["bytes"] > 0 for p in per), per
assert sum(p["bytes"] for p in per) == r["bytes"], r
PY
# The sink saw four streams open and end (each as a connection) — all on one QUIC connection,
# whose address (one client port) they share.
wait_until 10 bash -c '[[ $(grep -c "\"event\":\"close\"" "$1") -ge 4 ]]' _ "$SERVE_OUT" ||
    { show "$SERVE_OUT"; fail "the sink did not see four streams end"; }
ports=$(grep '"event":"open"' "$SERVE_OUT" | grep -o '"peer":"[^"]*"' | sort -u | wc -l)
[[ $ports == 1 ]] || { show "$SERVE_OUT"; fail "the streams came from $ports peers, not one connection"; }

# Text output: one line per stream and a SUM.
EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" connect --pin "$PIN" --bench 1s --streams 2 "$URL"
grep -q '^\[  2\].*sender, all received' "$OUT" || { show "$OUT"; fail "no line for stream 2"; }
grep -q '^\[SUM\].*sender, all received' "$OUT" || { show "$OUT"; fail "no SUM line"; }

expect_exit 64 "$VITNET" connect --pin "$PIN" --streams 2 "$URL" </dev/null
grep -q -- "--bench" "$ERR" || { show "$ERR"; fail "the usage error does not name --bench"; }

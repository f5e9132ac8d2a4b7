#!/usr/bin/env bash
# --json reports NDJSON on stdout: one "scenario" object per run (file, seed, status, failures,
# replay, processes with their exit and output), then one "summary" object with the counts.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 1 "$VITNET" --json test net --seeds 3..4 udp_echo_mock.toml fail/wrong_exit.toml
expect_ndjson "$OUT"
expect_empty "$ERR"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "the NDJSON report is wrong"; }
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = [e for e in events if e["event"] == "scenario"]
assert [(r["file"], r["seed"], r["status"]) for r in runs] == [
    ("udp_echo_mock.toml", 3, "pass"), ("udp_echo_mock.toml", 4, "pass"),
    ("fail/wrong_exit.toml", 3, "fail"), ("fail/wrong_exit.toml", 4, "fail")], runs
assert events[-1] == {"event": "summary", "passed": 2, "failed": 2}, events[-1]
r = runs[3]
assert r["backend"] == "mock" and r["name"] == "wrong exit expectation"
assert r["replay"] == "vitnet test net fail/wrong_exit.toml --net mock --seed 4", r["replay"]
assert r["failures"][0].startswith("wrong-port (fail/wrong_exit.toml:12): expected exit 0, got 69"), r["failures"]
p = {p["name"]: p for p in r["processes"]}
assert p["wrong-port"]["state"] == "exited" and p["wrong-port"]["exit"] == 69, p["wrong-port"]
assert p["echo"]["state"] == "running" and p["echo"]["exit"] is None, p["echo"]
u = {p["name"]: p for p in runs[0]["processes"]}
assert u["client"]["stdout"] == "one\ntwo\nthree\n", u["client"]
assert abs(u["client"]["ended_s"] - u["client"]["started_s"] - 1.02) < 1e-9, u["client"]
assert runs[0]["elapsed_s"] > 1 and runs[0]["wall_s"] < 1, runs[0]
PY

#!/usr/bin/env bash
# connect --bench with --json (a global option, given after the URL) prints one JSON object with
# bytes, seconds and bits_per_second.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --sink 127.0.0.1:0

expect_exit 0 "$VITNET" connect --bench 1s "$URL" --json </dev/null
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "stdout is not one JSON object with bytes, seconds, bits_per_second"; }
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert isinstance(o, dict)
assert o["bytes"] > 0
assert 0.9 <= o["seconds"] < 3
bps = o["bits_per_second"]
assert abs(bps - o["bytes"] * 8 / o["seconds"]) / bps < 0.01
PY

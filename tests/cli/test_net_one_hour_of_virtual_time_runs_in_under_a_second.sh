#!/usr/bin/env bash
# An hour of virtual time (timeouts, retries and idle periods up to 1 h) costs well under a second
# of real time on the mock network: the JSON report says more than 3600 s elapsed, in < 1 s wall.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}

start=$(date +%s%N)
expect_exit 0 "$VITNET" --json test net "$src/tests/scenarios/one_hour_mock.toml"
took_ms=$((($(date +%s%N) - start) / 1000000))
elapsed=$(json_get "$OUT" scenario elapsed_s)
wall=$(json_get "$OUT" scenario wall_s)
python3 -c "import sys; sys.exit(0 if float('$elapsed') >= 3600 else 1)" || fail "only ${elapsed}s of virtual time passed"
python3 -c "import sys; sys.exit(0 if float('$wall') < 1.0 else 1)" || fail "one hour of virtual time took ${wall}s of wall time"
((took_ms < 3000)) || fail "the whole command took ${took_ms} ms"

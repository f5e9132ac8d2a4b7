#!/usr/bin/env bash
# The scenarios meant for both backends (tests/scenarios/*_both.toml) pass on real loopback too:
# hosts are 127.0.0.N+1, every process is this binary, faults are `vitnet proxy` processes.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
# The scenarios use fixed ports and the proxies 127.0.0.200+: one loopback run at a time.
loopback_scenario_lock

files=("$src"/tests/scenarios/*_both.toml)
((${#files[@]} >= 6)) || fail "expected the *_both.toml scenarios in $src/tests/scenarios"
EXPECT_TIMEOUT=100 expect_exit 0 "$VITNET" test net --net loopback "${files[@]}"
[[ $(grep -c '^PASS .*(loopback, seed 1)' "$OUT") == "${#files[@]}" ]] || { show "$OUT"; fail "not one loopback PASS line per file"; }
[[ $(tail -n1 "$OUT") == "${#files[@]} passed, 0 failed" ]] || { show "$OUT"; fail "wrong summary line"; }

#!/usr/bin/env bash
# Every scenario of the suite (tests/scenarios/*.toml) passes on the mock network: exit 0, one PASS
# line per file, and the summary "N passed, 0 failed" last.
source "$(dirname "$0")/../lib/lib.sh"
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
files=("$src"/tests/scenarios/*.toml)
((${#files[@]} >= 20)) || fail "expected the suite in $src/tests/scenarios, found ${#files[@]} files"

expect_exit 0 "$VITNET" test net --jobs 2 "${files[@]}"
[[ $(grep -c '^PASS ' "$OUT") == "${#files[@]}" ]] || { show "$OUT"; fail "not one PASS line per file"; }
[[ $(tail -n1 "$OUT") == "${#files[@]} passed, 0 failed" ]] || { show "$OUT"; fail "wrong summary line"; }
expect_empty "$ERR"

#!/usr/bin/env bash
# The quic:// scenarios of the suite pass on the mock network: loss and reordering, 0-RTT on a
# resumed session (its session file here, in this test's own directory), migration during a
# transfer, three streams sharing one connection, and a partition beyond the idle timeout. One
# PASS line each, and "5 passed, 0 failed".
source "$(dirname "$0")/../lib/lib.sh"
S=$VITNET_SOURCE/tests/scenarios
files=("$S"/quic_*_mock.toml)
((${#files[@]} == 5)) || fail "expected 5 quic scenarios in $S, found ${#files[@]}"

EXPECT_TIMEOUT=60 expect_exit 0 "$VITNET" test net --var "session=$T/session" "${files[@]}"
[[ $(grep -c '^PASS ' "$OUT") == 5 ]] || { show "$OUT"; fail "not one PASS line per scenario"; }
[[ $(tail -n1 "$OUT") == "5 passed, 0 failed" ]] || { show "$OUT"; fail "wrong summary line"; }
[[ -s $T/session ]] || fail "the 0-RTT scenario wrote no session file at \${session}"

#!/usr/bin/env bash
# Port 70000 exits 64 with "out of range", for connect and serve.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" connect 127.0.0.1:70000 </dev/null
expect_empty "$OUT"
expect_contains "$ERR" "70000"
expect_contains "$ERR" "out of range"
expect_diagnostic "$ERR"

expect_exit 64 "$VITNET" serve tcp://127.0.0.1:70000
expect_contains "$ERR" "out of range"

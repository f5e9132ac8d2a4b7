#!/usr/bin/env bash
# A URL with an unknown scheme exits 64 with "unknown scheme".
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" connect foo://127.0.0.1:5 </dev/null
expect_empty "$OUT"
expect_contains "$ERR" "unknown scheme 'foo'"
expect_diagnostic "$ERR"

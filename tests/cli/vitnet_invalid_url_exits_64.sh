#!/usr/bin/env bash
# A malformed URL (no port) exits 64 with "invalid URL" naming it.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" connect tcp://127.0.0.1 </dev/null
expect_empty "$OUT"
expect_contains "$ERR" "vitnet: invalid URL 'tcp://127.0.0.1'"
expect_diagnostic "$ERR"

expect_exit 64 "$VITNET" serve 'tcp://[::1:0'
expect_contains "$ERR" "invalid URL"
expect_diagnostic "$ERR"

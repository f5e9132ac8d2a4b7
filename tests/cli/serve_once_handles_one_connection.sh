#!/usr/bin/env bash
# serve --once answers one connection and exits 0; a second client then finds nothing listening.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --once --echo 127.0.0.1:0

expect_exit 0 "$VITNET" connect --send 'only one' "$URL"
expect_content "$OUT" 'only one'
expect_serve_exit 0

expect_exit 69 "$VITNET" connect --send 'too late' "$URL"
expect_contains "$ERR" "connection refused"

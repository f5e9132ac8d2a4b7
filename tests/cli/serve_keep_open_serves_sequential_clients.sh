#!/usr/bin/env bash
# serve -k keeps listening after a client leaves: two clients in turn both get their echo.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo -k --json 127.0.0.1:0

expect_exit 0 "$VITNET" connect --send 'first' "$URL"
expect_content "$OUT" 'first'
expect_running "$SERVE_PID" "serve -k after the first client"

expect_exit 0 "$VITNET" connect --send 'second' "$URL"
expect_content "$OUT" 'second'

wait_until 5 has_lines 2 "$SERVE_OUT" '"event":"close"' || { show "$SERVE_OUT"; fail "no two close events"; }
expect_running "$SERVE_PID" "serve -k after the second client"

#!/usr/bin/env bash
# serve --echo on unix:///path answers a connect over the same path.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo "unix://$T/echo.sock"
[[ $URL == "unix://$T/echo.sock" ]] || fail "ready file says '$URL'"
[[ -S $T/echo.sock ]] || fail "no socket file at $T/echo.sock"

expect_exit 0 "$VITNET" connect --send 'over unix' "$URL"
expect_content "$OUT" 'over unix'
expect_empty "$ERR"
expect_serve_exit 0

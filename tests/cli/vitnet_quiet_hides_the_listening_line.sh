#!/usr/bin/env bash
# -q/--quiet keeps stderr for errors only: no "listening on" line; errors are still shown.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -q --echo 127.0.0.1:0
expect_exit 0 "$VITNET" connect --send 'quiet' "$URL"
expect_content "$OUT" 'quiet'
expect_serve_exit 0
expect_empty "$SERVE_ERR"

port=$(free_port)
expect_exit 69 "$VITNET" --quiet connect "127.0.0.1:$port" </dev/null
expect_contains "$ERR" "connection refused"

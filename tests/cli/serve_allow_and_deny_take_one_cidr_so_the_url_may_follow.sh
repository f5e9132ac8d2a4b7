#!/usr/bin/env bash
# --allow and --deny are repeatable, one CIDR each: `serve --allow CIDR URL` listens on URL (the URL is
# not taken as a second CIDR).
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo --allow 127.0.0.0/8 --allow 10.0.0.0/8 --deny 127.0.0.2/32 127.0.0.1:0
expect_contains "$SERVE_ERR" "vitnet: listening on tcp://127.0.0.1:"

expect_exit 0 "$VITNET" connect --send 'allowed' "$URL"
expect_content "$OUT" 'allowed'
expect_serve_exit 0

#!/usr/bin/env bash
# serve udp://... (stdio mode) --once prints the first datagram on stdout and exits 0.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --once udp://127.0.0.1:0
expect_contains "$SERVE_ERR" "vitnet: listening on $URL"

expect_exit 0 "$VITNET" connect --send 'first datagram' "$URL" </dev/null
expect_serve_exit 0
expect_content "$SERVE_OUT" 'first datagram'

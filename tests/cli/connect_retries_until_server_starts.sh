#!/usr/bin/env bash
# connect --retry N --retry-delay D keeps trying (a warning per retry, delays doubling) and gets through
# to a server that starts about 1 s late.
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_port)
(sleep 1; exec "$VITNET" serve --echo "127.0.0.1:$port") </dev/null >"$T/late.out" 2>"$T/late.err" &
track $!

EXPECT_TIMEOUT=15 expect_exit 0 "$VITNET" connect --retry 6 --retry-delay 200ms --send 'patience' "127.0.0.1:$port"
expect_content "$OUT" 'patience'
expect_contains "$ERR" "vitnet: warning: connect: 127.0.0.1:$port: connection refused (retry 1/6 in 200ms)"
expect_contains "$ERR" "(retry 2/6 in 400ms)"

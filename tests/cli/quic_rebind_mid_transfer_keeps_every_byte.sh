#!/usr/bin/env bash
# connect --rebind --after 400ms goes on from a new local port unannounced (as behind a NAT) in
# the middle of a slow echo: the note names both ports, and every byte comes back in order.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

echo_slowly_through --rebind --after 400ms
line=$(grep -F "quic: rebound from " "$ERR") || { show "$ERR"; fail "no rebind note"; }
[[ $line =~ rebound\ from\ 127\.0\.0\.1:([0-9]+)\ to\ 127\.0\.0\.1:([0-9]+) ]] || fail "unexpected rebind note: $line"
[[ ${BASH_REMATCH[1]} != "${BASH_REMATCH[2]}" ]] || fail "rebound to the same port: $line"
expect_not_contains "$ERR" "warning"
expect_serve_exit 0

#!/usr/bin/env bash
# connect --migrate --after 400ms moves a quic:// connection to a new local port in the middle of
# a slow echo: the path is validated and said ("migrated from A to B (path validated)", two
# different ports), and every byte comes back in order.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

echo_slowly_through --migrate --after 400ms
line=$(grep -F "quic: migrated from " "$ERR") || { show "$ERR"; fail "no migration note"; }
[[ $line =~ migrated\ from\ 127\.0\.0\.1:([0-9]+)\ to\ 127\.0\.0\.1:([0-9]+)\ \(path\ validated\) ]] ||
  fail "unexpected migration note: $line"
[[ ${BASH_REMATCH[1]} != "${BASH_REMATCH[2]}" ]] || fail "migrated to the same port: $line"
expect_serve_exit 0

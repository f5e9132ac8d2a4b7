#!/usr/bin/env bash
# 8 MiB of random bytes sent by connect through serve --echo come back identical: connect reads while
# it writes, so a large echo does not deadlock.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo 127.0.0.1:0
head -c 8388608 /dev/urandom >"$T/data"

EXPECT_TIMEOUT=30 expect_exit 0 "$VITNET" connect "$URL" <"$T/data"
cmp "$OUT" "$T/data" || fail "the echo ($(stat -c %s "$OUT") bytes) differs from the 8388608 bytes sent"
expect_serve_exit 0

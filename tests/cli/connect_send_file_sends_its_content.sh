#!/usr/bin/env bash
# connect --send @FILE sends FILE byte for byte; a missing FILE exits 66 naming it.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo 127.0.0.1:0
head -c 50000 /dev/urandom >"$T/payload"

expect_exit 0 "$VITNET" connect --send "@$T/payload" "$URL" </dev/null
cmp "$OUT" "$T/payload" || fail "the echo differs from the file"

expect_exit 66 "$VITNET" connect --send "@$T/missing" 127.0.0.1:1 </dev/null
expect_contains "$ERR" "$T/missing"
expect_diagnostic "$ERR"

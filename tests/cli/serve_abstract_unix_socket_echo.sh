#!/usr/bin/env bash
# serve --echo on unix://@NAME (Linux abstract namespace) answers a connect, leaving no file behind.
source "$(dirname "$0")/../lib/lib.sh"

name="vitnet-test-$$-$RANDOM"
start_serve --echo "unix://@$name"
[[ $URL == "unix://@$name" ]] || fail "ready file says '$URL'"
grep -q "@$name\$" /proc/net/unix || fail "no abstract socket @$name in /proc/net/unix"
[[ ! -e $name && ! -e @$name ]] || fail "an abstract socket made a file"

expect_exit 0 "$VITNET" connect --send 'abstract hello' "$URL"
expect_content "$OUT" 'abstract hello'
expect_empty "$ERR"
expect_serve_exit 0

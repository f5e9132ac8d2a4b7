#!/usr/bin/env bash
# serve --reply @FILE sends the content of FILE, binary bytes included.
source "$(dirname "$0")/../lib/lib.sh"

head -c 70000 /dev/urandom >"$T/reply.bin"
start_serve --reply "@$T/reply.bin" 127.0.0.1:0

expect_exit 0 "$VITNET" connect "$URL" </dev/null
cmp "$OUT" "$T/reply.bin" || fail "the client did not receive the reply file byte for byte"

expect_serve_exit 0

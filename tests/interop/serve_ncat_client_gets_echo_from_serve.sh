#!/usr/bin/env bash
# ncat as a client of `vitnet serve --echo`: 1 MB goes there and back intact.
source "$(dirname "$0")/../lib/lib.sh"

need ncat
start_serve --echo 127.0.0.1:0
head -c 1000000 /dev/urandom >"$T/data"

expect_exit 0 ncat 127.0.0.1 "$(url_port "$URL")" <"$T/data"
cmp "$OUT" "$T/data" || fail "ncat got back $(stat -c %s "$OUT") bytes that differ from the 1000000 sent"
expect_serve_exit 0

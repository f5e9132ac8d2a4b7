#!/usr/bin/env bash
# OpenBSD nc as a client of `vitnet serve --echo` (nc -N shuts down its write side at the end of
# stdin): 1 MB goes there and back intact.
source "$(dirname "$0")/../lib/lib.sh"

need nc
nc -h 2>&1 | grep -q OpenBSD || skip "nc is not OpenBSD netcat (install netcat-openbsd)"
start_serve --echo 127.0.0.1:0
head -c 1000000 /dev/urandom >"$T/data"

expect_exit 0 nc -N 127.0.0.1 "$(url_port "$URL")" <"$T/data"
cmp "$OUT" "$T/data" || fail "nc got back $(stat -c %s "$OUT") bytes that differ from the 1000000 sent"
expect_serve_exit 0

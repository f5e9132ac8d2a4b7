#!/usr/bin/env bash
# A scan whose --exclude (or --exclude-file) removes every target exits 64 and probes nothing.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" scan -p 80 --exclude 127.0.0.0/30 127.0.0.1-3
expect_contains "$ERR" "vitnet: scan: no targets left after --exclude"
expect_empty "$OUT"
printf '127.0.0.1\n127.0.0.2 # the other one\n' >"$T/skip.txt"
expect_exit 64 "$VITNET" scan -p 80 --exclude-file "$T/skip.txt" 127.0.0.1-2
expect_contains "$ERR" "no targets left after --exclude"

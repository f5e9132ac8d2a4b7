#!/usr/bin/env bash
# The default table lists open ports (PORT STATE SERVICE) and counts, rather than lists, a large
# number of closed ones; the summary goes to stderr.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --echo tcp://127.0.0.1:0
port=$(url_port "$URL")
lo=$((port > 100 ? port - 50 : 1))
expect_exit 0 "$VITNET" scan -p "$lo-$((port + 50))" 127.0.0.1
expect_contains "$OUT" "scan report for 127.0.0.1"
expect_contains "$OUT" "PORT        STATE          SERVICE"
grep -Eq "^$port/tcp +open " "$OUT" || fail "port $port is not listed as open"
expect_contains "$OUT" "not shown: 100 closed ports"
expect_contains "$ERR" "vitnet: scanned 1 host x 101 tcp ports in"
expect_contains "$ERR" ": 1 open, 100 closed, 0 filtered"
expect_diagnostic "$ERR"

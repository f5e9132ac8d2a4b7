#!/usr/bin/env bash
# A server port where nothing listens: UDP gets an ICMP port unreachable and exits 69 at once
# (not after the timeout); TCP is refused, 69 too. A malformed server exits 64.
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_udp_port)
expect_exit 69 "$VITNET" resolve www.example.test A -s "127.0.0.1:$port" --timeout 5s
expect_contains "$ERR" "127.0.0.1:$port"
expect_contains "$ERR" "refused"
expect_diagnostic "$ERR"
port=$(free_port)
expect_exit 69 "$VITNET" resolve www.example.test A -s "tcp://127.0.0.1:$port"
expect_contains "$ERR" "connection refused"
expect_exit 64 "$VITNET" resolve www.example.test -s "ftp://127.0.0.1"
expect_contains "$ERR" "invalid DNS server 'ftp://127.0.0.1'"

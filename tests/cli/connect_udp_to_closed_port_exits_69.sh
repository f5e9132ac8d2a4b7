#!/usr/bin/env bash
# connect udp:// to a port nobody listens on exits 69 with "connection refused" (from the ICMP answer).
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_udp_port)
printf 'a\nb\n' >"$T/in"
EXPECT_TIMEOUT=10 expect_exit 69 "$VITNET" connect "udp://127.0.0.1:$port" <"$T/in"
expect_empty "$OUT"
expect_contains "$ERR" "connection refused"
expect_contains "$ERR" "127.0.0.1:$port"
expect_diagnostic "$ERR"

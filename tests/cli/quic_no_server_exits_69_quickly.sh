#!/usr/bin/env bash
# connect quic:// to a UDP port nobody listens on: the ICMP port-unreachable answer ends it with
# exit 69 (refused) within 3 s, well before any timeout, naming the address.
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_udp_port)
start=$(date +%s%N)
expect_exit 69 "$VITNET" connect --send hello "quic://127.0.0.1:$port"
took_ms=$((($(date +%s%N) - start) / 1000000))
((took_ms < 3000)) || fail "took ${took_ms} ms to report the refusal, expected under 3000"
expect_empty "$OUT"
expect_contains "$ERR" "127.0.0.1:$port"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# connect --timeout 1s quic:// to a UDP socket that takes every packet and never answers: exit 75
# after about a second (not before, not much later), saying no handshake came within 1s.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --sink -k udp://127.0.0.1:0
port=$(url_port "$URL")
start=$(date +%s%N)
expect_exit 75 "$VITNET" connect --timeout 1s --send hello "quic://127.0.0.1:$port"
took_ms=$((($(date +%s%N) - start) / 1000000))
((took_ms >= 900 && took_ms < 3000)) || fail "took ${took_ms} ms, expected about 1000"
expect_empty "$OUT"
expect_contains "$ERR" "127.0.0.1:$port"
expect_contains "$ERR" "1s"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# resolve --server quic:// where nothing listens fails soon with 69 (ICMP port unreachable) or
# 75 (the timeout), never hanging past the timeout given, and names the server.
source "$(dirname "$0")/../lib/lib.sh"

port=$(free_udp_port)
start=$(date +%s%N)
rc=0
(_close_held_fds; exec timeout -k 2 20 "$VITNET" resolve www.example.test A -s "quic://127.0.0.1:$port" --timeout 2s --insecure) >"$OUT" 2>"$ERR" || rc=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[[ $rc == 69 || $rc == 75 ]] || { show "$ERR"; fail "exit $rc, expected 69 or 75"; }
((elapsed_ms < 4000)) || fail "took ${elapsed_ms}ms, expected under 4s with --timeout 2s"
expect_contains "$ERR" "127.0.0.1:$port"
expect_diagnostic "$ERR"
# The default port of quic:// is 853; a malformed URL is a usage error.
expect_exit 64 "$VITNET" resolve www.example.test -s "quic://127.0.0.1:0"

#!/usr/bin/env bash
# An unknown host name fails the scan with 68 before any probe, naming the host (asked of a local
# DNS server, never of the machine's own resolver).
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server
expect_exit 68 "$VITNET" --resolver "$DNS_SERVER" scan -p 80 127.0.0.1 no-such-host.example.test
expect_contains "$ERR" "no-such-host.example.test"
expect_empty "$OUT"
expect_diagnostic "$ERR"

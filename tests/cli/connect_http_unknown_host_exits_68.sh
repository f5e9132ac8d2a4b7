#!/usr/bin/env bash
# An http URL whose host does not resolve exits 68 naming it (asked of a local DNS server through
# VITNET_RESOLVER, never of the machine's own resolver).
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server
VITNET_RESOLVER=$DNS_SERVER expect_exit 68 "$VITNET" connect "https://no-such-host.example.test/path"
expect_empty "$OUT"
expect_contains "$ERR" "no-such-host.example.test"
expect_contains "$ERR" "unknown host"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# A host name that does not resolve exits 68 naming it. The name is asked of a local DNS server
# (--resolver), never of the machine's own resolver.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server
expect_exit 68 "$VITNET" --resolver "$DNS_SERVER" connect no-such-host.example.test:80 </dev/null
expect_empty "$OUT"
expect_contains "$ERR" "no-such-host.example.test"
expect_contains "$ERR" "unknown host"
expect_diagnostic "$ERR"
# The server was asked (A and AAAA), and answered NXDOMAIN.
wait_until 5 grep -q "no-such-host.example.test. AAAA NXDOMAIN" "$SERVE_OUT" || { show "$SERVE_OUT"; fail "the query is not in the log"; }

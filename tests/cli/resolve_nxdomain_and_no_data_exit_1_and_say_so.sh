#!/usr/bin/env bash
# The answer "no": NXDOMAIN exits 1, as does a name with no record of the type asked (NODATA);
# both are said on stderr (--short prints nothing on stdout for them) with the negative answer's
# SOA shown in the block.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server
expect_exit 1 "$VITNET" resolve --short nosuch.example.test A -s "$DNS_SERVER"
expect_empty "$OUT"
expect_contains "$ERR" "nosuch.example.test. A: NXDOMAIN from $DNS_SERVER"
expect_diagnostic "$ERR"

expect_exit 1 "$VITNET" resolve mail.example.test AAAA -s "$DNS_SERVER"
expect_contains "$OUT" ";; mail.example.test. AAAA: NOERROR"
expect_contains "$OUT" "SOA"
expect_contains "$ERR" "no data"

# One answered, one not: the "no" decides the exit code; the answers are still printed.
expect_exit 1 "$VITNET" resolve --short www.example.test nosuch.example.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.10\n'

# An empty non-terminal exists: no data, not NXDOMAIN.
expect_exit 1 "$VITNET" resolve _tcp.example.test SRV -s "$DNS_SERVER"
expect_contains "$OUT" "NOERROR"

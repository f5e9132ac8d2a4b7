#!/usr/bin/env bash
# resolve asks the server named by @SERVER: A and AAAA by default, a readable block per question,
# and --short prints only the values.
source "$(dirname "$0")/../lib/lib.sh"

start_dns_server
expect_exit 0 "$VITNET" resolve www.example.test "@$DNS_SERVER"
expect_contains "$OUT" ";; www.example.test. A: NOERROR from $DNS_SERVER over udp"
expect_contains "$OUT" ";; www.example.test. AAAA: NOERROR"
grep -qE '^www\.example\.test\. +300 +IN +A +127\.0\.0\.10$' "$OUT" || { show "$OUT"; fail "no A record line"; }
grep -qE '^www\.example\.test\. +300 +IN +AAAA +::1$' "$OUT" || { show "$OUT"; fail "no AAAA record line"; }
expect_contains "$OUT" "aa rd"
expect_empty "$ERR"

expect_exit 0 "$VITNET" resolve --short www.example.test -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.10\n::1\n'

# Types given as words, several of them; a CNAME chain is followed within the server's records.
expect_exit 0 "$VITNET" resolve --short chain.example.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.10\n'
expect_exit 0 "$VITNET" resolve --short example.test MX TXT -s "$DNS_SERVER"
expect_content "$OUT" '10 mail.example.test.\n"v=spf1 -all" "second string"\n'
expect_exit 0 "$VITNET" resolve --short _http._tcp.example.test SRV -s "$DNS_SERVER"
expect_content "$OUT" '10 5 8080 www.example.test.\n'

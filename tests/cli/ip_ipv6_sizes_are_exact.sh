#!/usr/bin/env bash
# IPv6 sizes are exact decimal numbers, 2^64 for a /64 and 2^128 for ::/0, in text and JSON.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" ip 2001:db8:abcd::5/64
expect_contains "$OUT" "network       2001:db8:abcd::/64"
expect_contains "$OUT" "size          18446744073709551616"
expect_contains "$OUT" "hosts         18446744073709551615"
expect_contains "$OUT" "first host    2001:db8:abcd::1"
expect_contains "$OUT" "reverse zone  0.0.0.0.d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa"
expect_contains "$OUT" "category      documentation"
expect_exit 0 "$VITNET" --json ip ::/0
expect_contains "$OUT" '"size": "340282366920938463463374607431768211456"'

#!/usr/bin/env bash
# --contains is a check for scripts: 0 when every block holds the address (or block), 1 when one
# does not; an IPv4-mapped address matches IPv4 blocks.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" ip --contains 10.1.2.3 10.0.0.0/8 10.1.0.0/16
expect_content "$OUT" '10.0.0.0/8 contains 10.1.2.3\n10.1.0.0/16 contains 10.1.2.3\n'
expect_exit 1 "$VITNET" ip --contains 10.1.2.3 10.0.0.0/8 192.168.0.0/16
expect_contains "$OUT" "192.168.0.0/16 does not contain 10.1.2.3"
expect_exit 0 "$VITNET" ip --contains ::ffff:10.9.9.9 10.0.0.0/8
expect_exit 0 "$VITNET" ip --contains 10.1.0.0/24 10.0.0.0/8
expect_exit 1 "$VITNET" ip --contains 10.0.0.0/7 10.0.0.0/8
expect_exit 1 "$VITNET" ip --contains ::1 0.0.0.0/0
expect_exit 0 "$VITNET" ip --contains 10.0.0.5 10.0.0.1-10.0.0.9
expect_exit 1 "$VITNET" --json ip --contains 2001:db8::1 2001:db8::/32 fd00::/8
expect_contains "$OUT" '"contains": false'
expect_exit 64 "$VITNET" ip --contains 10.0.0.300 10.0.0.0/8
expect_contains "$ERR" "10.0.0.300"

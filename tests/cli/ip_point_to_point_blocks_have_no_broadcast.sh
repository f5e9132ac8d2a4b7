#!/usr/bin/env bash
# A /31 has two usable hosts and no broadcast address (RFC 3021); a /32 is its one host.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" ip 10.0.0.1/31
expect_contains "$OUT" "first host    10.0.0.0"
expect_contains "$OUT" "last host     10.0.0.1"
expect_contains "$OUT" "hosts         2"
expect_not_contains "$OUT" "broadcast"
expect_exit 0 "$VITNET" ip --hosts 10.0.0.1/31 10.0.0.9/32
expect_content "$OUT" '10.0.0.0\n10.0.0.1\n10.0.0.9\n'

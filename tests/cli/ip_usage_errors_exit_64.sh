#!/usr/bin/env bash
# No argument, two modes at once, a malformed --split or --limit, or --limit without --split or
# --hosts are usage errors: exit 64 and nothing on stdout.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" ip
expect_contains "$ERR" "give at least one address, block or range"
expect_exit 64 "$VITNET" ip --hosts --aggregate 10.0.0.0/24
expect_exit 64 "$VITNET" ip --split x 10.0.0.0/24
expect_contains "$ERR" "'x' is not a prefix length"
expect_exit 64 "$VITNET" ip --limit 10 10.0.0.0/24
expect_contains "$ERR" "--limit"
expect_exit 64 "$VITNET" ip --split 24 --limit 0 10.0.0.0/16
expect_exit 64 "$VITNET" ip --split 24 10.0.0.1-10.0.0.9
expect_contains "$ERR" "is a range"
expect_empty "$OUT"

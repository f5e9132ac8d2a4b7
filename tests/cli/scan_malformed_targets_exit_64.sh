#!/usr/bin/env bash
# Malformed targets and empty ranges exit 64 naming the target, before any probe.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" scan -p 80 127.0.0.300
expect_contains "$ERR" "vitnet: scan: invalid target '127.0.0.300'"
expect_empty "$OUT"
expect_exit 64 "$VITNET" scan -p 80 127.0.0.9-1
expect_contains "$ERR" "vitnet: scan: empty range '127.0.0.9-1': it ends before it starts"
expect_exit 64 "$VITNET" scan -p 80 127.0.0.0/40
expect_contains "$ERR" "invalid target '127.0.0.0/40'"
expect_exit 64 "$VITNET" scan -p 80 10.0.0.0/8
expect_contains "$ERR" "too many addresses"
expect_exit 64 "$VITNET" scan -p 80 --shard 3/2 127.0.0.1
expect_contains "$ERR" "invalid shard '3/2'"
expect_diagnostic "$ERR"

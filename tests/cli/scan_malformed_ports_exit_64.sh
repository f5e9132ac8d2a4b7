#!/usr/bin/env bash
# Malformed port lists exit 64 naming the item at fault.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" scan -p 22,70000 127.0.0.1
expect_contains "$ERR" "invalid port '70000' in '22,70000': ports are 1-65535"
expect_empty "$OUT"
expect_exit 64 "$VITNET" scan -p 9000-8000 127.0.0.1
expect_contains "$ERR" "empty range"
expect_exit 64 "$VITNET" scan -p no-such-service-here 127.0.0.1
expect_contains "$ERR" "no such tcp service"
expect_exit 64 "$VITNET" scan -p 80 --exclude-ports 1-100 127.0.0.1
expect_contains "$ERR" "leaves no port to scan"

#!/usr/bin/env bash
# An unknown host name fails the scan with 68 before any probe, naming the host.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 68 "$VITNET" scan -p 80 127.0.0.1 no-such-host.invalid
expect_contains "$ERR" "no-such-host.invalid"
expect_empty "$OUT"
expect_diagnostic "$ERR"

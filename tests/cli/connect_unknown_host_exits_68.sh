#!/usr/bin/env bash
# A host name that does not resolve exits 68 naming it.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 68 "$VITNET" connect no-such-host.invalid:80 </dev/null
expect_empty "$OUT"
expect_contains "$ERR" "no-such-host.invalid"
expect_contains "$ERR" "unknown host"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# An http URL whose host does not resolve exits 68 naming it.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 68 "$VITNET" connect "https://no-such-host.invalid/path"
expect_empty "$OUT"
expect_contains "$ERR" "no-such-host.invalid"
expect_contains "$ERR" "unknown host"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# An unknown option exits 64 and suggests the nearest one.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" connect --tiemout 1s 127.0.0.1:1 </dev/null
expect_empty "$OUT"
expect_contains "$ERR" "unknown option '--tiemout'"
expect_contains "$ERR" "did you mean '--timeout'"
expect_diagnostic "$ERR"

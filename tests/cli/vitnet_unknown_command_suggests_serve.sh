#!/usr/bin/env bash
# `vitnet serv` exits 64 and suggests 'serve'.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 64 "$VITNET" serv :0
expect_empty "$OUT"
expect_contains "$ERR" "did you mean 'serve'"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# --version prints "vitnet 0.1.0" and exits 0, at the top level and after a command.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" --version
expect_content "$OUT" 'vitnet 0.1.0\n'
expect_empty "$ERR"

expect_exit 0 "$VITNET" connect --version
expect_content "$OUT" 'vitnet 0.1.0\n'

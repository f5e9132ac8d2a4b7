#!/usr/bin/env bash
# serve --reply @FILE with a missing FILE exits 66 naming the file, before listening.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 66 "$VITNET" serve --reply "@$T/no-such-file" 127.0.0.1:0
expect_empty "$OUT"
expect_contains "$ERR" "vitnet: "
expect_contains "$ERR" "$T/no-such-file"
expect_contains "$ERR" "no such file"
expect_not_contains "$ERR" "listening on"
expect_diagnostic "$ERR"

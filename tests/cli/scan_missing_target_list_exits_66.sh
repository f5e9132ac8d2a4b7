#!/usr/bin/env bash
# -iL naming a file that does not exist exits 66 naming the file.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 66 "$VITNET" scan -p 80 -iL "$T/nope.txt"
expect_contains "$ERR" "$T/nope.txt"
expect_empty "$OUT"

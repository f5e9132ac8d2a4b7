#!/usr/bin/env bash
# --help exits 0 and lists the commands; `serve --help` describes serve's options.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" --help
expect_contains "$OUT" "serve"
expect_contains "$OUT" "connect"

expect_exit 0 "$VITNET" serve --help
expect_contains "$OUT" "--keep-open"
expect_contains "$OUT" "--ready-file"

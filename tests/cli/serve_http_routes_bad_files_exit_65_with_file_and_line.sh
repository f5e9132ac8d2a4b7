#!/usr/bin/env bash
# A routes file with a mistake stops serve before it listens: exit 65 and FILE:LINE: message for
# each file in tests/http/bad (its first line says what is expected).
source "$(dirname "$0")/../lib/lib.sh"

for f in "$VITNET_SOURCE"/tests/http/bad/*.toml; do
  want=$(head -n1 "$f" | sed 's/^# expect: //')
  expect_exit 65 "$VITNET" serve "http://127.0.0.1:0" --routes "$f"
  expect_contains "$ERR" "$want"
  expect_empty "$OUT"
done
expect_exit 66 "$VITNET" serve "http://127.0.0.1:0" --routes "$T/missing.toml"

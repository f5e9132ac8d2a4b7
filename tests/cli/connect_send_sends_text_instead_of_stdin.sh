#!/usr/bin/env bash
# connect --send TEXT sends TEXT and not stdin.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo 127.0.0.1:0

echo 'stdin must not be sent' >"$T/in"
expect_exit 0 "$VITNET" connect --send 'the text' "$URL" <"$T/in"
expect_content "$OUT" 'the text'
expect_empty "$ERR"

#!/usr/bin/env bash
# serve --reply TEXT sends TEXT to the client and closes; the client exits 0 with exactly TEXT.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --reply 'hi there' 127.0.0.1:0

expect_exit 0 "$VITNET" connect "$URL" </dev/null
expect_content "$OUT" 'hi there'
expect_empty "$ERR"

expect_serve_exit 0

#!/usr/bin/env bash
# serve --echo sends back every byte a client sends; without -k it then exits 0.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo 127.0.0.1:0
expect_contains "$SERVE_ERR" "vitnet: listening on $URL"

printf 'hello\nworld\n' >"$T/in"
expect_exit 0 "$VITNET" connect "$URL" <"$T/in"
expect_content "$OUT" 'hello\nworld\n'
expect_empty "$ERR"

expect_serve_exit 0

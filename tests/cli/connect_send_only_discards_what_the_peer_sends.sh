#!/usr/bin/env bash
# connect --send-only sends stdin, prints nothing the peer sends, and exits 0 at the end of stdin.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo --json 127.0.0.1:0

echo 'one way' >"$T/in"
expect_exit 0 "$VITNET" connect --send-only "$URL" <"$T/in"
expect_empty "$OUT"
expect_serve_exit 0
[[ $(json_get "$SERVE_OUT" close bytes_in) == 8 ]] || { show "$SERVE_OUT"; fail "the server did not get 8 bytes"; }

#!/usr/bin/env bash
# serve --sink reads and discards; its --json close event counts every byte received.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --sink --json 127.0.0.1:0
head -c 1000000 /dev/urandom >"$T/data"

expect_exit 0 "$VITNET" connect "$URL" <"$T/data"
expect_empty "$OUT"
expect_serve_exit 0

expect_ndjson "$SERVE_OUT"
[[ $(json_get "$SERVE_OUT" listening url) == "$URL" ]] || { show "$SERVE_OUT"; fail "no listening event for $URL"; }
[[ $(json_get "$SERVE_OUT" close bytes_in) == 1000000 ]] || { show "$SERVE_OUT"; fail "bytes_in is not 1000000"; }
[[ $(json_get "$SERVE_OUT" close bytes_out) == 0 ]] || { show "$SERVE_OUT"; fail "bytes_out is not 0"; }
[[ $(json_get "$SERVE_OUT" close reason) == eof ]] || { show "$SERVE_OUT"; fail "close reason is not eof"; }

#!/usr/bin/env bash
# connect -z exits 0 when the port accepts connections, sending nothing and printing nothing.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --sink --json 127.0.0.1:0

expect_exit 0 "$VITNET" connect -z "$URL" </dev/null
expect_empty "$OUT"
expect_serve_exit 0
[[ $(json_get "$SERVE_OUT" close bytes_in) == 0 ]] || { show "$SERVE_OUT"; fail "-z sent data"; }

#!/usr/bin/env bash
# A chunked answer arrives on stdout as one stream, without the chunk framing.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect "http://127.0.0.1:$HTTP_PORT/chunked"
expect_content "$OUT" 'one\ntwo\nthree\n'

#!/usr/bin/env bash
# A server that closes the connection without answering is a protocol error: exit 76.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 76 "$VITNET" connect "http://127.0.0.1:$HTTP_PORT/close"
expect_content "$ERR" "vitnet: connect: http://127.0.0.1:$HTTP_PORT/close: the server closed the connection without answering\n"

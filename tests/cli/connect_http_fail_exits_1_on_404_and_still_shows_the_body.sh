#!/usr/bin/env bash
# --fail exits 1 on a 4xx or 5xx status, naming the URL and status; the body is still printed
# (like curl's --fail-with-body). Without --fail the same answer exits 0.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 1 "$VITNET" connect --fail "http://127.0.0.1:$HTTP_PORT/status/404"
expect_content "$OUT" 'status 404\n'
expect_content "$ERR" "vitnet: connect: http://127.0.0.1:$HTTP_PORT/status/404: 404 Not Found\n"

expect_exit 0 "$VITNET" connect "http://127.0.0.1:$HTTP_PORT/status/404"
expect_content "$OUT" 'status 404\n'
expect_empty "$ERR"

expect_exit 0 "$VITNET" connect --fail "http://127.0.0.1:$HTTP_PORT/status/200"

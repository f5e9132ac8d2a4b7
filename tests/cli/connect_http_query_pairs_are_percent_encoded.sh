#!/usr/bin/env bash
# --query NAME=VALUE appends each pair to the URL's query, percent-encoded, in order.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect --query 'q=a b&c' --query 'name=café' \
  "http://127.0.0.1:$HTTP_PORT/echo?z=1"
expect_contains "$OUT" '"path": "/echo?z=1&q=a%20b%26c&name=caf%C3%A9"'

#!/usr/bin/env bash
# -i prints the status line and headers (as received) before the body, for each redirect too.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect -i "http://127.0.0.1:$HTTP_PORT/status/200"
head -n1 "$OUT" | grep -q $'^HTTP/1.1 200 OK\r$' || { show "$OUT"; fail "no status line first"; }
expect_contains "$OUT" $'Content-Length: 11\r'
tail -n1 "$OUT" | grep -qx 'status 200' || { show "$OUT"; fail "the body does not follow the headers"; }

expect_exit 0 "$VITNET" connect -i "http://127.0.0.1:$HTTP_PORT/redirect/1"
[[ $(grep -c '^HTTP/1.1 ' "$OUT") == 3 ]] || { show "$OUT"; fail "expected the headers of 3 answers"; }
expect_not_contains "$OUT" "redirecting"

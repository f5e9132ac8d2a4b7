#!/usr/bin/env bash
# Redirects are followed by default (up to --max-redirs, 10); one more than allowed exits 76
# naming the limit; --max-redirs 0 shows the redirect itself.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" connect "http://127.0.0.1:$HTTP_PORT/redirect/3"
expect_contains "$OUT" '"path": "/echo"'
expect_not_contains "$OUT" "redirecting"

expect_exit 76 "$VITNET" connect --max-redirs 2 "http://127.0.0.1:$HTTP_PORT/redirect/3"
expect_contains "$ERR" "more than 2 redirects (--max-redirs)"
expect_diagnostic "$ERR"

expect_exit 0 "$VITNET" connect --max-redirs 0 "http://127.0.0.1:$HTTP_PORT/redirect/3"
expect_content "$OUT" 'redirecting\n'

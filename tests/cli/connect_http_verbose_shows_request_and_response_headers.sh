#!/usr/bin/env bash
# -v shows the request and response headers on stderr as diagnostics ("vitnet: > ...",
# "vitnet: < ..."); stdout still carries only the body.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 0 "$VITNET" -v connect -H 'X-Trace: 1' "http://127.0.0.1:$HTTP_PORT/status/200"
expect_content "$OUT" 'status 200\n'
expect_contains "$ERR" "vitnet: > GET /status/200 HTTP/1.1"
expect_contains "$ERR" "vitnet: > X-Trace: 1"
expect_contains "$ERR" "vitnet: < HTTP/1.1 200 OK"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# --download with --fail writes no file for a 404 (files are whole or absent), nor when the
# connection is refused.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

expect_exit 1 "$VITNET" connect --fail --download "$T/got" "http://127.0.0.1:$HTTP_PORT/status/404"
[[ ! -e $T/got ]] || fail "a file was written for a 404"
expect_contains "$ERR" "404 Not Found"

port=$(free_port)
expect_exit 69 "$VITNET" connect --download "$T/got" "http://127.0.0.1:$port/"
[[ ! -e $T/got ]] || fail "a file was written for a refused connection"
[[ -z $(ls "$T" | grep '\.tmp\.') ]] || fail "a temporary file was left behind"

#!/usr/bin/env bash
# serve --json prints {"event":"listening","url":...} on stdout with the real port; --ready-file holds
# the same URL and a newline; stderr says "vitnet: listening on URL".
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo --json 127.0.0.1:0
[[ $URL =~ ^tcp://127\.0\.0\.1:[0-9]+$ ]] || fail "ready file URL is '$URL'"
[[ $(url_port "$URL") != 0 ]] || fail "ready file has port 0, not the real port"
expect_content "$T/serve1.ready" "$URL\n"
expect_contains "$SERVE_ERR" "vitnet: listening on $URL"

wait_until 5 grep -q listening "$SERVE_OUT" || fail "no listening event on stdout"
expect_ndjson "$SERVE_OUT"
[[ $(json_get "$SERVE_OUT" listening url) == "$URL" ]] || { show "$SERVE_OUT"; fail "listening event url is not $URL"; }
[[ $(head -n1 "$SERVE_OUT") == '{'*'"event":"listening"'*'}' ]] || { show "$SERVE_OUT"; fail "first line is not the listening event"; }

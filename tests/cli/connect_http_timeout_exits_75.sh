#!/usr/bin/env bash
# --timeout bounds the whole request: a server that answers after 5 s makes connect exit 75 after
# about 1 s, naming the URL and the limit.
source "$(dirname "$0")/../lib/lib.sh"
start_http_server

start=$SECONDS
expect_exit 75 "$VITNET" connect --timeout 1s "http://127.0.0.1:$HTTP_PORT/slow?delay=5"
((SECONDS - start <= 3)) || fail "took $((SECONDS - start))s to time out"
expect_content "$ERR" "vitnet: connect: http://127.0.0.1:$HTTP_PORT/slow?delay=5: no complete answer within 1s (--timeout)\n"
expect_empty "$OUT"

# --idle-timeout: the same silence, judged as no data either way.
expect_exit 75 "$VITNET" connect --idle-timeout 500ms "http://127.0.0.1:$HTTP_PORT/slow?delay=5"
expect_contains "$ERR" "no data either way for 500ms (--idle-timeout)"

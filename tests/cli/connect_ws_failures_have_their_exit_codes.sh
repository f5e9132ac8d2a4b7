#!/usr/bin/env bash
# connect ws://: a server that refuses the upgrade exits 76 naming the status; nobody listening
# exits 69; an HTTP-only option is a usage error (64); ws options on a tcp URL too.
source "$(dirname "$0")/../lib/lib.sh"

mkdir -p "$T/www"
start_serve "http://127.0.0.1:0" --dir "$T/www"
http_port=$(url_port "$URL")
expect_exit 76 "$VITNET" connect "ws://127.0.0.1:$http_port/missing" </dev/null
expect_contains "$ERR" "handshake refused"
expect_contains "$ERR" "404"
port=$(free_port)
expect_exit 69 "$VITNET" connect "ws://127.0.0.1:$port/" </dev/null
expect_contains "$ERR" "refused"
expect_exit 64 "$VITNET" connect --data x "ws://127.0.0.1:$port/"
expect_contains "$ERR" "--data"
expect_exit 64 "$VITNET" connect --ping-interval 1s "tcp://127.0.0.1:$port"
expect_contains "$ERR" "needs a ws:// or wss:// URL"

#!/usr/bin/env bash
# `serve :0` (a bare :PORT) listens on tcp on every address: the ready URL is tcp:// with the real
# port, and a client on 127.0.0.1 is answered.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo :0
[[ $URL == tcp://*:* ]] || fail "ready URL '$URL' is not tcp"
port=$(url_port "$URL")
[[ $port != 0 ]] || fail "ready URL has port 0"

expect_exit 0 "$VITNET" connect --send 'bare' "127.0.0.1:$port"
expect_content "$OUT" 'bare'
expect_serve_exit 0

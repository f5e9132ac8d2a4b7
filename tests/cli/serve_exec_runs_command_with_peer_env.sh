#!/usr/bin/env bash
# serve --exec CMD runs CMD with the socket on stdin/stdout and VITNET_PEER_ADDR / VITNET_PEER_PORT set
# to the client's address.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --json --exec 'printf "%s %s\n" "$VITNET_PEER_ADDR" "$VITNET_PEER_PORT"; tr a-z A-Z' 127.0.0.1:0

echo 'make me loud' >"$T/in"
expect_exit 0 "$VITNET" connect "$URL" <"$T/in"
expect_empty "$ERR"
expect_serve_exit 0

peer=$(json_get "$SERVE_OUT" open peer) || { show "$SERVE_OUT"; fail "no open event"; }
[[ $peer == 127.0.0.1:* ]] || fail "open event peer is '$peer'"
expect_content "$OUT" "127.0.0.1 ${peer#127.0.0.1:}\nMAKE ME LOUD\n"

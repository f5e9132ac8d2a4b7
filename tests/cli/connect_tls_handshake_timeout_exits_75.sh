#!/usr/bin/env bash
# connect tls:// to a TCP server that never answers the ClientHello gives up after --timeout: exit 75
# with "no TLS handshake within 1s", naming the peer.
source "$(dirname "$0")/../lib/lib.sh"

start_serve -k --sink tcp://127.0.0.1:0 # reads the ClientHello, says nothing
port=$(url_port "$URL")

EXPECT_TIMEOUT=10 expect_exit 75 "$VITNET" connect --insecure --timeout 1s --send hello "tls://127.0.0.1:$port"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: tls: 127.0.0.1:$port: no TLS handshake within 1s"

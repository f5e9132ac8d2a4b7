#!/usr/bin/env bash
# connect tls:// verifies the server's certificate by default: against a server with an ephemeral
# self-signed certificate (which no system store trusts) it exits 76, naming the peer, the reason
# ("certificate verify failed: self-signed certificate") and what to do (--ca, or --insecure), and
# sends nothing on.
source "$(dirname "$0")/../lib/lib.sh"

start_serve tls://127.0.0.1:0
expect_contains "$SERVE_ERR" "vitnet: tls: ephemeral self-signed certificate for"

expect_exit 76 "$VITNET" connect --send hello "$URL"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: tls: 127.0.0.1:$(url_port "$URL"): certificate verify failed: self-signed certificate"
expect_contains "$ERR" "--ca"
expect_contains "$ERR" "--insecure"

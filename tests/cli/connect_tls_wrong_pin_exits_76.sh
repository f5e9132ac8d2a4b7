#!/usr/bin/env bash
# connect --pin with a fingerprint that is not the server's certificate's exits 76, naming the peer
# and the certificate's real fingerprint, and passes no data.
source "$(dirname "$0")/../lib/lib.sh"

start_serve --echo tls://127.0.0.1:0
wrong=sha256:$(printf '00:%.0s' {1..31})00

expect_exit 76 "$VITNET" connect --pin "$wrong" --send hello "$URL"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: tls: 127.0.0.1:$(url_port "$URL"): certificate sha256 "
expect_contains "$ERR" "does not match --pin"

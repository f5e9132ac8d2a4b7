#!/usr/bin/env bash
# A server certificate from the trusted CA that expired (valid 1-2 January 2020) is refused:
# connect exits 76 with "certificate verify failed: certificate has expired", naming the peer.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_expired old "DNS:localhost,IP:127.0.0.1"
start_serve --echo --cert "$PKI/old.pem" --key "$PKI/old.key" tls://127.0.0.1:0

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --send hello "$URL"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: tls: 127.0.0.1:$(url_port "$URL"): certificate verify failed: certificate has expired"

#!/usr/bin/env bash
# A server certificate from the trusted CA that expired (valid 1-2 January 2020) is refused over
# quic://: exit 76, the message says the certificate has expired.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_expired old "DNS:localhost,IP:127.0.0.1"
start_serve --echo --cert "$PKI/old.pem" --key "$PKI/old.key" quic://127.0.0.1:0

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --send hello "$URL"
expect_empty "$OUT"
expect_contains "$ERR" "certificate verify failed"
expect_contains "$ERR" "expired"
expect_diagnostic "$ERR"

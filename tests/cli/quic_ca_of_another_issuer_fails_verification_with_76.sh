#!/usr/bin/env bash
# --ca with a CA that did not sign the server's certificate: the quic:// handshake fails with 76
# and a message saying the certificate could not be verified; the right --ca works.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
mv "$PKI/ca.pem" "$PKI/right-ca.pem"
mv "$PKI/ca.key" "$PKI/right-ca.key"
pki_ca # a second CA, unrelated to the server's certificate
start_serve --echo -k --cert "$PKI/server.pem" --key "$PKI/server.key" quic://127.0.0.1:0

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --send hello "$URL"
expect_empty "$OUT"
expect_contains "$ERR" "certificate verify failed"
expect_diagnostic "$ERR"

expect_exit 0 "$VITNET" connect --ca "$PKI/right-ca.pem" --send hello "$URL"
expect_content "$OUT" 'hello'

#!/usr/bin/env bash
# connect --sni NAME sends NAME and verifies the certificate against it instead of the URL's host:
# tls://127.0.0.1 with --sni other.example reaches a server whose certificate is only for
# DNS:other.example; --sni wrong.example is refused with 76 ("hostname mismatch").
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server other "DNS:other.example"
start_serve -k --echo --cert "$PKI/other.pem" --key "$PKI/other.key" tls://127.0.0.1:0

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --sni other.example --send $'named\n' "$URL"
expect_content "$OUT" 'named\n'
expect_empty "$ERR"

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --sni wrong.example --send hello "$URL"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "certificate verify failed: hostname mismatch"

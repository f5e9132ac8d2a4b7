#!/usr/bin/env bash
# serve --client-ca: a client presenting a certificate from that CA (EKU clientAuth, --cert/--key)
# is served, and serve -v names the client certificate's subject.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
pki_client alice
start_serve -v --echo --cert "$PKI/server.pem" --key "$PKI/server.key" --client-ca "$PKI/ca.pem" tls://127.0.0.1:0

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --cert "$PKI/alice.pem" --key "$PKI/alice.key" --send $'it is alice\n' "$URL"
expect_content "$OUT" 'it is alice\n'
expect_empty "$ERR"
expect_serve_exit 0
expect_contains "$SERVE_ERR" "client /CN=alice"

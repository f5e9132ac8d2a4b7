#!/usr/bin/env bash
# connect --ca FILE trusts the CA in FILE: a server leaf signed by an openssl-made CA, for
# DNS:localhost and IP:127.0.0.1, verifies both as tls://127.0.0.1 and as tls://localhost, quietly;
# without --ca the same server is refused (76).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve -k --echo --cert "$PKI/server.pem" --key "$PKI/server.key" tls://127.0.0.1:0
port=$(url_port "$URL")

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --send $'by address\n' "tls://127.0.0.1:$port"
expect_content "$OUT" 'by address\n'
expect_empty "$ERR"

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --send $'by name\n' "tls://localhost:$port"
expect_content "$OUT" 'by name\n'
expect_empty "$ERR"

expect_exit 76 "$VITNET" connect --send $'untrusted\n' "tls://127.0.0.1:$port"
expect_contains "$ERR" "certificate verify failed: unable to get local issuer certificate"

#!/usr/bin/env bash
# Name checking: a certificate issued by the trusted CA, but only for DNS:other.example, is refused
# when dialled as tls://127.0.0.1 (76, "IP address mismatch") and as tls://localhost (76, "hostname
# mismatch"), with the peer named and advice given.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server other "DNS:other.example"
start_serve -k --echo --cert "$PKI/other.pem" --key "$PKI/other.key" tls://127.0.0.1:0
port=$(url_port "$URL")

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --send hello "tls://127.0.0.1:$port"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: tls: 127.0.0.1:$port: certificate verify failed: IP address mismatch; "

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --send hello "tls://localhost:$port"
expect_empty "$OUT"
expect_contains "$ERR" "certificate verify failed: hostname mismatch; "
expect_contains "$ERR" "--sni"

#!/usr/bin/env bash
# connect --alpn offers protocols in order; with -v it reports the TLS version, the cipher and the
# protocol the server chose ("alpn h2"), and still relays the data.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve --echo --cert "$PKI/server.pem" --key "$PKI/server.key" --alpn h2 --alpn http/1.1 tls://127.0.0.1:0

expect_exit 0 "$VITNET" -v connect --ca "$PKI/ca.pem" --alpn foo/1 --alpn h2 --send $'alpn\n' "$URL"
expect_content "$OUT" 'alpn\n'
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: tls: TLSv1.3 "
expect_contains "$ERR" ", alpn h2"
expect_serve_exit 0

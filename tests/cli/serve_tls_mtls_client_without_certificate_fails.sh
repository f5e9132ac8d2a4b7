#!/usr/bin/env bash
# serve --client-ca requires a client certificate: a client without one fails. With TLS 1.3 the
# client's handshake completes before the server has seen its (empty) certificate, so the client
# learns of the refusal on its first read: it must still exit non-zero (76, a TLS error), naming the
# server, and print nothing on stdout. The server logs "peer did not return a certificate" and serves
# the next client.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve -k --echo --cert "$PKI/server.pem" --key "$PKI/server.key" --client-ca "$PKI/ca.pem" tls://127.0.0.1:0

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --send $'let me in\n' "$URL"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "127.0.0.1:$(url_port "$URL")"
wait_until 5 grep -q 'peer did not return a certificate' "$SERVE_ERR" || { show "$SERVE_ERR"; fail "the server did not say why it refused the client"; }
expect_running "$SERVE_PID" "serve -k after refusing a client"

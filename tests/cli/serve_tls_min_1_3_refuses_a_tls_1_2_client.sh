#!/usr/bin/env bash
# serve --tls-min 1.3 refuses a client limited to TLS 1.2 (openssl s_client -tls1_2 gets a
# protocol_version alert), logs why, keeps serving, and a TLS 1.3 client still gets through.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve -k --echo --cert "$PKI/server.pem" --key "$PKI/server.key" --tls-min 1.3 tls://127.0.0.1:0
hostport=127.0.0.1:$(url_port "$URL")

expect_exit 1 openssl s_client -connect "$hostport" -CAfile "$PKI/ca.pem" -tls1_2 </dev/null
expect_contains "$ERR" "alert protocol version"
wait_until 5 grep -q 'unsupported protocol' "$SERVE_ERR" || { show "$SERVE_ERR"; fail "serve did not log the refused TLS 1.2 client"; }
expect_running "$SERVE_PID" "serve -k after refusing a TLS 1.2 client"

expect_exit 0 openssl s_client -connect "$hostport" -CAfile "$PKI/ca.pem" -verify_return_error -tls1_3 </dev/null
expect_contains "$OUT" "New, TLSv1.3, Cipher is"

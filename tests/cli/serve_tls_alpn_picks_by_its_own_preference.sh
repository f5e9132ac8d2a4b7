#!/usr/bin/env bash
# serve --alpn h2 --alpn http/1.1 negotiates ALPN with openssl s_client: a client offering only
# http/1.1 gets http/1.1; a client offering http/1.1 then h2 gets h2 (the server's order wins); a
# client offering neither is refused (no_application_protocol alert) and the server keeps serving.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve -k --echo --cert "$PKI/server.pem" --key "$PKI/server.key" --alpn h2 --alpn http/1.1 tls://127.0.0.1:0
hostport=127.0.0.1:$(url_port "$URL")

expect_exit 0 openssl s_client -connect "$hostport" -CAfile "$PKI/ca.pem" -verify_return_error -alpn http/1.1 </dev/null
expect_contains "$OUT" "ALPN protocol: http/1.1"
expect_contains "$OUT" "Verify return code: 0 (ok)"

expect_exit 0 openssl s_client -connect "$hostport" -CAfile "$PKI/ca.pem" -verify_return_error -alpn http/1.1,h2 </dev/null
expect_contains "$OUT" "ALPN protocol: h2"

expect_exit 1 openssl s_client -connect "$hostport" -CAfile "$PKI/ca.pem" -alpn spdy/3 </dev/null
expect_contains "$ERR" "no application protocol"
expect_running "$SERVE_PID" "serve -k after an ALPN mismatch"

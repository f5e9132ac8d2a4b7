#!/usr/bin/env bash
# Against `openssl s_server -Verify 1 -verify_return_error` (client certificate required), vitnet
# connect without --cert fails: non-zero exit (76, a TLS error, learnt on the first read under
# TLS 1.3) naming the server, nothing on stdout; s_server reports the missing certificate.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
port=$(free_port)
bg timeout 20 openssl s_server -accept "127.0.0.1:$port" -cert "$PKI/server.pem" -key "$PKI/server.key" \
  -naccept 1 -rev -Verify 1 -verify_return_error -CAfile "$PKI/ca.pem" </dev/null >"$T/s.out" 2>"$T/s.err"
wait_until 10 tcp_listening "$port" || { show "$T/s.err"; fail "openssl s_server did not listen"; }

expect_exit 76 "$VITNET" connect --ca "$PKI/ca.pem" --send $'anonymous\n' "tls://127.0.0.1:$port"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "127.0.0.1:$port"
wait_until 5 grep -q 'peer did not return a certificate' "$T/s.err" ||
  { show "$T/s.err"; fail "s_server did not report the missing client certificate"; }

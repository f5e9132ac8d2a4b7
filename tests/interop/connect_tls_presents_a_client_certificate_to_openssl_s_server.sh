#!/usr/bin/env bash
# mTLS against `openssl s_server -Verify 1 -verify_return_error`: vitnet connect --cert/--key with a
# clientAuth certificate from the CA that s_server trusts completes the handshake, s_server sees the
# client's subject, and the line comes back reversed.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
pki_client alice
port=$(free_port)
bg timeout 20 openssl s_server -accept "127.0.0.1:$port" -cert "$PKI/server.pem" -key "$PKI/server.key" \
  -naccept 1 -rev -Verify 1 -verify_return_error -CAfile "$PKI/ca.pem" </dev/null >"$T/s.out" 2>"$T/s.err"
wait_until 10 tcp_listening "$port" || { show "$T/s.err"; fail "openssl s_server did not listen"; }

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --cert "$PKI/alice.pem" --key "$PKI/alice.key" \
  --send $'mutual\n' "tls://127.0.0.1:$port"
expect_content "$OUT" 'lautum\n'
expect_empty "$ERR"
wait_until 5 grep -q 'Peer certificate: CN = alice' "$T/s.err" "$T/s.out" ||
  { show "$T/s.err"; fail "s_server did not see the client certificate"; }

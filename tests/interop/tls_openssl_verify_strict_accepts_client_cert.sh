#!/usr/bin/env bash
# openssl verify -x509_strict -purpose sslclient accepts vitnet's client certificate, and refuses
# it as a server certificate.
source "$(dirname "$0")/../lib/lib.sh"
need openssl
cd "$T"
"$VITNET" tls gen ca >/dev/null || fail "gen ca"
"$VITNET" tls gen client --ca ca.pem alice@example.com >/dev/null || fail "gen client"
openssl verify -x509_strict -purpose sslclient -verify_email alice@example.com -CAfile ca.pem alice@example.com.pem >"$OUT" 2>&1 ||
  { show "$OUT"; fail "openssl rejects the client certificate"; }
! openssl verify -x509_strict -purpose sslserver -CAfile ca.pem alice@example.com.pem >"$OUT" 2>&1 ||
  fail "openssl accepts a client certificate as a server certificate"
expect_contains "$OUT" "unsuitable certificate purpose"

#!/usr/bin/env bash
# OpenSSL enforces a vitnet CA's name constraints: a certificate inside them verifies, one for a
# name outside fails with "permitted subtree violation".
source "$(dirname "$0")/../lib/lib.sh"
need openssl
cd "$T"
"$VITNET" tls gen ca --name-constraint DNS:example.com --name-constraint IP:10.0.0.0/8 >/dev/null || fail "gen ca"
"$VITNET" tls gen cert --ca ca.pem --out inside www.example.com 10.9.8.7 >/dev/null || fail "gen inside"
"$VITNET" tls gen cert --ca ca.pem --out outside www.example.net >/dev/null || fail "gen outside"
openssl verify -x509_strict -purpose sslserver -CAfile ca.pem inside.pem >"$OUT" 2>&1 || { show "$OUT"; fail "inside rejected"; }
! openssl verify -x509_strict -CAfile ca.pem outside.pem >"$OUT" 2>&1 || fail "outside accepted"
expect_contains "$OUT" "permitted subtree violation"

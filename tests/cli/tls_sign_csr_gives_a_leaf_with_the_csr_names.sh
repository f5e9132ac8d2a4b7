#!/usr/bin/env bash
# tls gen csr writes a request and its key; tls sign turns it into a certificate with the
# request's names, for the key that stayed with its owner.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen csr api.example.com 10.0.0.7
[[ -f api.example.com.csr && -f api.example.com-key.pem ]] || fail "no csr and key: $(ls)"
openssl req -in api.example.com.csr -noout -verify 2>&1 | grep -q "verify OK" || fail "openssl does not verify the CSR"
expect_exit 0 "$VITNET" tls sign --ca ca.pem --purpose client api.example.com.csr
[[ -f api.example.com.pem ]] || fail "no certificate: $(ls)"
cat api.example.com.pem api.example.com-key.pem >bundle.pem
expect_exit 0 "$VITNET" --json tls inspect bundle.pem
expect_contains "$OUT" '"key_matches_certificate": true'
expect_contains "$OUT" '"DNS:api.example.com"'
expect_contains "$OUT" '"clientAuth"'
echo garbage >bad.csr
expect_exit 65 "$VITNET" tls sign --ca ca.pem bad.csr
expect_contains "$ERR" "bad.csr"

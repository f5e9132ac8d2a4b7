#!/usr/bin/env bash
# tls inspect opens a PKCS#12 with --p12-pass-file; a wrong password exits 65 saying so.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
echo 'correct horse' >pass
echo 'wrong' >wrong
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen client --ca ca.pem --p12 --p12-pass-file pass alice@example.com
expect_exit 0 "$VITNET" --json tls inspect --p12-pass-file pass alice@example.com.p12
expect_contains "$OUT" '"kind": "pkcs12"'
expect_contains "$OUT" '"key_matches_certificate": true'
expect_exit 65 "$VITNET" tls inspect --p12-pass-file wrong alice@example.com.p12
expect_contains "$ERR" "wrong password"
expect_diagnostic "$ERR"
expect_exit 65 "$VITNET" tls inspect alice@example.com.p12
expect_contains "$ERR" "--p12-pass-file"

#!/usr/bin/env bash
# OpenSSL 3 reads vitnet's PKCS#12 without -legacy: AES-256-CBC under PBKDF2, SHA-256 MAC; the
# key and both certificates are inside.
source "$(dirname "$0")/../lib/lib.sh"
need openssl
cd "$T"
printf 'p4ss word\n' >pass
"$VITNET" tls gen ca >/dev/null || fail "gen ca"
"$VITNET" tls gen ca --intermediate --ca ca.pem >/dev/null || fail "gen intermediate"
"$VITNET" tls gen cert --ca intermediate.pem --p12 --p12-pass-file pass localhost >/dev/null || fail "gen cert --p12"
openssl pkcs12 -info -noout -in localhost.p12 -passin 'pass:p4ss word' >"$OUT" 2>&1 ||
  { show "$OUT"; fail "openssl cannot read the .p12"; }
expect_contains "$OUT" "MAC: sha256"
expect_contains "$OUT" "PBES2, PBKDF2, AES-256-CBC"
expect_not_contains "$OUT" "RC2"
expect_not_contains "$OUT" "3DES"
openssl pkcs12 -in localhost.p12 -passin 'pass:p4ss word' -nodes -out all.pem 2>/dev/null || fail "openssl cannot unpack the .p12"
[[ $(grep -c 'BEGIN CERTIFICATE' all.pem) == 2 ]] || fail "the .p12 does not hold the leaf and the intermediate"
grep -q 'BEGIN PRIVATE KEY' all.pem || fail "the .p12 holds no key"
! openssl pkcs12 -info -noout -in localhost.p12 -passin pass:wrong >/dev/null 2>&1 || fail "a wrong password opens it"
"$VITNET" tls gen cert --ca ca.pem --p12 --p12-empty-password --out open localhost >/dev/null || fail "gen --p12-empty-password"
openssl pkcs12 -info -noout -in open.p12 -passin pass: >"$OUT" 2>&1 || { show "$OUT"; fail "empty-password .p12 unreadable"; }

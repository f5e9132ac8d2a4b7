#!/usr/bin/env bash
# The certificate material of tests/lib/pki.sh is what it claims to be: the leaves pass
# `openssl verify -x509_strict` for their purpose and names, the client leaf is no server
# certificate, the expired one has expired, and pki_sha256 gives a sha256:AB:CD:... fingerprint.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
pki_client alice
pki_expired old "DNS:localhost,IP:127.0.0.1"

expect_exit 0 openssl verify -x509_strict -purpose sslserver -verify_hostname localhost \
  -CAfile "$PKI/ca.pem" "$PKI/server.pem"
expect_exit 0 openssl verify -x509_strict -purpose sslserver -verify_ip 127.0.0.1 \
  -CAfile "$PKI/ca.pem" "$PKI/server.pem"
expect_exit 0 openssl verify -x509_strict -purpose sslclient -CAfile "$PKI/ca.pem" "$PKI/alice.pem"
# the client leaf is no server certificate, and the expired one has expired
expect_exit 2 openssl verify -x509_strict -purpose sslserver -CAfile "$PKI/ca.pem" "$PKI/alice.pem"
expect_exit 2 openssl verify -x509_strict -purpose sslserver -CAfile "$PKI/ca.pem" "$PKI/old.pem"
openssl verify -x509_strict -CAfile "$PKI/ca.pem" "$PKI/old.pem" >"$T/old.verify" 2>&1 || true
expect_contains "$T/old.verify" "certificate has expired"
[[ $(pki_sha256 "$PKI/server.pem") =~ ^sha256:([0-9A-F]{2}:){31}[0-9A-F]{2}$ ]] ||
  fail "pki_sha256 gave '$(pki_sha256 "$PKI/server.pem")'"

#!/usr/bin/env bash
# tls verify accepts a leaf with its chain file for its name, address and purpose (exit 0).
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen ca --intermediate --ca ca.pem
expect_exit 0 "$VITNET" tls gen cert --ca intermediate.pem localhost 127.0.0.1
expect_exit 0 "$VITNET" tls verify --ca ca.pem --host localhost --purpose server localhost-chain.pem
expect_contains "$OUT" "localhost-chain.pem: valid: CN=localhost <- CN=vitnet intermediate CA <- CN=vitnet root CA"
expect_exit 0 "$VITNET" tls verify --ca ca.pem --ip 127.0.0.1 --untrusted intermediate.pem localhost.pem
expect_exit 0 "$VITNET" tls verify --ca ca.pem --host 127.0.0.1 localhost-chain.pem

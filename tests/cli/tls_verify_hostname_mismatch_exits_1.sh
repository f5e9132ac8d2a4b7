#!/usr/bin/env bash
# tls verify for a name the certificate does not hold exits 1: "name mismatch", naming the
# certificate's names; the same for an address.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem localhost 127.0.0.1
expect_exit 1 "$VITNET" tls verify --ca ca.pem --host example.com localhost.pem
expect_contains "$ERR" "vitnet: verify: localhost.pem: name mismatch: the certificate is for DNS:localhost, IP:127.0.0.1, not 'example.com'"
expect_diagnostic "$ERR"
expect_empty "$OUT"
expect_exit 1 "$VITNET" tls verify --ca ca.pem --ip 127.0.0.2 localhost.pem
expect_contains "$ERR" "name mismatch"

#!/usr/bin/env bash
# A client certificate is not a server certificate, nor the reverse: tls verify --purpose exits 1
# "wrong purpose".
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen client --ca ca.pem alice
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem localhost
expect_exit 0 "$VITNET" tls verify --ca ca.pem --purpose client alice.pem
expect_exit 1 "$VITNET" tls verify --ca ca.pem --purpose server alice.pem
expect_contains "$ERR" "vitnet: verify: alice.pem: wrong purpose: 'CN=alice' may not be used for server authentication"
expect_diagnostic "$ERR"
expect_exit 1 "$VITNET" tls verify --ca ca.pem --purpose client localhost.pem
expect_contains "$ERR" "wrong purpose"

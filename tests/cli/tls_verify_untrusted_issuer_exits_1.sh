#!/usr/bin/env bash
# tls verify against a CA that did not issue the certificate exits 1 "untrusted", naming the
# missing issuer; so does a missing intermediate.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca --name "Real Root"
expect_exit 0 "$VITNET" tls gen ca --name "Other Root" --out other
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem localhost
expect_exit 1 "$VITNET" tls verify --ca other.pem localhost.pem
expect_contains "$ERR" "vitnet: verify: localhost.pem: untrusted: no trusted issuer 'CN=Real Root'"
expect_diagnostic "$ERR"
expect_exit 0 "$VITNET" tls gen ca --intermediate --ca ca.pem
expect_exit 0 "$VITNET" tls gen cert --ca intermediate.pem --out leaf localhost
expect_exit 1 "$VITNET" tls verify --ca ca.pem leaf.pem
expect_contains "$ERR" "untrusted"

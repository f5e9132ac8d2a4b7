#!/usr/bin/env bash
# Signing with a key that is not the CA certificate's exits 65 naming the key, writing nothing.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen ca --out other
expect_exit 65 "$VITNET" tls gen cert --ca ca.pem --ca-key other-key.pem localhost
expect_contains "$ERR" "other-key.pem: this key does not match the CA certificate ca.pem"
expect_diagnostic "$ERR"
[[ ! -e localhost.pem && ! -e localhost-key.pem ]] || fail "files were written"

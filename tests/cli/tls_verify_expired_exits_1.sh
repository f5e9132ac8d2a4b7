#!/usr/bin/env bash
# tls verify --at a time after a certificate's end exits 1 "expired"; before its start "not yet
# valid"; --json gives the reason as a key.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --days 1 localhost
expect_exit 0 "$VITNET" tls verify --ca ca.pem --at +12h localhost.pem
expect_exit 1 "$VITNET" tls verify --ca ca.pem --at +2d localhost.pem
expect_contains "$ERR" "vitnet: verify: localhost.pem: expired: 'CN=localhost' expired at"
expect_diagnostic "$ERR"
expect_exit 1 "$VITNET" tls verify --ca ca.pem --at 2001-01-01 localhost.pem
expect_contains "$ERR" "not yet valid"
expect_exit 1 "$VITNET" --json tls verify --ca ca.pem --at +2d localhost.pem
expect_contains "$OUT" '"reason": "expired"'
expect_contains "$OUT" '"valid": false'

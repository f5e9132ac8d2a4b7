#!/usr/bin/env bash
# --p12 needs --p12-pass-file or --p12-empty-password (exit 64 otherwise); an empty pass file is
# refused too rather than silently giving an unprotected file.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 64 "$VITNET" tls gen cert --ca ca.pem --p12 localhost
expect_contains "$ERR" "--p12-empty-password"
: >empty-pass
expect_exit 64 "$VITNET" tls gen cert --ca ca.pem --p12 --p12-pass-file empty-pass localhost
expect_contains "$ERR" "empty"
[[ ! -e localhost.pem ]] || fail "a certificate was written"
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --p12 --p12-empty-password localhost
[[ $(stat -c %a localhost.p12) == 600 ]] || fail "p12 mode is $(stat -c %a localhost.p12)"

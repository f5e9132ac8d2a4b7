#!/usr/bin/env bash
# tls gen refuses to replace an existing key or certificate (exit 74, naming the file) and writes
# nothing at all; --force replaces both.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem localhost
cp localhost.pem before.pem
cp localhost-key.pem before-key.pem
rm localhost.pem  # only the key is in the way now
expect_exit 74 "$VITNET" tls gen cert --ca ca.pem localhost
expect_contains "$ERR" "localhost-key.pem: exists; use --force"
expect_diagnostic "$ERR"
[[ ! -e localhost.pem ]] || fail "the certificate was written although the key was refused"
cmp -s localhost-key.pem before-key.pem || fail "the existing key was changed"
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --force localhost
cmp -s localhost-key.pem before-key.pem && fail "--force did not replace the key"
[[ $(stat -c %a localhost-key.pem) == 600 ]] || fail "replaced key mode is $(stat -c %a localhost-key.pem)"

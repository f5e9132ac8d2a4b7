#!/usr/bin/env bash
# A CA key that is missing (66), not a key (65) or not readable (77, when not root) is reported
# with its path and the right exit code.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 66 "$VITNET" tls gen cert --ca ca.pem --ca-key missing-key.pem localhost
expect_contains "$ERR" "missing-key.pem"
echo "not a key" >garbage-key.pem
expect_exit 65 "$VITNET" tls gen cert --ca ca.pem --ca-key garbage-key.pem localhost
expect_contains "$ERR" "garbage-key.pem: key: no private key found"
expect_diagnostic "$ERR"
if [[ $(id -u) -ne 0 ]]; then
  chmod 000 ca-key.pem
  expect_exit 77 "$VITNET" tls gen cert --ca ca.pem localhost
  expect_contains "$ERR" "ca-key.pem"
fi
[[ ! -e localhost.pem ]] || fail "a certificate was written"

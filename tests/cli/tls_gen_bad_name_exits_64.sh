#!/usr/bin/env bash
# A name that is no DNS name, address, email or URI is a usage error naming it (exit 64).
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca
expect_exit 64 "$VITNET" tls gen cert --ca ca.pem 'foo.*.example.com'
expect_contains "$ERR" "'foo.*.example.com'"
expect_contains "$ERR" "wildcard"
expect_diagnostic "$ERR"
expect_exit 64 "$VITNET" tls gen cert --ca ca.pem '*.com'
expect_exit 64 "$VITNET" tls gen cert --ca ca.pem 'bad name'

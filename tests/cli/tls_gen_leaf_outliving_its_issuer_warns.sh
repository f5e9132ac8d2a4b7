#!/usr/bin/env bash
# A leaf that would outlive its CA is made, with a warning on stderr naming both dates.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca --days 30
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem localhost
expect_contains "$ERR" "vitnet: warning: localhost.pem: valid until"
expect_contains "$ERR" "but its issuer ca.pem expires at"
expect_diagnostic "$ERR"
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --days 10 --out short localhost
expect_empty "$ERR"

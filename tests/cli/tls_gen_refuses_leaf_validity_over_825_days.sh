#!/usr/bin/env bash
# A leaf valid longer than 825 days is refused with exit 64 and a reason, before anything is
# written; 825 days is accepted, and a CA may be valid for longer.
source "$(dirname "$0")/../lib/lib.sh"
cd "$T"
expect_exit 0 "$VITNET" tls gen ca --days 4000
expect_exit 64 "$VITNET" tls gen cert --ca ca.pem --days 826 localhost
expect_contains "$ERR" "at most 825 days"
expect_diagnostic "$ERR"
[[ ! -e localhost.pem && ! -e localhost-key.pem ]] || fail "files were written for a refused certificate"
expect_exit 64 "$VITNET" tls gen cert --ca ca.pem --not-after +900d localhost
expect_contains "$ERR" "at most 825 days"
expect_exit 0 "$VITNET" tls gen cert --ca ca.pem --days 825 localhost

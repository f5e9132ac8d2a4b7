#!/usr/bin/env bash
# --split and --hosts refuse with 64, printing nothing, when they would print more than 65536
# lines; --limit raises the bound.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" ip --split /26 10.0.0.0/24
expect_content "$OUT" '10.0.0.0/26\n10.0.0.64/26\n10.0.0.128/26\n10.0.0.192/26\n'
expect_exit 64 "$VITNET" ip --split 32 10.0.0.0/8
expect_empty "$OUT"
expect_contains "$ERR" "vitnet: ip: --split /32 would print more than 65536 lines"
expect_exit 64 "$VITNET" ip --hosts 2001:db8::/64
expect_empty "$OUT"
expect_contains "$ERR" "--hosts would print more than 65536 lines"
expect_exit 0 "$VITNET" ip --hosts --limit 131072 10.0.0.0/15
[[ $(wc -l <"$OUT") == 131070 ]] || fail "expected 131070 hosts, got $(wc -l <"$OUT")"
expect_exit 64 "$VITNET" ip --split 16 10.0.0.0/24
expect_contains "$ERR" "vitnet: ip: --split /16 is larger than '10.0.0.0/24' itself (/24)"
expect_diagnostic "$ERR"

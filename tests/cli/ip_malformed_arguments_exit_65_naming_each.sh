#!/usr/bin/env bash
# Every malformed argument is named on stderr, then vitnet ip exits 65 having printed nothing.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 65 "$VITNET" ip 10.0.0.1 300.1.2.3 10.0.0.0/33 10.0.0.9-10.0.0.1 10.0.0.1-::1 2001:db8::/129 example.com
expect_empty "$OUT"
expect_contains "$ERR" "vitnet: ip: '300.1.2.3': not an IPv4 or IPv6 address"
expect_contains "$ERR" "vitnet: ip: '10.0.0.0/33': prefix /33 is out of range for IPv4 (0-32)"
expect_contains "$ERR" "vitnet: ip: '10.0.0.9-10.0.0.1': empty range: 10.0.0.9 comes after 10.0.0.1"
expect_contains "$ERR" "vitnet: ip: '10.0.0.1-::1': a range cannot mix IPv4 and IPv6"
expect_contains "$ERR" "vitnet: ip: '2001:db8::/129': prefix /129 is out of range for IPv6 (0-128)"
expect_contains "$ERR" "vitnet: ip: 'example.com': not an IPv4 or IPv6 address"
expect_diagnostic "$ERR"
[[ $(wc -l <"$ERR") == 6 ]] || { show "$ERR"; fail "expected one line per malformed argument"; }
printf '10.0.0.0/8\n\n# a comment\n10.0.0.256\n' >"$T/list"
expect_exit 65 "$VITNET" ip --aggregate - <"$T/list"
expect_contains "$ERR" "vitnet: ip: stdin line 4: '10.0.0.256': not an IPv4 or IPv6 address"

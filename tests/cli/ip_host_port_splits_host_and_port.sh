#!/usr/bin/env bash
# HOST:PORT and [V6]:PORT are split: the host is described and the port shown; an IPv6 host
# without brackets or a port past 65535 is refused with 65.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" ip 127.0.0.1:8080 '[::1]:443'
expect_contains "$OUT" "address       127.0.0.1"
expect_contains "$OUT" "port          8080"
expect_contains "$OUT" "endpoint      [::1]:443"
expect_contains "$OUT" "category      loopback"
expect_exit 65 "$VITNET" ip 127.0.0.1:99999
expect_contains "$ERR" "vitnet: ip: '127.0.0.1:99999': port '99999' is not a number from 0 to 65535"
expect_exit 65 "$VITNET" ip '[10.0.0.1]:80'
expect_contains "$ERR" "'[10.0.0.1]:80': '10.0.0.1' is not an IPv4 or IPv6 address"
expect_diagnostic "$ERR"

#!/usr/bin/env bash
# A range FIRST-LAST is printed as the fewest blocks covering exactly it, one a line.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" ip 10.0.0.1-10.0.0.6 '2001:db8:: - 2001:db8::2'
expect_content "$OUT" '10.0.0.1/32\n10.0.0.2/31\n10.0.0.4/31\n10.0.0.6/32\n2001:db8::/127\n2001:db8::2/128\n'
expect_exit 0 "$VITNET" ip 0.0.0.0-255.255.255.255
expect_content "$OUT" '0.0.0.0/0\n'

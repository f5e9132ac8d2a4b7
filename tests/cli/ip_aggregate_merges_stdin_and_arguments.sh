#!/usr/bin/env bash
# --aggregate merges addresses, blocks and ranges of both families, from arguments and stdin,
# into the fewest blocks: IPv4 first, each family in order.
source "$(dirname "$0")/../lib/lib.sh"

printf '10.0.1.0/24\n2001:db8:8000::/33  # second half\n\n10.0.0.0/25\n10.0.0.128-10.0.0.255\n' >"$T/list"
expect_exit 0 "$VITNET" ip --aggregate 192.168.0.1 - 2001:db8::/33 192.168.0.0 <"$T/list"
expect_content "$OUT" '10.0.0.0/23\n192.168.0.0/31\n2001:db8::/32\n'
expect_empty "$ERR"
expect_exit 0 "$VITNET" --json ip --aggregate 10.0.0.0/25 10.0.0.128/25
expect_contains "$OUT" '"network": "10.0.0.0/24"'
expect_contains "$OUT" '"size": "256"'

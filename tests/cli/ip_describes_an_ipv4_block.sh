#!/usr/bin/env bash
# An IPv4 block with host bits set is described: the address as written, its network, masks,
# broadcast, usable hosts, size, reverse zone and category.
source "$(dirname "$0")/../lib/lib.sh"

expect_exit 0 "$VITNET" ip 192.168.1.77/26
expect_content "$OUT" '192.168.1.77/26
  version       4
  address       192.168.1.77
  network       192.168.1.64/26
  prefix        26
  netmask       255.255.255.192
  hostmask      0.0.0.63
  broadcast     192.168.1.127
  first host    192.168.1.65
  last host     192.168.1.126
  hosts         62
  size          64
  reverse zone  1.168.192.in-addr.arpa
  category      private (RFC 1918)
'
expect_empty "$ERR"

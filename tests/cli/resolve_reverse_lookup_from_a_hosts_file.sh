#!/usr/bin/env bash
# serve dns --records takes a hosts file too: names get their addresses and addresses their first
# name back; resolve -x asks the PTR of an address (IPv4 and IPv6).
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/hosts" <<'HOSTS'
# a hosts file, as /etc/hosts
127.0.0.20   db.internal.test db
::1          v6.internal.test
HOSTS
DNS_RECORDS=$T/hosts start_dns_server
expect_exit 0 "$VITNET" resolve --short -x 127.0.0.20 -s "$DNS_SERVER"
expect_content "$OUT" 'db.internal.test.\n'
expect_exit 0 "$VITNET" resolve --short -x ::1 -s "$DNS_SERVER"
expect_content "$OUT" 'v6.internal.test.\n'
expect_exit 0 "$VITNET" resolve --short db -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.20\n'
expect_contains "$SERVE_ERR" "records from $T/hosts (hosts)"
expect_exit 64 "$VITNET" resolve -x not-an-address -s "$DNS_SERVER"
expect_contains "$ERR" "'not-an-address' is not an address"

#!/usr/bin/env bash
# --upstream: names outside the records go to another server (here a second vitnet); names inside
# a zone the records hold (under its SOA) are answered here, NXDOMAIN included. An upstream that
# does not answer gives SERVFAIL with an Extended DNS Error, within --upstream-timeout.
source "$(dirname "$0")/../lib/lib.sh"

cat >"$T/other.zone" <<'ZONE'
api.other.test. 60 IN A 127.0.0.77
ZONE
DNS_RECORDS=$T/other.zone start_dns_server
upstream=$DNS_SERVER
upstream_log=$SERVE_OUT
start_dns_server --upstream "$upstream"
expect_exit 0 "$VITNET" resolve --short api.other.test A -s "$DNS_SERVER"
expect_content "$OUT" '127.0.0.77\n'
grep -q "api.other.test. A NOERROR answers=1.* upstream" "$SERVE_OUT" || { show "$SERVE_OUT"; fail "not logged as upstream"; }
grep -q "api.other.test. A NOERROR" "$upstream_log" || fail "the upstream was not asked"
expect_exit 1 "$VITNET" resolve nosuch.example.test A -s "$DNS_SERVER"
expect_not_contains "$upstream_log" "nosuch.example.test"

DNS_RECORDS= start_dns_server --upstream "$DNS_SERVER" --fault '*.slow.test=drop'
chained=$DNS_SERVER
start_dns_server --upstream "$chained" --upstream-timeout 300ms
expect_exit 76 "$VITNET" resolve x.slow.test A -s "$DNS_SERVER" --timeout 3s
expect_contains "$OUT" "SERVFAIL"
expect_contains "$OUT" "EDE 22 (No Reachable Authority)"

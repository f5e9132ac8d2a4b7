#!/usr/bin/env bash
# dig (BIND 9.18) against serve dns: UDP and TCP on one port, a 512-byte answer without EDNS
# truncated (TC) and then fetched over TCP by dig itself, DNS over TLS (serve tls:// --records)
# and DNS over HTTPS (serve https:// --records), every record type of the test zone as dig prints
# it, NXDOMAIN with the SOA, and a FORMERR for a query with two questions... which dig cannot
# send, so that one is left to the unit tests.
source "$(dirname "$0")/../lib/lib.sh"
need dig

start_dns_server
p=$DNS_PORT
d() { dig @127.0.0.1 -p "$p" +time=2 +tries=1 "$@"; }
[[ $(d +short www.example.test A) == 127.0.0.10 ]] || fail "A over udp"
[[ $(d +short +tcp www.example.test AAAA) == ::1 ]] || fail "AAAA over tcp"
[[ $(d +short example.test MX) == "10 mail.example.test." ]] || fail "MX"
[[ $(d +short example.test TXT) == '"v=spf1 -all" "second string"' ]] || fail "TXT"
[[ $(d +short _http._tcp.example.test SRV) == "10 5 8080 www.example.test." ]] || fail "SRV"
[[ $(d +short example.test CAA) == '0 issue "letsencrypt.org"' ]] || fail "CAA"
[[ $(d +short example.test SOA) == "ns1.example.test. hostmaster.example.test. 2026120401 3600 600 86400 60" ]] || fail "SOA"
[[ $(d +short anything.wild.example.test A) == 127.0.0.99 ]] || fail "wildcard"
[[ $(d +short chain.example.test A | tr '\n' ' ') == "alias.example.test. www.example.test. 127.0.0.10 " ]] || fail "CNAME chain"

d nosuch.example.test A >"$T/nx"
expect_contains "$T/nx" "status: NXDOMAIN"
expect_contains "$T/nx" "flags: qr aa rd;"
grep -qE '^example\.test\.\s+300\s+IN\s+SOA' "$T/nx" || { show "$T/nx"; fail "no SOA in the NXDOMAIN answer"; }

# Without EDNS the limit is 512 bytes: 40 addresses do not fit, TC is set; dig then asks over TCP.
d +noedns +ignore many.example.test A >"$T/tc"
expect_contains "$T/tc" "flags: qr aa tc rd;"
[[ $(d +noedns +short many.example.test A | wc -l) == 40 ]] || fail "dig did not get 40 addresses over TCP"
grep -q "tcp many.example.test. A NOERROR answers=40" "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no TCP retry logged"; }

# EDNS: dig's OPT is answered with one (and an unknown EDNS version with BADVERS).
d www.example.test A >"$T/edns"
expect_contains "$T/edns" "EDNS: version: 0"
d +edns=1 +noednsnegotiation www.example.test A >"$T/badvers"
expect_contains "$T/badvers" "status: BADVERS"

zone=$VITNET_SOURCE/tests/lib/dns/example.zone
start_serve tls://127.0.0.1:0 --records "$zone"
dot=$(url_port "$URL")
[[ $(dig @127.0.0.1 -p "$dot" +tls +time=3 +tries=1 +short www.example.test A) == 127.0.0.10 ]] || fail "dig +tls"
start_serve https://127.0.0.1:0 --records "$zone"
doh=$(url_port "$URL")
[[ $(dig @127.0.0.1 -p "$doh" +https=/dns-query +time=3 +tries=1 +short www.example.test A) == 127.0.0.10 ]] || fail "dig +https (POST)"
[[ $(dig @127.0.0.1 -p "$doh" +https-get=/dns-query +time=3 +tries=1 +short www.example.test AAAA) == ::1 ]] || fail "dig +https-get"

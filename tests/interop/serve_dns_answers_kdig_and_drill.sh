#!/usr/bin/env bash
# kdig (Knot 3.2) and drill (ldns) against serve dns: UDP, TCP, TLS and HTTPS for kdig, UDP and
# TCP for drill, with the answers each prints.
source "$(dirname "$0")/../lib/lib.sh"
need kdig drill

start_dns_server
p=$DNS_PORT
[[ $(kdig @127.0.0.1 -p "$p" +short +timeout=2 www.example.test A) == 127.0.0.10 ]] || fail "kdig udp"
[[ $(kdig @127.0.0.1 -p "$p" +tcp +short +timeout=2 www.example.test AAAA) == ::1 ]] || fail "kdig tcp"
kdig @127.0.0.1 -p "$p" +timeout=2 +nsid nosuch.example.test A >"$T/nx"
expect_contains "$T/nx" "status: NXDOMAIN"
[[ $(kdig @127.0.0.1 -p "$p" +short +timeout=2 _http._tcp.example.test SRV) == "10 5 8080 www.example.test." ]] || fail "kdig SRV"

zone=$VITNET_SOURCE/tests/lib/dns/example.zone
start_serve tls://127.0.0.1:0 --records "$zone"
dot=$(url_port "$URL")
[[ $(kdig @127.0.0.1 -p "$dot" +tls +short +timeout=3 www.example.test A) == 127.0.0.10 ]] || fail "kdig +tls"
start_serve https://127.0.0.1:0 --records "$zone"
doh=$(url_port "$URL")
[[ $(kdig @127.0.0.1 -p "$doh" +https +short +timeout=3 www.example.test A) == 127.0.0.10 ]] || fail "kdig +https"
[[ $(kdig @127.0.0.1 -p "$doh" +https-get +short +timeout=3 mail.example.test A) == 127.0.0.25 ]] || fail "kdig +https-get"

drill -p "$p" www.example.test A @127.0.0.1 >"$T/drill"
grep -qE '^www\.example\.test\.\s+300\s+IN\s+A\s+127\.0\.0\.10' "$T/drill" || { show "$T/drill"; fail "drill udp"; }
drill -t -p "$p" example.test MX @127.0.0.1 >"$T/drill-tcp"
grep -qE 'IN\s+MX\s+10 mail\.example\.test\.' "$T/drill-tcp" || { show "$T/drill-tcp"; fail "drill tcp"; }

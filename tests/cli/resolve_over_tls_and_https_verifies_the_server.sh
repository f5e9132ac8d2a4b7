#!/usr/bin/env bash
# DNS over TLS (tls://, serve tls:// --records) and over HTTPS (https://.../dns-query, POST and
# GET) answer as UDP does, verified against --ca; a wrong pin exits 76 naming the reason.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server dns "DNS:localhost,IP:127.0.0.1"
zone=$VITNET_SOURCE/tests/lib/dns/example.zone
start_serve tls://127.0.0.1:0 --records "$zone" --cert "$PKI/dns.pem" --key "$PKI/dns.key"
dot=$(url_port "$URL")
start_serve https://127.0.0.1:0 --records "$zone" --cert "$PKI/dns.pem" --key "$PKI/dns.key"
doh=$(url_port "$URL")

expect_exit 0 "$VITNET" --json resolve www.example.test A -s "tls://127.0.0.1:$dot" --ca "$PKI/ca.pem"
python3 -c 'import json,sys; o=json.loads(open(sys.argv[1]).readline()); assert o["transport"]=="tls" and o["message"]["answerRRs"][0]["rdataA"]=="127.0.0.10", o' "$OUT" || { show "$OUT"; fail "DoT"; }
expect_exit 0 "$VITNET" resolve --short www.example.test A -s "https://127.0.0.1:$doh/dns-query" --ca "$PKI/ca.pem"
expect_content "$OUT" '127.0.0.10\n'
expect_exit 0 "$VITNET" resolve --short www.example.test AAAA --doh-get -s "https://127.0.0.1:$doh/dns-query" --ca "$PKI/ca.pem"
expect_content "$OUT" '::1\n'
expect_exit 1 "$VITNET" resolve nosuch.example.test A -s "https://127.0.0.1:$doh" --ca "$PKI/ca.pem"
expect_contains "$OUT" "NXDOMAIN"

# Not trusted: the system store does not know this CA.
expect_exit 76 "$VITNET" resolve www.example.test A -s "tls://127.0.0.1:$dot"
expect_contains "$ERR" "certificate verify failed"
expect_diagnostic "$ERR"
expect_exit 76 "$VITNET" resolve www.example.test A -s "tls://127.0.0.1:$dot" --pin "sha256:$(printf 'AB:%.0s' $(seq 31))AB"
expect_diagnostic "$ERR"
expect_exit 0 "$VITNET" resolve --short www.example.test A -s "tls://127.0.0.1:$dot" --pin "$(pki_sha256 "$PKI/dns.pem")"
expect_content "$OUT" '127.0.0.10\n'

#!/usr/bin/env bash
# serve quic:// --records answers DNS over QUIC (RFC 9250) to kdig +quic: A and AAAA answers and
# NXDOMAIN, verified against the test CA (+tls-ca with +tls-hostname) and by a pinned key
# (+tls-pin); the query log names the transport quic.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"
need kdig
# kdig takes +quic only when Knot was built with ngtcp2; Debian 12's 3.2.6 was not, and then
# it quietly asks over UDP and TCP instead, so the test would prove nothing.
ldd "$(command -v kdig)" 2>/dev/null | grep -q libngtcp2 ||
  skip "this kdig is built without QUIC (no libngtcp2): +quic falls back to UDP/TCP"

pki_server dns "DNS:localhost,IP:127.0.0.1"
zone=$VITNET_SOURCE/tests/lib/dns/example.zone
start_serve quic://127.0.0.1:0 --records "$zone" --cert "$PKI/dns.pem" --key "$PKI/dns.key"
p=$(url_port "$URL")
[[ $URL == quic://127.0.0.1:* ]] || fail "announced $URL"

trusted=(+quic +tls-ca="$PKI/ca.pem" +tls-hostname=localhost +timeout=3 +retry=0)
a=$(kdig @127.0.0.1 -p "$p" "${trusted[@]}" +short www.example.test A) || fail "kdig +quic A failed"
[[ $a == 127.0.0.10 ]] || fail "kdig +quic A: '$a'"
aaaa=$(kdig @127.0.0.1 -p "$p" "${trusted[@]}" +short www.example.test AAAA) || fail "kdig +quic AAAA failed"
[[ $aaaa == ::1 ]] || fail "kdig +quic AAAA: '$aaaa'"
kdig @127.0.0.1 -p "$p" "${trusted[@]}" nosuch.example.test A >"$T/nx" || fail "kdig +quic NXDOMAIN failed"
expect_contains "$T/nx" "status: NXDOMAIN"
expect_contains "$T/nx" "QUIC"

# +tls-pin: base64 of the SHA-256 of the certificate's public key (SubjectPublicKeyInfo).
pin=$(openssl x509 -in "$PKI/dns.pem" -pubkey -noout | openssl pkey -pubin -outform der |
  openssl dgst -sha256 -binary | base64)
a=$(kdig @127.0.0.1 -p "$p" +quic +tls-pin="$pin" +timeout=3 +retry=0 +short mail.example.test A) ||
  fail "kdig +quic +tls-pin failed"
[[ $a == 127.0.0.25 ]] || fail "kdig +quic +tls-pin: '$a'"

wait_until 5 grep -q "nosuch.example.test. A NXDOMAIN" "$SERVE_OUT" || { show "$SERVE_OUT"; fail "no NXDOMAIN in the query log"; }
expect_contains "$SERVE_OUT" " quic www.example.test. AAAA NOERROR answers=1"
expect_running "$SERVE_PID"

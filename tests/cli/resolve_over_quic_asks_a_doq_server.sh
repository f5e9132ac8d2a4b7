#!/usr/bin/env bash
# resolve --server quic:// (DNS over QUIC) against serve quic:// --records: answers as over UDP,
# --json names the transport quic, NXDOMAIN exits 1; the server is verified against --ca or a
# pin, and an unknown CA or a wrong pin exits 76 naming the reason.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server dns "DNS:localhost,IP:127.0.0.1"
zone=$VITNET_SOURCE/tests/lib/dns/example.zone
start_serve quic://127.0.0.1:0 --records "$zone" --cert "$PKI/dns.pem" --key "$PKI/dns.key"
doq=quic://127.0.0.1:$(url_port "$URL")

expect_exit 0 "$VITNET" --json resolve www.example.test A -s "$doq" --ca "$PKI/ca.pem"
expect_ndjson "$OUT"
python3 - "$OUT" <<'PY' || { show "$OUT"; fail "wrong JSON"; }
import json, sys
o = json.loads(open(sys.argv[1]).readline())
assert o["transport"] == "quic" and o["status"] == "answered" and o["rcode"] == "NOERROR", o
assert o["query"] == "www.example.test." and isinstance(o["time_ms"], (int, float)) and o["size"] > 0, o
m = o["message"]
assert m["QR"] == 1 and m["AA"] == 1 and m["answerRRs"][0]["rdataA"] == "127.0.0.10", m
PY
expect_exit 0 "$VITNET" resolve --short www.example.test AAAA -s "$doq" --ca "$PKI/ca.pem"
expect_content "$OUT" '::1\n'
# No type: A and AAAA, each on its own stream.
expect_exit 0 "$VITNET" resolve --short www.example.test -s "$doq" --ca "$PKI/ca.pem"
expect_contains "$OUT" "127.0.0.10"
expect_contains "$OUT" "::1"
expect_exit 1 "$VITNET" resolve nosuch.example.test A -s "$doq" --ca "$PKI/ca.pem"
expect_contains "$OUT" "NXDOMAIN"
expect_exit 0 "$VITNET" resolve --short www.example.test A -s "$doq" --pin "$(pki_sha256 "$PKI/dns.pem")"
expect_content "$OUT" '127.0.0.10\n'

# Not trusted: the system store does not know this CA; a pin that is not the server's.
expect_exit 76 "$VITNET" resolve www.example.test A -s "$doq"
expect_diagnostic "$ERR"
expect_exit 76 "$VITNET" resolve www.example.test A -s "$doq" --pin "sha256:$(printf 'AB:%.0s' $(seq 31))AB"
expect_diagnostic "$ERR"
expect_contains "$ERR" "127.0.0.1"
expect_running "$SERVE_PID"

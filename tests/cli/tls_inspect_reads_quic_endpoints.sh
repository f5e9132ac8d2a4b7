#!/usr/bin/env bash
# tls inspect quic://HOST:PORT shows what a QUIC server's handshake settled (TLS 1.3, its cipher,
# the ALPN) and its certificate chain, verified against --ca; vitnet's own server (ALPN h3 as
# serve https --http3 gives it) and, with --alpn, a quic:// byte-stream server.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
mkdir -p "$T/www"
start_serve "https://127.0.0.1:0" --http3 --dir "$T/www" --cert "$PKI/server.pem" --key "$PKI/server.key"
port=$(url_port "$URL")
wait_until 10 udp_bound "$port" || fail "no HTTP/3 socket"
expect_exit 0 "$VITNET" tls inspect --ca "$PKI/ca.pem" "quic://127.0.0.1:$port"
expect_contains "$OUT" "127.0.0.1:$port: quic endpoint"
expect_contains "$OUT" "QUICv1"
expect_contains "$OUT" "TLSv1.3"
expect_contains "$OUT" "h3"
expect_contains "$OUT" "yes, for 127.0.0.1"
expect_exit 0 "$VITNET" --json tls inspect --ca "$PKI/ca.pem" "quic://127.0.0.1:$port"
expect_contains "$OUT" '"quic": "QUICv1"'
expect_contains "$OUT" '"verified": true'

start_serve -k --echo quic://127.0.0.1:0 --cert "$PKI/server.pem" --key "$PKI/server.key"
expect_exit 0 "$VITNET" tls inspect --alpn vitnet "$URL"
expect_contains "$OUT" "quic endpoint"
expect_contains "$OUT" "NO: "  # no --ca: the test CA is not in the system store

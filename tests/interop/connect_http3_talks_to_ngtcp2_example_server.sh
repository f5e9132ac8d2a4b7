#!/usr/bin/env bash
# connect https:// --http3-only against ngtcp2's GnuTLS example server (Debian ngtcp2-server,
# started here on a free loopback port): a small file with -i (the head as HTTP/3 shows it), a
# 10 MB file byte for byte, --json with http_version "3", and a POST whose body the example
# server ignores but must receive. A server that is not there fails with --http3-only; --http3
# falls back to HTTP/1.1 over TCP (a vitnet https server that speaks no QUIC).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"
need gtlsserver

pki_server server "DNS:localhost,IP:127.0.0.1"
mkdir -p "$T/htdocs"
printf 'hello h3\n' >"$T/htdocs/index.html"
head -c 10000000 /dev/urandom >"$T/htdocs/big"
port=$(free_udp_port)
bg gtlsserver -q -d "$T/htdocs" 127.0.0.1 "$port" "$PKI/server.key" "$PKI/server.pem" \
  >"$T/gs.out" 2>"$T/gs.err"
wait_until 10 udp_bound "$port" || { show "$T/gs.err"; fail "gtlsserver did not bind"; }

expect_exit 0 "$VITNET" connect -i --http3-only --ca "$PKI/ca.pem" "https://127.0.0.1:$port/index.html"
expect_contains "$OUT" $'HTTP/3 200\r\n'
expect_contains "$OUT" "content-length: 9"
expect_contains "$OUT" "hello h3"

expect_exit 0 "$VITNET" connect --http3-only --ca "$PKI/ca.pem" "https://localhost:$port/big"
[[ $(sha256sum <"$OUT") == $(sha256sum <"$T/htdocs/big") ]] || fail "the 10 MB body differs"

expect_exit 0 "$VITNET" --json connect --http3-only --ca "$PKI/ca.pem" "https://127.0.0.1:$port/index.html"
expect_contains "$OUT" '"http_version":"3"'
expect_contains "$OUT" '"status":200'
expect_contains "$OUT" '"body":"hello h3\n"'

expect_exit 0 "$VITNET" connect --http3-only --ca "$PKI/ca.pem" --data 'a=1' "https://127.0.0.1:$port/index.html"
expect_contains "$OUT" "hello h3"

# Verification is on: without --ca the example server's certificate is refused.
expect_exit 76 "$VITNET" connect --http3-only "https://127.0.0.1:$port/index.html"
expect_contains "$ERR" "certificate verify failed"

# Nobody on the port: --http3-only fails; --http3 goes on over TCP.
quiet=$(free_udp_port)
expect_exit 69 "$VITNET" connect --http3-only --ca "$PKI/ca.pem" "https://127.0.0.1:$quiet/"
start_serve "https://127.0.0.1:0" --dir "$T/htdocs" --cert "$PKI/server.pem" --key "$PKI/server.key"
expect_exit 0 "$VITNET" connect --http3 --ca "$PKI/ca.pem" "$URL/index.html"
expect_contains "$OUT" "hello h3"
expect_contains "$ERR" "trying HTTP/1.1 over TCP"

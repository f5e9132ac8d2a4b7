#!/usr/bin/env bash
# serve https:// --http3 answers ngtcp2's GnuTLS example client (Debian ngtcp2-client) over HTTP/3
# on the TCP port's number: a 10 MB static file byte for byte; then, resuming the session the
# first connection left (--session-file, --tp-file), a request sent as 0-RTT early data that the
# server accepts. vitnet's own client gets the same file over HTTP/3, and over TCP the response
# advertises HTTP/3 with Alt-Svc. The request log says HTTP/3.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"
need gtlsclient

pki_server server "DNS:localhost,IP:127.0.0.1"
mkdir -p "$T/htdocs" "$T/dl"
printf 'hello h3\n' >"$T/htdocs/index.html"
head -c 10000000 /dev/urandom >"$T/htdocs/big"
start_serve "https://127.0.0.1:0" --http3 --dir "$T/htdocs" --cert "$PKI/server.pem" --key "$PKI/server.key"
port=$(url_port "$URL")
wait_until 10 udp_bound "$port" || fail "no UDP socket on port $port"
expect_contains "$SERVE_ERR" "http3: also listening on udp port $port"

expect_exit 0 timeout 20 gtlsclient -q --exit-on-all-streams-close --download "$T/dl" \
  --session-file "$T/sess" --tp-file "$T/tp" 127.0.0.1 "$port" "https://127.0.0.1:$port/big"
[[ $(sha256sum <"$T/dl/big") == $(sha256sum <"$T/htdocs/big") ]] || fail "gtlsclient's 10 MB differ"
[[ -s $T/sess && -s $T/tp ]] || fail "gtlsclient kept no session"

expect_exit 0 timeout 20 gtlsclient --exit-on-all-streams-close --session-file "$T/sess" \
  --tp-file "$T/tp" 127.0.0.1 "$port" "https://127.0.0.1:$port/index.html"
expect_contains "$ERR" "type=0RTT"
expect_not_contains "$ERR" "rejected"
expect_contains "$ERR" "|hello h3.|"  # its hex dump of the body

expect_exit 0 "$VITNET" connect --http3-only --ca "$PKI/ca.pem" "$URL/big"
[[ $(sha256sum <"$OUT") == $(sha256sum <"$T/htdocs/big") ]] || fail "vitnet's 10 MB over HTTP/3 differ"

expect_exit 0 "$VITNET" connect -i --ca "$PKI/ca.pem" "$URL/index.html"
expect_contains "$OUT" "HTTP/1.1 200"
expect_contains "$OUT" "Alt-Svc: h3=\":$port\"; ma=86400"

wait_until 5 has_lines 4 "$SERVE_OUT" "HTTP/" || true
expect_contains "$SERVE_OUT" '"GET /big HTTP/3" 200 10000000'
expect_contains "$SERVE_OUT" '"GET /index.html HTTP/1.1" 200'

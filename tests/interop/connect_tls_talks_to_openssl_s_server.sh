#!/usr/bin/env bash
# vitnet connect tls:// against `openssl s_server -rev` (which answers each line reversed), with the
# server's certificate verified against an openssl-made CA: the line goes there and comes back
# reversed, and connect exits 0 quietly.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
port=$(free_port)
bg timeout 20 openssl s_server -accept "127.0.0.1:$port" -cert "$PKI/server.pem" -key "$PKI/server.key" \
  -naccept 1 -rev </dev/null >"$T/s.out" 2>"$T/s.err"
wait_until 10 tcp_listening "$port" || { show "$T/s.err"; fail "openssl s_server did not listen"; }

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --send $'hello openssl\n' "tls://127.0.0.1:$port"
expect_content "$OUT" 'lssnepo olleh\n'
expect_empty "$ERR"

#!/usr/bin/env bash
# connect --tls-min 1.3 refuses a server that speaks only TLS 1.2 (openssl s_server -tls1_2): exit 76
# naming the peer and the protocol version alert; without --tls-min the same kind of server is reached
# over TLS 1.2.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
s_server() { # PORT: one connection, TLS 1.2 only, lines answered reversed
  bg timeout 20 openssl s_server -accept "127.0.0.1:$1" -cert "$PKI/server.pem" -key "$PKI/server.key" \
    -naccept 1 -rev -tls1_2 </dev/null >"$T/s.out" 2>"$T/s.err"
  wait_until 10 tcp_listening "$1" || { show "$T/s.err"; fail "openssl s_server did not listen"; }
}

port=$(free_port)
s_server "$port"
expect_exit 76 "$VITNET" connect --tls-min 1.3 --ca "$PKI/ca.pem" --send hello "tls://127.0.0.1:$port"
expect_empty "$OUT"
expect_diagnostic "$ERR"
expect_contains "$ERR" "vitnet: tls: 127.0.0.1:$port: "
expect_contains "$ERR" "protocol version"

port=$(free_port)
s_server "$port"
expect_exit 0 "$VITNET" -v connect --ca "$PKI/ca.pem" --send $'twelve\n' "tls://127.0.0.1:$port"
expect_content "$OUT" 'evlewt\n'
expect_contains "$ERR" "vitnet: tls: TLSv1.2 "

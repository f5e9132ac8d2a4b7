#!/usr/bin/env bash
# vitnet connect tls:// against `gnutls-serv --echo` (GnuTLS, not OpenSSL, on the other end), verified
# against an openssl-made CA: the line comes back and connect exits 0 quietly.
# (gnutls-serv cannot be told an address: for its short life it listens on every interface; the test
# dials 127.0.0.1 only.)
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

need gnutls-serv
pki_server server "DNS:localhost,IP:127.0.0.1"
port=$(free_port)
bg timeout 20 gnutls-serv --echo -p "$port" --x509certfile "$PKI/server.pem" --x509keyfile "$PKI/server.key" \
  </dev/null >"$T/s.out" 2>"$T/s.err"
wait_until 10 tcp_listening "$port" || { show "$T/s.err"; fail "gnutls-serv did not listen"; }

expect_exit 0 "$VITNET" connect --ca "$PKI/ca.pem" --send $'hello gnutls\n' "tls://127.0.0.1:$port"
expect_content "$OUT" 'hello gnutls\n'
expect_empty "$ERR"

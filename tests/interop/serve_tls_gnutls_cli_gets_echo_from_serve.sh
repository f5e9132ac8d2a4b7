#!/usr/bin/env bash
# gnutls-cli (GnuTLS) against `vitnet serve --echo tls://` with an openssl-made CA: the certificate is
# trusted, ALPN http/1.1 is agreed, and a line sent comes back.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

need gnutls-cli
pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve --echo --cert "$PKI/server.pem" --key "$PKI/server.key" --alpn h2 --alpn http/1.1 tls://127.0.0.1:0

open_fifo c_in "$T/client.in"
bg timeout 20 gnutls-cli --x509cafile "$PKI/ca.pem" --alpn http/1.1 -p "$(url_port "$URL")" 127.0.0.1 \
  <"$T/client.in" >"$T/c.out" 2>"$T/c.err"
c_pid=$BG_PID
wait_until 10 grep -q 'Handshake was completed' "$T/c.out" || { show "$T/c.out"; show "$T/c.err"; fail "gnutls-cli did not complete the handshake"; }
echo 'hello from gnutls' >&"$c_in"
wait_until 10 grep -q '^hello from gnutls$' "$T/c.out" || { show "$T/c.out"; fail "the echo did not come back to gnutls-cli"; }
close_fifo "$c_in"
wait_exit "$c_pid" 10
[[ $WAIT_RC == 0 ]] || { show "$T/c.err"; fail "gnutls-cli exited $WAIT_RC"; }
expect_contains "$T/c.out" "The certificate is trusted"
expect_contains "$T/c.out" "Application protocol: http/1.1"

#!/usr/bin/env bash
# openssl s_client against `vitnet serve --echo tls://` with an openssl-made CA: verification
# succeeds (hostname localhost checked), TLS 1.3 is negotiated, and a line sent comes back.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
start_serve --echo --cert "$PKI/server.pem" --key "$PKI/server.key" tls://127.0.0.1:0

open_fifo c_in "$T/client.in"
bg timeout 20 openssl s_client -connect "127.0.0.1:$(url_port "$URL")" -CAfile "$PKI/ca.pem" \
  -verify_return_error -verify_hostname localhost -servername localhost <"$T/client.in" >"$T/c.out" 2>"$T/c.err"
c_pid=$BG_PID
wait_until 10 grep -q 'Verify return code' "$T/c.out" || { show "$T/c.err"; fail "s_client did not complete the handshake"; }
echo 'hello vitnet' >&"$c_in"
wait_until 10 grep -q '^hello vitnet$' "$T/c.out" || { show "$T/c.out"; fail "the echo did not come back to s_client"; }
close_fifo "$c_in"
wait_exit "$c_pid" 10
[[ $WAIT_RC == 0 ]] || { show "$T/c.err"; fail "s_client exited $WAIT_RC"; }
expect_contains "$T/c.out" "Verify return code: 0 (ok)"
expect_contains "$T/c.out" "New, TLSv1.3, Cipher is"
expect_serve_exit 0

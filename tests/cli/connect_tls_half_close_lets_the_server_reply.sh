#!/usr/bin/env bash
# Half-close over TLS: the client sends its question and ends its side (close_notify); the stdio
# server has the whole question, keeps the connection, and relays its own stdin afterwards; the client
# gets the reply, and both exit 0.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/pki.sh"

pki_server server "DNS:localhost,IP:127.0.0.1"
open_fifo s_in "$T/serve.in"
SERVE_STDIN=$T/serve.in start_serve --cert "$PKI/server.pem" --key "$PKI/server.key" tls://127.0.0.1:0

bg timeout 20 "$VITNET" connect --ca "$PKI/ca.pem" --send 'question' "$URL" </dev/null >"$T/c.out" 2>"$T/c.err"
c_pid=$BG_PID

wait_until 5 grep -q question "$SERVE_OUT" || { show "$SERVE_ERR"; fail "the server did not receive the question"; }
sleep 0.3 # give a wrong server or client time to end the connection
if ! kill -0 "$SERVE_PID" 2>/dev/null; then
  rc=0
  wait "$SERVE_PID" || rc=$?
  show "$SERVE_ERR"
  fail "the stdio server ended (exit $rc) when the client half-closed, before its own stdin ended"
fi
expect_running "$c_pid" "the client, waiting for the reply after its half-close,"

echo 'answer' >&"$s_in"
close_fifo "$s_in"

wait_exit "$c_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/c.err"; fail "client exited $WAIT_RC"; }
expect_content "$T/c.out" 'answer\n'
expect_content "$SERVE_OUT" 'question'
expect_serve_exit 0

#!/usr/bin/env bash
# Half-close, client to server: the client sends and ends its stdin (shutdown write); the stdio server,
# having read up to that EOF, still relays its own stdin afterwards; the client gets that reply, and
# both exit 0.
source "$(dirname "$0")/../lib/lib.sh"

open_fifo s_in "$T/serve.in"
SERVE_STDIN=$T/serve.in start_serve 127.0.0.1:0

bg timeout 20 "$VITNET" connect --send 'question' "$URL" </dev/null >"$T/c.out" 2>"$T/c.err"
c_pid=$BG_PID

# The server has read the question; the client's EOF follows it. Give a wrong server time to react.
wait_until 5 grep -q question "$SERVE_OUT" || fail "the server did not receive the question"
sleep 0.3
if ! kill -0 "$SERVE_PID" 2>/dev/null; then
  rc=0
  wait "$SERVE_PID" || rc=$?
  fail "the stdio server ended (exit $rc) when the client half-closed, before its own stdin ended: the reply was never sent"
fi
expect_running "$c_pid" "the client, waiting for the reply after its half-close,"

echo 'answer' >&"$s_in"
close_fifo "$s_in"

wait_exit "$c_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/c.err"; fail "client exited $WAIT_RC"; }
expect_content "$T/c.out" 'answer\n'
expect_content "$SERVE_OUT" 'question'
expect_serve_exit 0

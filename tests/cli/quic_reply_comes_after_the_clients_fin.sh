#!/usr/bin/env bash
# A stdio quic:// server gets the client's question and its FIN, keeps the connection, and answers
# from its own stdin afterwards: the client prints the answer and exits 0, and so does the server.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/quic.sh"

open_fifo s_in "$T/serve.in"
SERVE_STDIN=$T/serve.in start_quic

bg timeout 20 "$VITNET" connect --pin "$PIN" --send 'question' "$URL" </dev/null >"$T/c.out" 2>"$T/c.err"
c_pid=$BG_PID

wait_until 5 grep -q question "$SERVE_OUT" || { show "$SERVE_ERR"; show "$T/c.err"; fail "the server did not receive the question"; }
sleep 0.3 # give a wrong server or client time to end the connection
expect_running "$SERVE_PID" "the stdio server, after the client's FIN,"
expect_running "$c_pid" "the client, waiting for the reply after its FIN,"

echo 'answer' >&"$s_in"
close_fifo "$s_in"

wait_exit "$c_pid" 5
[[ $WAIT_RC == 0 ]] || { show "$T/c.err"; fail "client exited $WAIT_RC"; }
expect_content "$T/c.out" 'answer\n'
expect_content "$SERVE_OUT" 'question'
expect_serve_exit 0

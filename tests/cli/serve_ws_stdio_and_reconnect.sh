#!/usr/bin/env bash
# serve ws:// without a mode pipes stdio: its stdin lines reach the client, the client's lines
# reach its stdout, and the end of its stdin closes the session normally (the client exits 0).
# connect --reconnect survives the server going away and coming back on its port.
source "$(dirname "$0")/../lib/lib.sh"

open_fifo sin "$T/server.in"
SERVE_STDIN=$T/server.in start_serve "ws://127.0.0.1:0"
echo "from server" >&"$sin"
bg "$VITNET" connect --linger 300ms "$URL" <<<"from client" >"$T/c1.out" 2>"$T/c1.err"
c1=$BG_PID
wait_until 5 has_lines 1 "$SERVE_OUT" "from client" || fail "the server printed nothing"
close_fifo "$sin"
wait_exit "$c1" 5
[[ $WAIT_RC == 0 ]] || fail "the client exited $WAIT_RC: $(cat "$T/c1.err")"
expect_content "$T/c1.out" 'from server\n'
expect_content "$SERVE_OUT" 'from client\n'

port=$(free_port)
start_serve -k --echo "ws://127.0.0.1:$port"
first=$SERVE_PID
open_fifo in "$T/client.in"
bg "$VITNET" connect --reconnect --retry-delay 100ms --retry 20 "ws://127.0.0.1:$port" <"$T/client.in" >"$T/client.out" 2>"$T/client.err"
client=$BG_PID
echo one >&"$in"
wait_until 5 has_lines 1 "$T/client.out" one || fail "no first echo: $(cat "$T/client.err")"
kill "$first"
wait "$first" 2>/dev/null || true
wait_until 5 grep -q reconnecting "$T/client.err" || fail "the client did not notice: $(cat "$T/client.err")"
start_serve -k --echo "ws://127.0.0.1:$port"
sleep 0.5
echo two >&"$in"
wait_until 5 has_lines 1 "$T/client.out" two || fail "no echo after the return: $(cat "$T/client.err")"
close_fifo "$in"
wait_exit "$client" 5 || fail "the client did not exit at the end of its input"
expect_content "$T/client.out" 'one\ntwo\n'
